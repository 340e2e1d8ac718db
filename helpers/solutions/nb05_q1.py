"""Worked solution of notebook 05, exercise 1 (q1); it sets `answer`."""
import pandas as pd


def is_fahrenheit(temperatures: pd.Series) -> pd.Series:
    celsius = (temperatures - 32) * 5 / 9
    impossible_as_celsius = (temperatures < 25) | (temperatures > 45)
    return impossible_as_celsius & celsius.between(34, 42)

answer = is_fahrenheit
