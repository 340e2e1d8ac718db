"""Worked solution of notebook 05, exercise 3 (q3); it sets `answer`."""
def drop_duplicate_patients(frame):
    repeated = frame.duplicated() | frame.drop(columns="patient_id").duplicated()
    return frame[~repeated]

answer = drop_duplicate_patients
