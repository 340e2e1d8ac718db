"""Worked solution of notebook 05, exercise 2 (q2); it sets `answer`."""
answer = {"a": "MCAR", "b": "MNAR", "c": "MAR", "d": "MNAR"}
