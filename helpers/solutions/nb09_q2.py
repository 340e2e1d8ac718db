"""Worked solution of notebook 09, exercise 2 (q2); it sets `answer`."""
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

# single words and pairs of neighbouring words ("no pneumonia", "pneumonia confirmed")
answer = make_pipeline(CountVectorizer(ngram_range=(1, 2), binary=True), LogisticRegression(max_iter=1000))
