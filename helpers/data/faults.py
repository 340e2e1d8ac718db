"""Dirty data on purpose: break a clean EHR cohort in documented ways, then find the damage.

Real health records are "variable, perplexing, noisy, and incomplete" (the paper, section 2.2).
To *measure* what that does, we start from the clean synthetic cohort of :mod:`helpers.data.records`
(whose true risk model is known), break it with :func:`inject_faults`, which keeps the ground
truth of every broken cell in a tidy fault log, and check the damage with :func:`find_faults`, a
handful of pandas validation rules. :func:`score_checks` compares the two.

Fault kinds (:data:`FAULT_KINDS`); :data:`FAULT_PLAN` says which columns each one touches, and why:

- ``missing_mcar``: missing completely at random (a lost sample);
- ``missing_mar``: missing at random: the chance depends on *another, recorded* column;
- ``missing_mnar``: missing not at random: the chance depends on the *hidden value itself*;
- ``noise``: extra measurement error that stays inside the plausible range;
- ``unit_fahrenheit``: a temperature in degrees F in a degrees C column;
- ``unit_mmol``: a glucose in mmol/L in a mg/dL column (1 mmol/L = 18.016 mg/dL);
- ``impossible``: a value no living adult can have (sentinels such as 999 or code 9, typos);
- ``duplicate``: a patient recorded twice (same ID, or registered again under a new ID);
- ``label_flip``: the outcome recorded wrongly.

Everything is deterministic given ``seed``. No real patient is behind any row.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

import numpy as np
import pandas as pd

from helpers.data.records import ID_COLUMN, NUMERIC_COLUMNS, OUTCOME, check_cohort
from helpers.validation import check_int, check_number

#: Every kind of fault :func:`inject_faults` injects, in the order of the summary table.
FAULT_KINDS: tuple[str, ...] = (
    "missing_mcar", "missing_mar", "missing_mnar", "noise", "unit_fahrenheit", "unit_mmol",
    "impossible", "duplicate", "label_flip",
)


#: Missingness mechanisms accepted by :func:`blank_columns`.
MECHANISMS: tuple[str, ...] = ("MCAR", "MAR", "MNAR")


#: Default strength of each mechanism in :func:`blank_columns` (see :func:`pick_rows`): MAR blanks
#: younger patients more often (driver: age), MNAR blanks high values more often.
DEFAULT_STRENGTH: dict[str, float] = {"MCAR": 0.0, "MAR": -2.0, "MNAR": 2.0}


#: Which columns each fault touches in :func:`inject_faults`, and the clinical story behind it.
FAULT_PLAN: dict[str, dict] = {
    "missing_mcar": {"columns": ("cholesterol", "heart_rate"),
                     "story": "a sample lost in transport, a monitor not connected: unrelated to the patient"},
    "missing_mar": {"columns": ("systolic_bp",), "driver": "age", "strength": -1.5,
                    "story": "the blood-pressure check is skipped more often for younger patients, "
                             "and age is recorded"},
    "missing_mnar": {"columns": ("smoker", "bmi"), "strength": 1.5,
                     "story": "smokers leave the smoking question blank; the heaviest patients are weighed less"},
    "noise": {"columns": ("systolic_bp", "heart_rate"), "sd": {"systolic_bp": 10.0, "heart_rate": 8.0},
              "story": "a badly fitted cuff, a patient who just climbed the stairs: wrong but plausible"},
    "unit_fahrenheit": {"columns": ("temperature",), "story": "a thermometer set to degrees F"},
    "unit_mmol": {"columns": ("glucose",), "story": "a partner laboratory reports glucose in mmol/L"},
    "impossible": {"columns": ("age", "bmi", "systolic_bp", "heart_rate", "glucose", "cholesterol",
                               "creatinine", "temperature", "smoker"),
                   "story": "sentinels meaning 'unknown' (999, -1, 0, code 9) and typing errors"},
    "duplicate": {"columns": ("*",), "story": "the same visit exported twice, or a patient registered twice"},
    "label_flip": {"columns": (OUTCOME,), "story": "an event treated elsewhere never reaches the record, "
                                                  "a code entered in the wrong box"},
}


#: Hard limits (inclusive): outside them no living adult can be, in the cohort's units.
HARD_LIMITS: dict[str, tuple[float, float]] = {
    "age": (18, 110),            # years (an adult cohort)
    "bmi": (10, 80),             # kg/m^2
    "systolic_bp": (50, 300),    # mmHg
    "heart_rate": (20, 250),     # beats/min
    "glucose": (20, 1500),       # mg/dL
    "cholesterol": (50, 1000),   # mg/dL
    "creatinine": (0.1, 25),     # mg/dL
    "temperature": (25, 45),     # degrees C
}


#: The only codes allowed in categorical columns.
ALLOWED_CODES: dict[str, frozenset] = {
    "sex": frozenset({"F", "M"}),
    "smoker": frozenset({0, 1}),
    OUTCOME: frozenset({0, 1}),
}


#: Sentinels and typing errors :func:`inject_faults` writes for the ``impossible`` fault.
IMPOSSIBLE_VALUES: dict[str, tuple[float, ...]] = {
    "age": (-1, 999, 0),
    "bmi": (0.0, 999.0, 272.0),
    "systolic_bp": (0, 999, 1300),
    "heart_rate": (0, 999, 7),
    "glucose": (0, 9999, -1),
    "cholesterol": (0, 9999, -1),
    "creatinine": (-1.0, 0.0, 99.0),
    "temperature": (0.0, 999.0, -1.0),
    "smoker": (9, 2, -1),
}


#: 1 mmol/L of glucose in mg/dL (molar mass 180.16 g/mol).
GLUCOSE_MG_PER_MMOL = 18.016


@dataclass(frozen=True)
class UnitRule:
    """A value of ``column`` that breaks its hard limits but is typical once ``convert`` is applied."""

    column: str
    check: str                                     # name of the check (= the fault kind it finds)
    convert: Callable[[np.ndarray], np.ndarray]    # wrong unit -> the column's unit
    typical: tuple[float, float]                   # typical range after conversion


def fahrenheit_to_celsius(values: np.ndarray) -> np.ndarray:
    """Degrees F to degrees C (same shape)."""
    return (np.asarray(values, dtype=float) - 32.0) * 5.0 / 9.0


def glucose_mmol_to_mg(values: np.ndarray) -> np.ndarray:
    """Glucose in mmol/L to mg/dL (same shape)."""
    return np.asarray(values, dtype=float) * GLUCOSE_MG_PER_MMOL


#: The unit mix-ups :func:`find_faults` looks for.
UNIT_RULES: tuple[UnitRule, ...] = (
    UnitRule("temperature", "unit_fahrenheit", fahrenheit_to_celsius, (34.0, 42.0)),
    UnitRule("glucose", "unit_mmol", glucose_mmol_to_mg, (40.0, 600.0)),
)


#: Hard limits for scikit-learn's diabetes study (``load_diabetes(scaled=False)``), in its units.
DIABETES_LIMITS: dict[str, tuple[float, float]] = {
    "age": (18, 110),     # years
    "bmi": (10, 80),      # kg/m^2
    "bp": (30, 200),      # average (mean arterial) blood pressure, mmHg
    "s1": (50, 1000),     # total cholesterol, mg/dL
    "s2": (5, 800),       # LDL cholesterol, mg/dL
    "s3": (5, 200),       # HDL cholesterol, mg/dL
    "s4": (0.5, 30),      # total cholesterol / HDL, a ratio
    "s5": (2.3, 8.6),     # natural log of triglycerides in mg/dL (10 to 5,400 mg/dL)
    "s6": (20, 1500),     # glucose, mg/dL
}


#: Codes allowed in the diabetes study (its sex column is coded 1/2; which is which is not documented).
DIABETES_CODES: dict[str, frozenset] = {"sex": frozenset({1.0, 2.0})}


#: The glucose unit rule, for the diabetes study's ``s6`` column.
DIABETES_UNIT_RULES: tuple[UnitRule, ...] = (UnitRule("s6", "unit_mmol", glucose_mmol_to_mg, (40.0, 600.0)),)


#: Columns of the fault log and of the findings table.
LOG_COLUMNS: tuple[str, ...] = ("row", ID_COLUMN, "column", "kind", "clean_value", "dirty_value")


FINDING_COLUMNS: tuple[str, ...] = ("row", "column", "check")


def pick_rows(n_rows: int, rate: float, *, rng: np.random.Generator, driver: np.ndarray | None = None,
              strength: float = 0.0, eligible: np.ndarray | None = None) -> np.ndarray:
    """Choose exactly ``round(rate * n_rows)`` rows; return a boolean mask of shape (n_rows,).

    Without a ``driver`` (or with ``strength=0``) every eligible row is equally likely: this is
    *missing completely at random*. With a ``driver`` (shape (n_rows,)), a row's chance is
    proportional to ``exp(strength * z)``, ``z`` being the driver standardised to mean 0 and SD 1:
    a positive ``strength`` picks high values more often. Pass another, recorded column for
    *missing at random*, or the column's own (soon hidden) values for *missing not at random*.
    ``eligible`` (bool, shape (n_rows,)) restricts the choice.
    """
    if isinstance(n_rows, bool) or not isinstance(n_rows, (int, np.integer)) or n_rows < 1:
        raise ValueError(f"n_rows must be a positive int, got {n_rows!r}")
    rate = check_number("rate", rate, 0.0, 0.9)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator (np.random.default_rng(seed)), got {type(rng).__name__}")
    eligible = np.ones(n_rows, bool) if eligible is None else np.asarray(eligible, bool)
    if eligible.shape != (n_rows,):
        raise ValueError(f"eligible must have shape ({n_rows},), got {eligible.shape}")
    weights = np.ones(n_rows)
    if driver is not None and strength != 0.0:
        driver = np.asarray(driver, dtype=float)
        if driver.shape != (n_rows,):
            raise ValueError(f"driver must have shape ({n_rows},), got {driver.shape}")
        spread = np.nanstd(driver)
        z = (driver - np.nanmean(driver)) / (spread if spread > 0 else 1.0)
        weights = np.exp(float(strength) * np.nan_to_num(z))
    weights = np.where(eligible, weights, 0.0)
    count = min(int(round(rate * n_rows)), int(eligible.sum()))
    mask = np.zeros(n_rows, bool)
    if count:
        mask[rng.choice(n_rows, size=count, replace=False, p=weights / weights.sum())] = True
    return mask


def blank_columns(frame: pd.DataFrame, columns: Iterable[str], mechanism: str, rate: float, *,
                  seed: int, driver: str = "age", strength: float | None = None) -> pd.DataFrame:
    """A copy of ``frame`` with ``rate`` of each of ``columns`` set to NaN by ``mechanism``.

    ``mechanism``: ``"MCAR"`` (every row alike), ``"MAR"`` (driven by the recorded ``driver``
    column: by default younger patients more often) or ``"MNAR"`` (driven by the hidden value
    itself: by default high values more often). ``strength`` overrides
    :data:`DEFAULT_STRENGTH`. Each column is blanked independently (exactly ``round(rate * n)``
    rows); the result has the blanked columns as float and the same index as ``frame``.
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"frame must be a pandas DataFrame, got {type(frame).__name__}")
    if isinstance(columns, str):
        columns = [columns]
    columns = list(columns)
    unknown = [column for column in columns if column not in frame.columns]
    if not columns or unknown:
        raise ValueError(f"columns must name columns of frame; unknown: {unknown or 'none given'}")
    if mechanism not in MECHANISMS:
        raise ValueError(f"mechanism must be one of {MECHANISMS}, got {mechanism!r}")
    if mechanism == "MAR" and (driver not in frame.columns or driver in columns):
        raise ValueError(f"MAR needs a recorded driver column that is not blanked itself, got {driver!r}")
    strength = DEFAULT_STRENGTH[mechanism] if strength is None else float(strength)
    rng = np.random.default_rng(check_int("seed", seed, 0))
    out = frame.copy()
    for column in columns:
        values = out[column].to_numpy(dtype=float)
        drive = {"MCAR": None, "MAR": frame[driver].to_numpy(dtype=float), "MNAR": values}[mechanism]
        mask = pick_rows(len(out), rate, rng=rng, driver=drive, strength=strength)
        out[column] = np.where(mask, np.nan, values)
    return out


def flip_labels(labels: np.ndarray, rate: float, *, seed: int, events_only: bool = False) -> np.ndarray:
    """Labels (shape (n,), 0/1) with a random ``rate`` of them flipped; a new int array.

    ``events_only=True`` flips only 1s into 0s (events that never reached the record), and then
    ``rate`` is the fraction of *events* lost.
    """
    labels = np.asarray(labels)
    if labels.ndim != 1 or not np.isin(labels, (0, 1)).all():
        raise ValueError("labels must be a 1-D array of 0s and 1s")
    rate = check_number("rate", rate)
    rng = np.random.default_rng(check_int("seed", seed, 0))
    flip = rng.random(labels.shape) < rate
    if events_only:
        flip &= labels == 1
    return np.where(flip, 1 - labels, labels).astype(int)


def inject_faults(clean: pd.DataFrame, *, seed: int, missing_rate: float = 0.10,
                  noise_rate: float = 0.10, unit_rate: float = 0.03, impossible_rate: float = 0.004,
                  duplicate_rate: float = 0.02, label_noise: float = 0.05
                  ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Break a clean cohort in documented ways; return ``(dirty, fault_log)``.

    Args:
        clean: a cohort from :func:`helpers.data.records.make_cohort`, n rows (it is not modified).
        seed: seeds the one random generator used (same seed and rates, same faults).
        missing_rate: fraction of rows blanked in each column of the three ``missing_*`` kinds.
        noise_rate: fraction of rows given extra measurement error, in each noisy column.
        unit_rate: fraction of rows recorded in the wrong unit, in each unit column.
        impossible_rate: fraction of rows given an impossible value, in each numeric column.
        duplicate_rate: extra rows copying an existing row, as a fraction of n (half of them
            re-registered under a new ``patient_id`` starting ``P9``).
        label_noise: fraction of outcomes flipped.

    Returns:
        ``dirty``: the broken cohort, n + round(duplicate_rate * n) rows, numeric columns as float,
        index 0..N-1. ``fault_log``: one row per broken cell, columns :data:`LOG_COLUMNS`:
        ``row`` (position in ``dirty``), ``patient_id``, ``column`` (``"*"`` for a duplicated
        row), ``kind`` (one of :data:`FAULT_KINDS`), ``clean_value`` and ``dirty_value`` (floats,
        NaN where they do not apply). A cell carries at most one fault; a duplicated row repeats
        the faults of the row it copies, and they are logged for it too.
    """
    check_cohort(clean, "clean", min_rows=20)
    seed = check_int("seed", seed, 0)
    rates = {name: check_number(name, value, 0.0, 0.9) for name, value in (
        ("missing_rate", missing_rate), ("noise_rate", noise_rate), ("unit_rate", unit_rate),
        ("impossible_rate", impossible_rate), ("duplicate_rate", duplicate_rate),
        ("label_noise", label_noise))}
    rng = np.random.default_rng(seed)
    dirty = clean.reset_index(drop=True).copy()
    for column in (*NUMERIC_COLUMNS, OUTCOME):
        dirty[column] = dirty[column].astype(float)
    n = len(dirty)
    touched = {column: np.zeros(n, bool) for column in dirty.columns}
    records: list[tuple] = []

    def pick(column: str, rate: float, driver: np.ndarray | None = None, strength: float = 0.0) -> np.ndarray:
        return pick_rows(n, rate, rng=rng, driver=driver, strength=strength, eligible=~touched[column])

    def log(rows: np.ndarray, column: str, kind: str, new_values: object) -> None:
        positions = np.flatnonzero(rows)
        old = dirty.loc[positions, column].to_numpy(dtype=float)
        new = np.broadcast_to(np.asarray(new_values, dtype=float), positions.shape)
        dirty.loc[positions, column] = new
        touched[column][positions] = True
        records.extend((int(r), column, kind, float(o), float(v)) for r, o, v in zip(positions, old, new))

    for kind in ("missing_mcar", "missing_mar", "missing_mnar"):
        plan = FAULT_PLAN[kind]
        for column in plan["columns"]:
            driver = {"missing_mcar": None, "missing_mar": clean[plan.get("driver", column)],
                      "missing_mnar": clean[column]}[kind]
            driver = None if driver is None else driver.to_numpy(dtype=float)
            log(pick(column, rates["missing_rate"], driver, plan.get("strength", 0.0)), column, kind, np.nan)
    for kind, to_wrong_unit in (("unit_fahrenheit", lambda c: c * 9 / 5 + 32),
                                ("unit_mmol", lambda mg: mg / GLUCOSE_MG_PER_MMOL)):
        for column in FAULT_PLAN[kind]["columns"]:
            rows = pick(column, rates["unit_rate"])
            log(rows, column, kind, np.round(to_wrong_unit(dirty.loc[rows, column].to_numpy()), 1))
    for column in FAULT_PLAN["impossible"]["columns"]:
        rows = pick(column, rates["impossible_rate"])
        log(rows, column, "impossible", rng.choice(IMPOSSIBLE_VALUES[column], size=int(rows.sum())))
    for column in FAULT_PLAN["noise"]["columns"]:
        rows = pick(column, rates["noise_rate"])
        low, high = float(clean[column].min()), float(clean[column].max())
        old = dirty.loc[rows, column].to_numpy()
        error = rng.normal(0.0, FAULT_PLAN["noise"]["sd"][column], size=old.shape)
        error = np.where(np.abs(error) < 1.0, np.where(error < 0, -1.0, 1.0), error)  # every value changes
        noisy = old + error
        noisy = np.where((noisy < low) | (noisy > high), old - error, noisy)  # stay plausible
        log(rows, column, "noise", np.clip(np.round(noisy), low, high))
    flips = pick_rows(n, rates["label_noise"], rng=rng)
    log(flips, OUTCOME, "label_flip", 1.0 - dirty.loc[flips, OUTCOME].to_numpy(dtype=float))
    dirty[OUTCOME] = dirty[OUTCOME].astype(int)

    dirty, records = _add_duplicates(dirty, records, rates["duplicate_rate"], rng)
    fault_log = pd.DataFrame(records, columns=["row", "column", "kind", "clean_value", "dirty_value"])
    fault_log.insert(1, ID_COLUMN, dirty[ID_COLUMN].to_numpy()[fault_log["row"].to_numpy()])
    fault_log["kind"] = pd.Categorical(fault_log["kind"], categories=FAULT_KINDS)
    fault_log = fault_log.sort_values(["row", "column"], kind="stable").reset_index(drop=True)
    return dirty, fault_log[list(LOG_COLUMNS)]


def _add_duplicates(dirty: pd.DataFrame, records: list[tuple], rate: float,
                    rng: np.random.Generator) -> tuple[pd.DataFrame, list[tuple]]:
    """Copy ``round(rate * n)`` rows (half under a new ID), scatter the copies, renumber the log.

    Each copy lands somewhere after the row it copies, so the later row of a pair is the
    ``duplicate``: the one a validation check flags and a cleaning step drops.
    """
    n = len(dirty)
    count = int(round(rate * n))
    if count == 0:
        return dirty, records
    sources = rng.choice(n, size=count, replace=False)
    copies = dirty.iloc[sources].copy()
    new_id = rng.random(count) < 0.5
    copies.loc[copies.index[new_id], ID_COLUMN] = [f"P{90000 + i:05d}" for i in range(int(new_id.sum()))]
    positions = np.concatenate([np.arange(n, dtype=float), rng.uniform(sources, n - 0.5) + 0.25])
    order = np.argsort(positions, kind="stable")
    new_row = np.empty(n + count, int)
    new_row[order] = np.arange(n + count)
    combined = pd.concat([dirty, copies], ignore_index=True).iloc[order].reset_index(drop=True)
    by_source: dict[int, list[tuple]] = {}
    for record in records:
        by_source.setdefault(record[0], []).append(record)
    renumbered = [(int(new_row[row]), *rest) for row, *rest in records]
    for source, copy_row in zip(sources, new_row[n:]):
        renumbered.append((int(copy_row), "*", "duplicate", np.nan, np.nan))
        renumbered.extend((int(copy_row), *rest) for _, *rest in by_source.get(int(source), []))
    return combined, renumbered


def find_faults(frame: pd.DataFrame, *, id_column: str | None = ID_COLUMN,
                limits: dict[str, tuple[float, float]] | None = None,
                codes: dict[str, frozenset] | None = None,
                unit_rules: tuple[UnitRule, ...] | None = None) -> pd.DataFrame:
    """Run the validation checks; return one row per flagged cell, columns :data:`FINDING_COLUMNS`.

    The checks, in order (a cell is reported once, under the first check that flags it):

    - ``missing``: the cell is empty (NaN);
    - each unit rule (``unit_fahrenheit``, ``unit_mmol``): outside the hard limits, but typical
      once converted from the other unit;
    - ``impossible``: outside the hard limits, or not an allowed code;
    - ``duplicate``: the whole row (``column == "*"``) repeats an earlier row, either exactly or
      with only ``id_column`` changed.

    ``row`` is the position 0..N-1 in ``frame``. Defaults check the EHR cohort (:data:`HARD_LIMITS`,
    :data:`ALLOWED_CODES`, :data:`UNIT_RULES`); pass others to check another table (see
    :data:`DIABETES_LIMITS`). Rules naming columns that ``frame`` lacks are skipped.
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"frame must be a pandas DataFrame, got {type(frame).__name__}")
    limits = HARD_LIMITS if limits is None else limits
    codes = ALLOWED_CODES if codes is None else codes
    unit_rules = UNIT_RULES if unit_rules is None else unit_rules
    if not isinstance(limits, dict) or not all(
            isinstance(bounds, tuple) and len(bounds) == 2 and bounds[0] < bounds[1] for bounds in limits.values()):
        raise ValueError("limits must map column names to (low, high) tuples with low < high")
    if not isinstance(codes, dict):
        raise TypeError(f"codes must map column names to sets of allowed values, got {type(codes).__name__}")
    if not all(isinstance(rule, UnitRule) for rule in unit_rules):
        raise TypeError("unit_rules must be a tuple of UnitRule")
    if id_column is not None and id_column not in frame.columns:
        raise ValueError(f"id_column {id_column!r} is not a column of frame; pass id_column=None if there is none")
    table = frame.reset_index(drop=True)
    flags: dict[tuple[int, str], str] = {}

    def flag(mask: np.ndarray, column: str, check: str) -> None:
        for row in np.flatnonzero(mask):
            flags.setdefault((int(row), column), check)

    for column in table.columns:
        flag(table[column].isna().to_numpy(), column, "missing")
    for rule in unit_rules:
        if rule.column in table.columns and rule.column in limits:
            values = pd.to_numeric(table[rule.column], errors="coerce").to_numpy(dtype=float)
            low, high = limits[rule.column]
            with np.errstate(invalid="ignore"):
                converted = rule.convert(values)
                flag(((values < low) | (values > high)) & (converted >= rule.typical[0])
                     & (converted <= rule.typical[1]), rule.column, rule.check)
    for column, (low, high) in limits.items():
        if column in table.columns:
            values = pd.to_numeric(table[column], errors="coerce")
            flag(((values < low) | (values > high)).to_numpy(), column, "impossible")
    for column, allowed in codes.items():
        if column in table.columns:
            flag((table[column].notna() & ~table[column].isin(list(allowed))).to_numpy(), column, "impossible")
    repeated = table.duplicated(keep="first").to_numpy()
    if id_column is not None:
        repeated = repeated | table.drop(columns=id_column).duplicated(keep="first").to_numpy()
    flag(repeated, "*", "duplicate")
    findings = pd.DataFrame([(row, column, check) for (row, column), check in flags.items()],
                            columns=list(FINDING_COLUMNS))
    return findings.sort_values(["row", "column"], kind="stable").reset_index(drop=True)


def score_checks(findings: pd.DataFrame, fault_log: pd.DataFrame) -> pd.DataFrame:
    """Compare flagged cells with the ground truth: one row per fault kind, plus ``false alarm``.

    One row per kind of :data:`FAULT_KINDS`, then one per other kind the log names (a fault of your
    own). A fault is *found* when its cell (``row``, ``column``) is flagged by any check. Columns:
    ``injected``, ``found``, ``missed``, ``recall`` (found / injected) and ``found_by`` (the
    checks that flagged them). The last row, ``false alarm``, counts flagged cells that carry no
    injected fault (in ``found``) and the checks that raised them.
    """
    for name, table, needed in (("findings", findings, FINDING_COLUMNS), ("fault_log", fault_log, LOG_COLUMNS)):
        if not isinstance(table, pd.DataFrame):
            raise TypeError(f"{name} must be a pandas DataFrame, got {type(table).__name__}")
        lacking = sorted(set(needed) - set(table.columns))
        if lacking:
            raise ValueError(f"{name} lacks the columns {lacking}")
    merged = fault_log[["row", "column", "kind"]].astype({"kind": str}).merge(
        findings[["row", "column", "check"]], on=["row", "column"], how="outer", indicator=True)
    rows = []
    kinds = list(FAULT_KINDS) + sorted(set(fault_log["kind"].astype(str)) - set(FAULT_KINDS))
    for kind in kinds:
        faults = merged[merged["kind"] == kind]
        found = faults[faults["_merge"] == "both"]
        rows.append({"kind": kind, "injected": len(faults), "found": len(found),
                     "found_by": ", ".join(sorted(found["check"].unique())) or "-"})
    alarms = merged[merged["_merge"] == "right_only"]
    rows.append({"kind": "false alarm", "injected": 0, "found": len(alarms),
                 "found_by": ", ".join(sorted(alarms["check"].unique())) or "-"})
    table = pd.DataFrame(rows).set_index("kind")
    table.insert(2, "missed", table["injected"] - table["found"].where(table.index != "false alarm", 0))
    table.insert(3, "recall", (table["found"] / table["injected"].where(table["injected"] > 0)).round(3))
    return table


def repair(frame: pd.DataFrame, findings: pd.DataFrame, *,
           unit_rules: tuple[UnitRule, ...] | None = None) -> pd.DataFrame:
    """Apply the usual fix to each flagged cell; return a new frame (``frame`` is not modified).

    Unit mix-ups are converted back; impossible values become NaN (to be imputed like any other
    missing value); duplicate rows are dropped; missing values stay missing. The result's index
    holds the positions (0..N-1) in ``frame`` of the rows it kept, so it lines up with the
    ``row`` of a fault log.
    """
    if not isinstance(frame, pd.DataFrame) or not isinstance(findings, pd.DataFrame):
        raise TypeError("frame and findings must be pandas DataFrames (findings from find_faults(frame))")
    lacking = sorted(set(FINDING_COLUMNS) - set(findings.columns))
    if lacking:
        raise ValueError(f"findings lacks the columns {lacking}; make it with find_faults(frame)")
    if len(findings) and int(findings["row"].max()) >= len(frame):
        raise ValueError("findings names rows that frame does not have: were they found in another frame?")
    unit_rules = UNIT_RULES if unit_rules is None else unit_rules
    fixed = frame.reset_index(drop=True).copy()
    for rule in unit_rules:
        rows = findings.loc[(findings["check"] == rule.check) & (findings["column"] == rule.column), "row"]
        rows = rows.to_numpy()
        fixed.loc[rows, rule.column] = np.round(rule.convert(fixed.loc[rows, rule.column].to_numpy(dtype=float)), 2)
    for column, rows in findings[findings["check"] == "impossible"].groupby("column")["row"]:
        fixed.loc[rows.to_numpy(), column] = np.nan
    duplicates = findings.loc[findings["check"] == "duplicate", "row"].to_numpy()
    return fixed.drop(index=duplicates)


def plausible_values(frame: pd.DataFrame, column: str) -> pd.Series:
    """``frame[column]`` with values outside :data:`HARD_LIMITS` or :data:`ALLOWED_CODES` set to NaN."""
    if not isinstance(frame, pd.DataFrame) or column not in frame.columns:
        raise ValueError(f"column {column!r} is not a column of frame")
    values = frame[column]
    if column in HARD_LIMITS:
        return values.where(pd.to_numeric(values, errors="coerce").between(*HARD_LIMITS[column]))
    if column in ALLOWED_CODES:
        return values.where(values.isin(list(ALLOWED_CODES[column])))
    return values


def missingness_table(dirty: pd.DataFrame, fault_log: pd.DataFrame, *, driver: str = "age") -> pd.DataFrame:
    """For each blanked column: what the records show, and what only the generator knows.

    One row per column with injected missing values: ``mechanism``, ``n_missing``; the mean of
    the recorded ``driver`` column (default age, years) where the value is missing and where it is
    recorded: anyone can compute these; then the mean of the *true* values that went missing (from
    the fault log: hidden in real life) next to the mean of the recorded ones, in the column's
    unit. Implausible values are left out of the means.
    """
    check_cohort(dirty, "dirty", min_rows=20)
    if not isinstance(fault_log, pd.DataFrame) or not set(LOG_COLUMNS) <= set(fault_log.columns):
        raise ValueError(f"fault_log must be the fault log of inject_faults (columns {list(LOG_COLUMNS)})")
    if driver not in dirty.columns:
        raise ValueError(f"driver {driver!r} is not a column of dirty")
    kinds = fault_log["kind"].astype(str)
    missing = fault_log[kinds.str.startswith("missing_")]
    driver_values = plausible_values(dirty, driver)
    rows = []
    for (kind, column), group in missing.groupby([kinds[missing.index], "column"], sort=False):
        gone = dirty[column].isna()
        rows.append({"column": column, "mechanism": kind.removeprefix("missing_").upper(),
                     "n_missing": len(group),
                     f"{driver} if missing": driver_values[gone].mean(),
                     f"{driver} if recorded": driver_values[~gone].mean(),
                     "true value if missing (hidden)": group["clean_value"].mean(),
                     "value if recorded": plausible_values(dirty, column)[~gone].mean()})
    order = {mechanism: i for i, mechanism in enumerate(MECHANISMS)}
    table = pd.DataFrame(rows).set_index("column")
    return table.sort_values("mechanism", key=lambda s: s.map(order), kind="stable").round(2)
