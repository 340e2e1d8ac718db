"""helpers.data.registers: a synthetic region, its hospital register and its voter roll."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.data import registers


@pytest.fixture(scope="module")
def population() -> pd.DataFrame:
    return registers.make_population(5000, seed=3)


def test_population_columns_types_and_ranges(population):
    assert list(population.columns) == ["person_id", "first_name", "surname", "sex", "birth_date", "postcode"]
    assert population["person_id"].is_unique and len(population) == 5000
    assert set(population["sex"]) == {"F", "M"}
    female = population["sex"] == "F"
    assert population.loc[female, "first_name"].isin(registers.FEMALE_NAMES).all()
    assert population.loc[~female, "first_name"].isin(registers.MALE_NAMES).all()
    age_years = (registers.REFERENCE_DATE - population["birth_date"]).dt.days / 365
    assert age_years.min() >= 17.9 and age_years.max() <= 90.1
    assert population["postcode"].str.fullmatch(r"\d{5}").all()
    assert population["postcode"].str[:3].nunique() == registers.N_DISTRICTS


def test_the_village_is_small_and_postcode_birth_date_sex_nearly_unique(population):
    sizes = population["postcode"].value_counts()
    assert sizes[registers.VILLAGE_POSTCODE] < 0.01 * len(population)
    assert sizes[registers.VILLAGE_POSTCODE] == sizes.min()
    unique = population.groupby(list(registers.QUASI_IDENTIFIERS))["person_id"].transform("size") == 1
    assert unique.mean() > 0.95, "postcode + birth date + sex should single out almost everyone"


def test_same_seed_same_people_other_seed_other_people():
    first, again = registers.make_population(500, seed=1), registers.make_population(500, seed=1)
    pd.testing.assert_frame_equal(first, again)
    other = registers.make_population(500, seed=2)
    assert not first[["surname", "birth_date"]].equals(other[["surname", "birth_date"]])


def test_register_is_a_sample_with_diagnoses_and_notes(population):
    register = registers.patient_register(population, 800, seed=4)
    assert len(register) == 800 and register["person_id"].is_unique
    assert register["person_id"].isin(population["person_id"]).all()
    merged = register.merge(population, on="person_id", suffixes=("", "_population"))
    for column in ("first_name", "surname", "birth_date", "postcode"):
        assert (merged[column] == merged[f"{column}_population"]).all(), f"{column} must be copied unchanged"
    assert register["diagnosis"].isin(list(registers.DIAGNOSES)).all()
    names_patient = [row.first_name in row.note or row.surname in row.note for row in register.itertuples()]
    assert 0.3 < np.mean(names_patient) < 0.9, "many, not all, notes name the patient"
    assert register["note"].str.len().gt(20).all()


def test_voter_roll_covers_about_the_requested_share_without_health_data(population):
    roll = registers.voter_roll(population, coverage=0.6, seed=5)
    assert abs(len(roll) / len(population) - 0.6) < 0.03
    assert "diagnosis" not in roll.columns and "note" not in roll.columns
    assert roll["person_id"].is_unique and roll["person_id"].isin(population["person_id"]).all()
    assert not roll["person_id"].is_monotonic_increasing, "the roll is in random order"
    assert len(registers.voter_roll(population, coverage=0.0, seed=5)) == 0
    assert len(registers.voter_roll(population, coverage=1.0, seed=5)) == len(population)


def test_bad_arguments_raise_clear_errors(population):
    with pytest.raises(ValueError, match="n_people"):
        registers.make_population(10)
    with pytest.raises(TypeError, match="n_people"):
        registers.make_population(2000.5)
    with pytest.raises(ValueError, match="seed"):
        registers.make_population(1000, seed=-1)
    with pytest.raises(ValueError, match="n_patients"):
        registers.patient_register(population, len(population) + 1)
    with pytest.raises(ValueError, match="coverage"):
        registers.voter_roll(population, coverage=1.5)
    with pytest.raises(TypeError, match="population"):
        registers.voter_roll(population.to_numpy())
    with pytest.raises(ValueError, match="population"):
        registers.patient_register(population.drop(columns="postcode"), 10)
