"""Worked solution of notebook 05, exercise 3 (q3); it sets `answer`."""
from scipy import stats


def compare_groups(frame, column, other):
    """p-value of Welch's t-test: is `other` different where `column` is missing?"""
    gone = frame[column].isna()
    return stats.ttest_ind(frame.loc[gone, other].dropna(), frame.loc[~gone, other].dropna(),
                           equal_var=False).pvalue

answer = compare_groups
