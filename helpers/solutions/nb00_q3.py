"""Worked solution of notebook 00, exercise 3 (q3); it sets `answer`."""
from helpers.data import files

notes = files.load("clinical_notes")
pneumonia = notes[notes["pneumonia"] == 1]
answer = pneumonia["text"].str.lower().str.contains("cough").mean()
