"""Unit tests for helpers.data.faults: fault injection, validation checks, repair, bad input; and the
notebook's own validation and repair cells (notebook 05), which must agree with the helpers."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.lesson_cells import lesson_namespace
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


from helpers.data import faults, records
from helpers.data.records import make_cohort
from helpers.evaluation import metrics

RULE_FINDABLE = ["missing_mcar", "missing_mar", "missing_mnar", "unit_fahrenheit", "unit_mmol",
                 "impossible", "duplicate"]


@pytest.fixture(scope="module")
def clean() -> pd.DataFrame:
    return make_cohort(1500, seed=3)


@pytest.fixture(scope="module")
def broken(clean):
    return faults.inject_faults(clean, seed=3)


def test_inject_faults_is_deterministic_and_leaves_input_alone(clean):
    before = clean.copy()
    dirty_a, log_a = faults.inject_faults(clean, seed=11)
    dirty_b, log_b = faults.inject_faults(clean, seed=11)
    pd.testing.assert_frame_equal(clean, before)
    pd.testing.assert_frame_equal(dirty_a, dirty_b)
    pd.testing.assert_frame_equal(log_a, log_b)
    assert not dirty_a.equals(faults.inject_faults(clean, seed=12)[0])


def test_fault_log_shape_and_counts(clean, broken):
    dirty, log = broken
    n = len(clean)
    assert list(log.columns) == list(faults.LOG_COLUMNS)
    assert len(dirty) == n + round(0.02 * n)
    assert list(dirty.index) == list(range(len(dirty)))
    assert set(log["kind"].astype(str)) == set(faults.FAULT_KINDS)
    assert not log.duplicated(["row", "column"]).any(), "a cell carries at most one fault"
    assert (log.query("kind == 'duplicate'")["column"] == "*").all()
    # patient_id in the log is the one in the dirty frame
    assert (dirty.loc[log["row"], records.ID_COLUMN].to_numpy() == log[records.ID_COLUMN].to_numpy()).all()


def test_fault_log_matches_the_dirty_cells(broken):
    dirty, log = broken
    cells = log[log["column"] != "*"]
    recorded = np.array([dirty.at[row, column] for row, column in zip(cells["row"], cells["column"])], dtype=float)
    expected = cells["dirty_value"].to_numpy()
    assert np.array_equal(np.isnan(recorded), np.isnan(expected))
    assert np.allclose(recorded[~np.isnan(recorded)], expected[~np.isnan(expected)])
    changed = cells[cells["kind"] != "duplicate"]
    assert (changed["clean_value"] != changed["dirty_value"]).all(), "every logged fault changes its cell"


def test_unlogged_cells_equal_the_clean_cohort(clean, broken):
    """Outside the log, the first copy of every patient is exactly the clean record."""
    dirty, log = broken
    first_copies = dirty[~dirty.index.isin(log.query("kind == 'duplicate'")["row"])]
    assert len(first_copies) == len(clean)
    restored = first_copies.copy()
    for row, column, value in log[log["column"] != "*"][["row", "column", "clean_value"]].itertuples(index=False):
        if row in restored.index:
            restored.at[row, column] = value
    restored = restored.reset_index(drop=True)
    for column in records.NUMERIC_COLUMNS:
        assert np.allclose(restored[column].to_numpy(float), clean[column].to_numpy(float)), column
    assert (restored[records.OUTCOME].to_numpy() == clean[records.OUTCOME].to_numpy()).all()


def test_noise_stays_plausible(clean, broken):
    _, log = broken
    noise = log.query("kind == 'noise'")
    for column, group in noise.groupby("column"):
        assert group["dirty_value"].between(clean[column].min(), clean[column].max()).all()


def test_checks_find_every_rule_visible_fault_without_false_alarms(broken):
    dirty, log = broken
    scores = faults.score_checks(faults.find_faults(dirty), log)
    assert (scores.loc[RULE_FINDABLE, "missed"] == 0).all()
    assert (scores.loc[RULE_FINDABLE, "injected"] > 0).all()
    assert scores.loc["false alarm", "found"] == 0
    assert scores.loc[["noise", "label_flip"], "found"].sum() == 0


@pytest.mark.parametrize("seed", [0, 1, 2, 42])
def test_checks_are_exact_for_the_notebook_seeds(seed):
    dirty, log = faults.inject_faults(make_cohort(600, seed=seed), seed=seed)
    scores = faults.score_checks(faults.find_faults(dirty), log)
    assert (scores.loc[RULE_FINDABLE, "missed"] == 0).all() and scores.loc["false alarm", "found"] == 0


def test_clean_cohort_raises_no_flags(clean):
    assert faults.find_faults(clean).empty


def test_find_faults_on_a_handmade_table():
    table = pd.DataFrame({
        "patient_id": ["A", "B", "C", "D", "B", "E"],
        "age": [50, 61, 999, 40, 61, 40],
        "sex": ["F", "M", "F", "X", "M", "X"],
        "temperature": [36.9, 98.6, 37.0, 0.0, 98.6, 0.0],
        "glucose": [90.0, 5.5, np.nan, 100.0, 5.5, 100.0],
    })
    found = faults.find_faults(table)
    got = set(map(tuple, found[["row", "column", "check"]].to_numpy()))
    assert got == {
        (1, "temperature", "unit_fahrenheit"), (1, "glucose", "unit_mmol"), (2, "age", "impossible"),
        (2, "glucose", "missing"), (3, "sex", "impossible"), (3, "temperature", "impossible"),
        (4, "*", "duplicate"), (4, "temperature", "unit_fahrenheit"), (4, "glucose", "unit_mmol"),
        (5, "*", "duplicate"), (5, "sex", "impossible"), (5, "temperature", "impossible"),
    }
    # without an ID column only exact repeats count
    assert (faults.find_faults(table.drop(columns="patient_id"), id_column=None)
            .query("check == 'duplicate'")["row"].tolist() == [4, 5])


def test_repair_converts_units_blanks_impossible_and_drops_duplicates(broken):
    dirty, log = broken
    findings = faults.find_faults(dirty)
    repaired = faults.repair(dirty, findings)
    assert len(repaired) == len(dirty) - (findings["check"] == "duplicate").sum()
    assert faults.find_faults(repaired.reset_index(drop=True)).query("check != 'missing'").empty
    units = log[log["kind"].isin(["unit_fahrenheit", "unit_mmol"]) & log["row"].isin(repaired.index)]
    fixed = np.array([repaired.at[row, column] for row, column in zip(units["row"], units["column"])])
    tolerance = np.where(units["column"] == "glucose", 1.0, 0.1)  # recorded to 0.1 mmol/L or 0.1 degree F
    assert (np.abs(fixed - units["clean_value"].to_numpy()) <= tolerance).all()
    assert dirty.equals(faults.inject_faults(make_cohort(1500, seed=3), seed=3)[0]), "repair must not modify its input"


@pytest.mark.parametrize("mechanism", faults.MECHANISMS)
def test_blank_columns_rates_and_direction(clean, mechanism):
    out = faults.blank_columns(clean, ["systolic_bp", "glucose"], mechanism, 0.3, seed=0)
    assert out["systolic_bp"].isna().sum() == out["glucose"].isna().sum() == round(0.3 * len(clean))
    assert clean["systolic_bp"].notna().all(), "the input is not modified"
    gone = out["systolic_bp"].isna()
    age_gap = clean.loc[gone, "age"].mean() - clean.loc[~gone, "age"].mean()
    value_gap = clean.loc[gone, "systolic_bp"].mean() - clean.loc[~gone, "systolic_bp"].mean()
    if mechanism == "MCAR":
        assert abs(age_gap) < 2.5 and abs(value_gap) < 4
    elif mechanism == "MAR":
        assert age_gap < -8, "MAR blanks younger patients more often"
    else:
        assert value_gap > 12, "MNAR blanks high values more often"


def test_flip_labels():
    labels = np.array([0, 1] * 500)
    flipped = faults.flip_labels(labels, 0.2, seed=0)
    assert 0.15 < (flipped != labels).mean() < 0.25
    lost = faults.flip_labels(labels, 0.5, seed=0, events_only=True)
    assert ((lost == 1) <= (labels == 1)).all() and (lost[labels == 0] == 0).all()
    assert np.array_equal(faults.flip_labels(labels, 0.0, seed=0), labels)


def test_missingness_table_shows_the_mechanisms(broken):
    dirty, log = broken
    table = faults.missingness_table(dirty, log)
    assert set(table["mechanism"]) == set(faults.MECHANISMS)
    mar = table[table["mechanism"] == "MAR"].iloc[0]
    assert mar["age if missing"] < mar["age if recorded"] - 5
    smoker = table.loc["smoker"]
    assert smoker["true value if missing (hidden)"] > 0.5 > smoker["value if recorded"]


def test_fit_and_score(clean):
    model = make_pipeline(SimpleImputer(), StandardScaler(), LogisticRegression(max_iter=500))
    fitted, auc = metrics.fit_and_score(model, clean.iloc[:1000], clean.iloc[1000:])
    assert 0.7 < auc < 0.95
    assert fitted is not model, "fit_and_score fits a fresh copy"


def test_diabetes_rules_pass_the_real_data():
    from sklearn.datasets import load_diabetes

    real = load_diabetes(scaled=False, as_frame=True).frame
    found = faults.find_faults(real, id_column=None, limits=faults.DIABETES_LIMITS, codes=faults.DIABETES_CODES,
                           unit_rules=faults.DIABETES_UNIT_RULES)
    assert found.empty
    broken = real.copy()
    broken.loc[3, "s6"] = 5.1  # a glucose in mmol/L
    found = faults.find_faults(broken, id_column=None, limits=faults.DIABETES_LIMITS, codes=faults.DIABETES_CODES,
                           unit_rules=faults.DIABETES_UNIT_RULES)
    assert found[["row", "column", "check"]].values.tolist() == [[3, "s6", "unit_mmol"]]


# --- bad input -------------------------------------------------------------------------------

@pytest.mark.parametrize("bad, error", [
    ("not a frame", TypeError),
    (pd.DataFrame({"age": [50]}), ValueError),
    (make_cohort(10, seed=0), ValueError),
])
def test_inject_faults_rejects_bad_frames(bad, error):
    with pytest.raises(error):
        faults.inject_faults(bad, seed=0)


@pytest.mark.parametrize("kwargs, error", [
    ({"seed": -1}, ValueError), ({"seed": 1.5}, TypeError), ({"seed": True}, TypeError),
    ({"seed": 0, "missing_rate": 1.2}, ValueError), ({"seed": 0, "label_noise": -0.1}, ValueError),
    ({"seed": 0, "noise_rate": "10%"}, TypeError),
])
def test_inject_faults_rejects_bad_arguments(clean, kwargs, error):
    with pytest.raises(error):
        faults.inject_faults(clean, **kwargs)


def test_inject_faults_requires_a_seed(clean):
    with pytest.raises(TypeError):
        faults.inject_faults(clean)  # seed is keyword-only and required


def test_pick_rows_rejects_bad_input():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError):
        faults.pick_rows(0, 0.1, rng=rng)
    with pytest.raises(ValueError):
        faults.pick_rows(10, 0.1, rng=rng, driver=np.ones(5), strength=1.0)
    with pytest.raises(ValueError):
        faults.pick_rows(10, 0.1, rng=rng, eligible=np.ones(3, bool))
    with pytest.raises(TypeError):
        faults.pick_rows(10, 0.1, rng=0)
    assert faults.pick_rows(10, 0.5, rng=rng, eligible=np.arange(10) < 2).sum() == 2


def test_blank_columns_rejects_bad_input(clean):
    with pytest.raises(ValueError, match="mechanism"):
        faults.blank_columns(clean, ["glucose"], "random", 0.2, seed=0)
    with pytest.raises(ValueError, match="unknown"):
        faults.blank_columns(clean, ["height"], "MCAR", 0.2, seed=0)
    with pytest.raises(ValueError, match="driver"):
        faults.blank_columns(clean, ["age"], "MAR", 0.2, seed=0)
    with pytest.raises(TypeError):
        faults.blank_columns(clean.to_numpy(), ["glucose"], "MCAR", 0.2, seed=0)


def test_flip_labels_rejects_bad_input():
    with pytest.raises(ValueError):
        faults.flip_labels(np.array([0, 2, 1]), 0.1, seed=0)
    with pytest.raises(ValueError):
        faults.flip_labels(np.array([[0, 1]]), 0.1, seed=0)
    with pytest.raises(ValueError):
        faults.flip_labels(np.array([0, 1]), 1.5, seed=0)


def test_find_score_repair_reject_bad_input(broken):
    dirty, log = broken
    with pytest.raises(TypeError):
        faults.find_faults(dirty.to_numpy())
    with pytest.raises(ValueError, match="id_column"):
        faults.find_faults(dirty, id_column="mrn")
    with pytest.raises(ValueError, match="limits"):
        faults.find_faults(dirty, limits={"age": (100, 10)})
    with pytest.raises(TypeError):
        faults.find_faults(dirty, unit_rules=("temperature",))
    findings = faults.find_faults(dirty)
    with pytest.raises(ValueError, match="lacks"):
        faults.score_checks(findings.drop(columns="check"), log)
    with pytest.raises(TypeError):
        faults.score_checks(findings, "log")
    with pytest.raises(ValueError, match="another frame"):
        faults.repair(dirty.iloc[:10], findings)
    with pytest.raises(ValueError, match="lacks"):
        faults.repair(dirty, findings.drop(columns="row"))


def test_fit_and_score_and_tables_reject_bad_input(clean, broken):
    dirty, log = broken
    with pytest.raises(TypeError):
        metrics.fit_and_score("logistic regression", clean, clean)
    with pytest.raises(ValueError, match="both outcomes"):
        metrics.fit_and_score(LogisticRegression(), clean, clean[clean[records.OUTCOME] == 0])
    with pytest.raises(ValueError):
        faults.missingness_table(dirty, log.drop(columns="kind"))
    with pytest.raises(ValueError):
        faults.plausible_values(dirty, "height")


def test_score_checks_reports_kinds_of_your_own(broken):
    dirty, log = broken
    extra = log.iloc[:3].astype({"kind": str}).assign(kind="my_fault")
    table = faults.score_checks(faults.find_faults(dirty), pd.concat([log.astype({"kind": str}).iloc[3:], extra]))
    assert list(table.index[:len(faults.FAULT_KINDS)]) == list(faults.FAULT_KINDS)
    assert table.loc["my_fault", "injected"] == 3 and table.index[-1] == "false alarm"


# --- the notebook's lesson code agrees with the helpers ---------------------------------------

@pytest.fixture(scope="module")
def lesson() -> dict:
    """The notebook's validation and repair cells, executed in a fresh namespace (defined, not applied)."""
    return lesson_namespace("05_data_quality.ipynb", ["validation checks", "repair"],
                            {"np": np, "pd": pd, "faults": faults, "records": records}, define_only="repaired = ")


@pytest.mark.parametrize("seed", [0, 42])
def test_notebook_checks_and_repair_agree_with_the_helpers(lesson, seed):
    dirty, _ = faults.inject_faults(make_cohort(1500, seed=seed), seed=seed)
    mine, theirs = lesson["find_faults"](dirty), faults.find_faults(dirty)
    pd.testing.assert_frame_equal(mine, theirs, check_dtype=False)
    pd.testing.assert_frame_equal(lesson["repair"](dirty, mine), faults.repair(dirty, theirs), check_dtype=False)


def test_notebook_checks_agree_on_other_tables(lesson):
    from sklearn.datasets import load_diabetes

    real = load_diabetes(scaled=False, as_frame=True).frame
    real.loc[3, "s6"] = 5.1
    real.loc[7, "bp"] = 999.0
    real.loc[9, "sex"] = 3.0
    rules = {"id_column": None, "limits": faults.DIABETES_LIMITS, "codes": faults.DIABETES_CODES,
             "unit_rules": faults.DIABETES_UNIT_RULES}
    mine, theirs = lesson["find_faults"](real, **rules), faults.find_faults(real, **rules)
    pd.testing.assert_frame_equal(mine, theirs, check_dtype=False)
    assert len(mine) == 3
    handmade = pd.DataFrame({
        "patient_id": ["A", "B", "C", "D", "B", "E"], "age": [50, 61, 999, 40, 61, 40],
        "sex": ["F", "M", "F", "X", "M", "X"], "temperature": [36.9, 98.6, 37.0, 0.0, 98.6, 0.0],
        "glucose": [90.0, 5.5, np.nan, 100.0, 5.5, 100.0]})
    limits = {column: faults.HARD_LIMITS[column] for column in ("age", "temperature", "glucose")}
    codes = {"sex": faults.ALLOWED_CODES["sex"]}
    pd.testing.assert_frame_equal(lesson["find_faults"](handmade, limits=limits, codes=codes),
                                  faults.find_faults(handmade, limits=limits, codes=codes), check_dtype=False)
