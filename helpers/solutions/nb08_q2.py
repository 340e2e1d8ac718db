"""Worked solution of notebook 08, exercise 2 (q2); it sets `answer`."""
import numpy as np
from dp_accounting import dp_event, rdp


def epsilon(rate, noise_multiplier, steps, delta=1e-5):
    accountant = rdp.RdpAccountant(orders=[*range(2, 64), 128, 256, 512])
    accountant.compose(dp_event.PoissonSampledDpEvent(rate, dp_event.GaussianDpEvent(noise_multiplier)), steps)
    return accountant.get_epsilon(delta)


# The smallest noise multiplier on a grid of 0.05 whose epsilon is at most 1 (epsilon falls as noise grows).
answer = next(float(noise) for noise in np.arange(1, 12, 0.05) if epsilon(0.05, noise, 600) <= 1)
# With 100,000 patients (rate 0.0005; 30 epochs are 60,000 steps), a little under 1 is enough:
# next(float(noise) for noise in np.arange(0.5, 3, 0.05) if epsilon(0.0005, noise, 60_000) <= 1)
