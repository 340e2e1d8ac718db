"""Synthetic physiological signals: ECG-like rhythm strips and a long-memory sequence task.

Nothing here is a real recording. :func:`make_ecg_windows` draws single-lead, ECG-like windows
from a small sum-of-Gaussians beat model (in the spirit of McSharry et al.'s ECGSYN, 2003, but
vectorised and about a thousand times faster), with:

- P-QRS-T morphology for every sinus beat (P wave, small Q, tall R, S, T wave), in millivolts;
- heart-rate variability (respiratory sinus arrhythmia plus beat-to-beat jitter);
- white measurement noise and a slow baseline wander (breathing, electrode movement);
- three rhythm classes, :data:`RHYTHM_CLASSES`:

  0. ``"normal sinus"``: regular rhythm at 55-100 beats/min, a P wave before every QRS;
  1. ``"ectopic beats"``: the same sinus rhythm with one premature ventricular contraction (PVC):
     it comes early (60-75 % of the expected interval), has no P wave, a wide, tall QRS (of either
     polarity) and a T wave of the opposite polarity, then a full compensatory pause;
  2. ``"AF-like irregular"``: atrial-fibrillation-like rhythm: irregularly irregular intervals at
     70-130 beats/min, no P waves, small fibrillatory waves (4-8 Hz) on the baseline.

:func:`make_long_memory_task` makes the classic test of recurrent memory: a short event at the very
start of a long, noisy sequence decides the label, and nothing after it carries information.

Every generator is deterministic given ``seed`` (``numpy.random.default_rng``; no global state).
"""
from __future__ import annotations

import numpy as np

from helpers.validation import check_int

#: Rhythm class names, indexed by the integer labels of :func:`make_ecg_windows`.
RHYTHM_CLASSES: tuple[str, ...] = ("normal sinus", "ectopic beats", "AF-like irregular")


NORMAL, ECTOPIC, AF_LIKE = 0, 1, 2


#: Sinus-beat waves: name -> (time of the wave's peak relative to the R peak in s, amplitude in mV,
#: width (Gaussian standard deviation) in s). Roughly a lead-II-like beat.
SINUS_WAVES: dict[str, tuple[float, float, float]] = {
    "P": (-0.17, 0.13, 0.025),
    "Q": (-0.035, -0.12, 0.010),
    "R": (0.0, 1.10, 0.013),
    "S": (0.035, -0.25, 0.012),
    "T": (0.27, 0.30, 0.050),
}


#: Premature-ventricular-beat waves, same layout: no P wave, a wide QRS, a discordant T wave.
#: The QRS and T signs are flipped together at random per window (PVCs of either polarity).
PVC_WAVES: dict[str, tuple[float, float, float]] = {
    "QRS": (0.0, 1.60, 0.035),
    "T": (0.30, -0.45, 0.070),
}


_MAX_BEAT_SLOTS_MARGIN = 3


def _check_positive(value: object, name: str, *, allow_zero: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    value = float(value)
    if not np.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        expected = "a finite number >= 0" if allow_zero else "a finite number > 0"
        raise ValueError(f"{name} must be {expected}, got {value}")
    return value


def _check_range(value: object, name: str, low: float, high: float) -> tuple[float, float]:
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise TypeError(f"{name} must be a (low, high) pair of beats/min, got {value!r}")
    a, b = (_check_positive(v, name) for v in value)
    if not low <= a <= b <= high:
        raise ValueError(f"{name} must satisfy {low} <= low <= high <= {high} beats/min, got {value!r}")
    return a, b


def _beat_times(rr: np.ndarray, first_offset: np.ndarray) -> np.ndarray:
    """Beat times in s, shape (n, B), from RR intervals (n, B) and the first beat's time (n,)."""
    times = np.cumsum(rr, axis=1)
    return times - rr[:, :1] + first_offset[:, None]


def make_ecg_windows(
    n_windows: int,
    *,
    seconds: float = 3.0,
    sampling_rate: int = 50,
    seed: int = 0,
    noise_mv: float = 0.04,
    wander_mv: float = 0.15,
    heart_rate_bpm: tuple[float, float] = (55.0, 100.0),
    af_heart_rate_bpm: tuple[float, float] = (70.0, 130.0),
) -> dict[str, np.ndarray]:
    """Draw ECG-like single-lead windows in three balanced rhythm classes.

    Args:
        n_windows: number of windows (>= 1). Classes are balanced: window ``i`` has class
            ``i % 3`` before a seeded shuffle.
        seconds: window length in s (1 to 30). At 55 beats/min a 3-s window holds 2-3 beats.
        sampling_rate: samples per second (20 to 1000 Hz). The signal is sampled, not filtered:
            at low rates the narrow R peak can fall between samples and look smaller.
        seed: seed of ``numpy.random.default_rng``; same seed, same windows.
        noise_mv: standard deviation of white measurement noise, mV (typical 0.02-0.06 is drawn
            per window around this value; 0 for a clean signal).
        wander_mv: typical amplitude of the slow baseline wander, mV (0 for none).
        heart_rate_bpm: range of the mean heart rate of sinus windows (classes 0 and 1).
        af_heart_rate_bpm: range of the mean ventricular rate of AF-like windows (class 2).

    Returns:
        A dict of NumPy arrays, ``T = round(seconds * sampling_rate)``:

        - ``"signals"``: float32 (n, T, 1), millivolts;
        - ``"labels"``: int64 (n,), index into :data:`RHYTHM_CLASSES`;
        - ``"time_s"``: float32 (T,), time of each sample in s;
        - ``"abnormal_index"``: int64 (n,), sample index of the R peak (QRS centre) of the
          premature ventricular beat in class-1 windows (always between 20 % and 80 % of the
          window); ``-1`` for normal windows and for AF-like windows, where every beat is
          irregular and no single beat is "the" abnormal one;
        - ``"heart_rate_bpm"``: float32 (n,), the window's mean underlying rate, beats/min.
    """
    n = check_int("n_windows", n_windows)
    seconds = _check_positive(seconds, "seconds")
    if not 1.0 <= seconds <= 30.0:
        raise ValueError(f"seconds must be between 1 and 30, got {seconds}")
    fs = check_int("sampling_rate", sampling_rate, minimum=20)
    if fs > 1000:
        raise ValueError(f"sampling_rate must be at most 1000 Hz, got {fs}")
    noise_mv = _check_positive(noise_mv, "noise_mv", allow_zero=True)
    wander_mv = _check_positive(wander_mv, "wander_mv", allow_zero=True)
    hr_low, hr_high = _check_range(heart_rate_bpm, "heart_rate_bpm", 30.0, 200.0)
    af_low, af_high = _check_range(af_heart_rate_bpm, "af_heart_rate_bpm", 30.0, 220.0)

    rng = np.random.default_rng(seed)
    n_samples = int(round(seconds * fs))
    time_s = np.arange(n_samples) / fs
    labels = rng.permutation(np.arange(n) % len(RHYTHM_CLASSES)).astype(np.int64)
    is_af = labels == AF_LIKE
    is_pvc = labels == ECTOPIC

    # --- beat timing: mean RR interval, heart-rate variability, irregular AF intervals -----------
    mean_hr = np.where(is_af, rng.uniform(af_low, af_high, n), rng.uniform(hr_low, hr_high, n))
    mean_rr = 60.0 / mean_hr
    min_rr = 60.0 / max(hr_high, af_high) * 0.6
    slots = int(np.ceil((seconds + 2.0) / min_rr)) + _MAX_BEAT_SLOTS_MARGIN
    beat_number = np.arange(slots)[None, :]
    breathing_hz = rng.uniform(0.2, 0.35, n)[:, None]
    sinus_rr = mean_rr[:, None] * (
        1.0
        + rng.uniform(0.01, 0.04, (n, 1)) * np.sin(2 * np.pi * breathing_hz * beat_number * mean_rr[:, None]
                                                  + rng.uniform(0, 2 * np.pi, (n, 1)))
        + 0.015 * rng.standard_normal((n, slots))
    )
    af_rr = np.clip(mean_rr[:, None] * np.exp(0.28 * rng.standard_normal((n, slots))), 0.3, 2.0)
    rr = np.where(is_af[:, None], af_rr, sinus_rr)
    first_beat = -rng.uniform(0.0, 1.0, n) * rr[:, 0] - 0.3  # beats start before the window
    beats = _beat_times(rr, first_beat)  # (n, B) R-peak times in s

    # --- one premature ventricular contraction per ectopic window --------------------------------
    is_ventricular = np.zeros((n, slots), dtype=bool)
    abnormal_index = np.full(n, -1, dtype=np.int64)
    lo, hi = 0.2 * seconds, 0.8 * seconds
    coupling = rng.uniform(0.6, 0.75, n)
    choice_noise = rng.random((n, slots))
    for i in np.flatnonzero(is_pvc):
        # The PVC replaces sinus beat k, arriving early; beat k+1 keeps its time (full
        # compensatory pause). Choose k so that the PVC's R peak lands in the middle 60 %.
        early = beats[i, :-1] + coupling[i] * np.diff(beats[i])  # PVC time if it replaced beat k+1
        candidates = np.flatnonzero((early >= lo) & (early <= hi)) + 1
        if candidates.size == 0:  # very slow rate: force a beat into the middle
            k = int(np.argmin(np.abs(early - 0.5 * seconds))) + 1
            beats[i, k] = float(np.clip(early[k - 1], lo, hi))
        else:
            k = int(candidates[np.argmax(choice_noise[i, candidates])])
            beats[i, k] = early[k - 1]
        is_ventricular[i, k] = True
        abnormal_index[i] = int(np.clip(np.round(beats[i, k] * fs), 0, n_samples - 1))

    # --- morphology: sum of Gaussian waves per beat ----------------------------------------------
    gain = rng.uniform(0.75, 1.25, n)[:, None]  # electrode placement and body habitus
    beat_jitter = 1.0 + 0.05 * rng.standard_normal((n, slots))
    # Keep only the beats whose waves reach into the window (P starts ~0.3 s before the R peak,
    # T ends ~0.7 s after it), moved to the front of each row: this saves most of the work below.
    in_range = (beats > -0.8) & (beats < seconds + 0.4)
    order = np.argsort(~in_range, axis=1, kind="stable")[:, : max(int(in_range.sum(axis=1).max()), 1)]
    beats, is_ventricular, beat_jitter, in_range = (
        np.take_along_axis(a, order, axis=1) for a in (beats, is_ventricular, beat_jitter, in_range))
    beats = beats.astype(np.float32)
    t = time_s.astype(np.float32)[None, None, :]
    signal = np.zeros((n, n_samples))
    qt_scale = np.sqrt(np.clip(mean_rr, 0.3, 1.5))[:, None]  # T wave moves with the rate (Bazett)
    t_amplitude = rng.uniform(0.6, 1.4, n)[:, None]
    r_amplitude = rng.uniform(0.8, 1.2, n)[:, None]
    for name, (offset, amplitude, width) in SINUS_WAVES.items():
        if name == "T":
            offset_nb = offset * qt_scale
            amp = amplitude * t_amplitude
        else:
            offset_nb = np.full((n, 1), offset)
            amp = amplitude * (r_amplitude if name == "R" else 1.0)
        weight = amp * gain * beat_jitter * in_range * ~is_ventricular
        if name == "P":
            weight = weight * ~is_af[:, None]  # no organised atrial activity in AF
        centre = (beats + offset_nb.astype(np.float32))[:, :, None]
        signal += np.einsum("nb,nbt->nt", weight.astype(np.float32),
                            np.exp(-0.5 * np.square((t - centre) / np.float32(width))))
    pvc_sign = np.where(rng.random(n) < 0.7, 1.0, -1.0)[:, None]
    for offset, amplitude, width in PVC_WAVES.values():
        weight = amplitude * pvc_sign * gain * is_ventricular * rng.uniform(0.85, 1.15, (n, 1))
        centre = (beats + np.float32(offset))[:, :, None]
        signal += np.einsum("nb,nbt->nt", weight.astype(np.float32),
                            np.exp(-0.5 * np.square((t - centre) / np.float32(width))))

    # --- fibrillatory waves, baseline wander and measurement noise -------------------------------
    f_hz = rng.uniform(4.0, 8.0, (n, 2))
    f_amp = rng.uniform(0.05, 0.12, (n, 1))
    f_phase = rng.uniform(0, 2 * np.pi, (n, 2))
    fibrillation = f_amp * (np.sin(2 * np.pi * f_hz[:, :1] * time_s + f_phase[:, :1])
                            + 0.6 * np.sin(2 * np.pi * f_hz[:, 1:] * time_s + f_phase[:, 1:]))
    signal += fibrillation * is_af[:, None]
    wander_hz = rng.uniform(0.05, 0.5, (n, 2))
    wander_amp = wander_mv * rng.uniform(0.3, 1.5, (n, 2))
    wander_phase = rng.uniform(0, 2 * np.pi, (n, 2))
    signal += np.einsum("nk,nkt->nt", wander_amp,
                        np.sin(2 * np.pi * wander_hz[:, :, None] * time_s + wander_phase[:, :, None]))
    signal += noise_mv * rng.uniform(0.5, 1.5, (n, 1)) * rng.standard_normal((n, n_samples))

    return {
        "signals": signal[:, :, None].astype(np.float32),
        "labels": labels,
        "time_s": time_s.astype(np.float32),
        "abnormal_index": abnormal_index,
        "heart_rate_bpm": mean_hr.astype(np.float32),
    }


def make_long_memory_task(
    n_sequences: int,
    length: int,
    *,
    seed: int = 0,
    event_steps: int = 5,
    noise: float = 1.0,
) -> tuple[np.ndarray, np.ndarray]:
    """A long, noisy sequence whose label is decided only by a short event at its very start.

    Think of a monitor trace in which a brief deflection in the first few samples (up for class 1,
    down for class 0) is the only clue; every later sample is noise with no information. A model
    that cannot carry information across ``length`` steps is left guessing (accuracy 0.5).

    Args:
        n_sequences: number of sequences (>= 2); the classes are balanced (alternate, then shuffled).
        length: time steps per sequence, ``T`` (> ``event_steps``).
        seed: seed of ``numpy.random.default_rng``.
        event_steps: how many of the first steps carry the event (>= 1).
        noise: standard deviation of the Gaussian noise added to every step (>= 0). With the
            defaults the best possible accuracy is about 0.99 (the mean of 5 event steps is
            +-1 with noise 1 / sqrt(5)).

    Returns:
        ``(x, y)``: ``x`` float32 (n, T, 1); ``y`` int64 (n,) in {0, 1}. The event adds
        ``+1`` (class 1) or ``-1`` (class 0) to steps ``0 .. event_steps - 1``.
    """
    n = check_int("n_sequences", n_sequences, minimum=2)
    event_steps = check_int("event_steps", event_steps)
    length = check_int("length", length, minimum=event_steps + 1)
    noise = _check_positive(noise, "noise", allow_zero=True)
    rng = np.random.default_rng(seed)
    y = rng.permutation(np.arange(n) % 2).astype(np.int64)
    x = noise * rng.standard_normal((n, length, 1))
    x[:, :event_steps, 0] += np.where(y == 1, 1.0, -1.0)[:, None]
    return x.astype(np.float32), y


def rr_intervals_s(r_peak_indices: np.ndarray, sampling_rate: int) -> np.ndarray:
    """RR intervals in s from increasing R-peak sample indices (k,) at ``sampling_rate`` Hz; (k-1,)."""
    fs = check_int("sampling_rate", sampling_rate)
    peaks = np.asarray(r_peak_indices)
    if peaks.ndim != 1 or peaks.size < 2:
        raise ValueError(f"r_peak_indices must be a 1-D array of at least 2 indices, got shape {peaks.shape}")
    if np.any(np.diff(peaks) <= 0):
        raise ValueError("r_peak_indices must be strictly increasing")
    return np.diff(peaks).astype(float) / fs


__all__ = [
    "AF_LIKE", "ECTOPIC", "NORMAL", "PVC_WAVES", "RHYTHM_CLASSES", "SINUS_WAVES",
    "make_ecg_windows", "make_long_memory_task", "rr_intervals_s",
]
