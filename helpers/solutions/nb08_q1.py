"""Worked solution of notebook 08, exercise 1 (q1); it sets `answer`."""


def k_anonymity(table, columns):
    return int(table.groupby(list(columns)).size().min())

answer = k_anonymity
