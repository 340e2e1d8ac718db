"""Worked solution of notebook 05, exercise 4 (q4); it sets `answer`."""
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from helpers.data import faults, records

X_train, y_train = records.features(records.make_cohort(3000, seed=0))
X_test, y_test = records.features(records.make_cohort(3000, seed=1))
y_missed = faults.flip_labels(y_train, 0.3, seed=0, events_only=True)
model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)).fit(X_train, y_missed)
answer = model.predict_proba(X_test)[:, 1].mean() / y_test.mean()
