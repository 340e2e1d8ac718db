"""Worked solution of notebook 05, exercise 1 (q1); it sets `answer`."""
import numpy as np

from helpers.data import faults


def umol_to_mg(values):
    """Creatinine in umol/L to mg/dL (1 mg/dL = 88.42 umol/L)."""
    return np.asarray(values, dtype=float) / 88.42


# Impossible in mg/dL (above the hard limit of 25), and between 0.2 and 10 mg/dL once converted:
# that keeps every value of this cohort (0.4 to 3.0 mg/dL is 35 to 265 umol/L) and leaves the
# laboratory's sentinels 999 (11.3 mg/dL if it were umol/L) and 9999 to the impossible-value check.
answer = faults.UnitRule("creatinine", "unit_umol", umol_to_mg, (0.2, 10.0))
