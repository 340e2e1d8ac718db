"""Worked solution of notebook 12, exercise 2 (q2); it sets `answer`."""
import numpy as np


def threshold_for_alert_budget(risk, alerts_per_100):
    risk = np.asarray(risk, dtype=float)
    allowed = int(np.floor(alerts_per_100 / 100 * len(risk) + 1e-9))  # patients the team can see
    ranked = np.sort(risk)[::-1]                                        # highest risk first
    return float(ranked[allowed - 1]) if allowed >= 1 else float("inf")  # the last patient still seen


answer = threshold_for_alert_budget
