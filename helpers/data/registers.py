"""Synthetic people with identities: a region's residents, a hospital's patient register and a voter roll.

Everything here is invented: the names come from short lists of common first names and surnames,
the region has :data:`N_DISTRICTS` postal districts of several postcodes each (one of them a
village with a few dozen residents), and every resident has a birth date and a sex. A hospital's
**patient register** is a sample of the residents with a diagnosis and a short clinic note; a
**voter roll** is another, overlapping sample of the adults with their names, birth dates, sexes
and postcodes, but no health data. Together they imitate the two lists of a linkage attack
(Sweeney, 1997-2002: a governor's hospital record was found by joining "anonymous" hospital data
with a voter roll on postcode, birth date and sex).

Each person keeps a hidden ``person_id`` so that a notebook can check who was really re-identified;
an attacker would not have it. Deterministic from ``seed`` (``numpy.random.default_rng``); 20,000
residents take a few hundredths of a second. No real person is behind any row.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.validation import check_frame, check_int, check_number

FEMALE_NAMES = (
    "Mary", "Anna", "Emma", "Olivia", "Sophie", "Grace", "Chloe", "Lucy", "Ella", "Hannah", "Amelia",
    "Isla", "Ava", "Mia", "Ruby", "Lily", "Freya", "Alice", "Evie", "Jessica", "Sarah", "Laura",
    "Rachel", "Helen", "Susan", "Karen", "Linda", "Patricia", "Margaret", "Julie", "Claire", "Nicola",
    "Fatima", "Aisha", "Priya", "Mei", "Zofia", "Ines", "Leila", "Nadia",
)
MALE_NAMES = (
    "James", "John", "David", "Michael", "Robert", "William", "Thomas", "Daniel", "Oliver", "Jack",
    "Harry", "George", "Noah", "Leo", "Oscar", "Charlie", "Jacob", "Ethan", "Samuel", "Joseph",
    "Peter", "Paul", "Mark", "Andrew", "Stephen", "Richard", "Kevin", "Gary", "Ian", "Simon",
    "Mohammed", "Ali", "Arjun", "Wei", "Piotr", "Luca", "Omar", "Kofi", "Tomas", "Ivan",
)
SURNAMES = (
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson",
    "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson",
    "Clarke", "Patel", "Khan", "Lewis", "Harris", "Martin", "Cooper", "King", "Lee", "Baker", "Hill",
    "Moore", "Ward", "Turner", "Carter", "Phillips", "Mitchell", "Parker", "Collins", "Edwards",
    "Morris", "Bell", "Murphy", "Bailey", "Cook", "Young", "Allen", "Begum", "Ahmed", "Singh", "Chen",
    "Nowak", "Kowalski", "Rossi", "Murray", "Kelly", "Price", "Shaw", "Hughes", "Mason", "Rahman",
)

#: Postal districts of the region (the first three digits of a postcode).
N_DISTRICTS = 8

#: Postcodes per district (the last two digits).
POSTCODES_PER_DISTRICT = 6

#: The village: one postcode with only a few dozen residents (a small town is an identifier).
VILLAGE_POSTCODE = "40851"

#: Village residents per 20,000 people of the region.
VILLAGE_SHARE = 0.002

#: Diagnoses in the register and their shares; the last two are rare diseases.
DIAGNOSES = {
    "hypertension": 0.22, "type 2 diabetes": 0.15, "asthma": 0.12, "depression": 0.12,
    "osteoarthritis": 0.11, "COPD": 0.08, "heart failure": 0.06, "atrial fibrillation": 0.06,
    "breast cancer": 0.04, "HIV": 0.02, "cystic fibrosis": 0.01, "Huntington's disease": 0.01,
}

#: The date at which ages are computed (the register's extraction date).
REFERENCE_DATE = pd.Timestamp("2026-01-01")

#: Columns that identify a person directly, and the quasi-identifiers (identify in combination).
DIRECT_IDENTIFIERS = ("first_name", "surname")
QUASI_IDENTIFIERS = ("postcode", "birth_date", "sex")

_NOTE_TEMPLATES = (
    "{first} {last} reviewed in clinic for {diagnosis}; stable.",
    "Seen with {pronoun} partner for {diagnosis} follow-up; lives in postcode {postcode}.",
    "Patient ({first}) reports poor sleep; {diagnosis} medication reviewed.",
    "{title} {last} attended with {pronoun} daughter. Plan: continue treatment for {diagnosis}.",
    "Follow-up for {diagnosis} in 6 months. No concerns raised.",
)


def _postcodes() -> list[str]:
    """The region's postcodes: district ``408`` .. ``415`` followed by two digits."""
    return [f"{408 + d}{51 + p:02d}" for d in range(N_DISTRICTS) for p in range(POSTCODES_PER_DISTRICT)]


def make_population(n_people: int = 20_000, seed: int = 0) -> pd.DataFrame:
    """The residents of a synthetic region, one row per person, shape ``(n_people, 6)``.

    Columns: ``person_id`` (hidden ground truth, int), ``first_name``, ``surname``, ``sex`` (F/M),
    ``birth_date`` (datetime, ages 18-90 at :data:`REFERENCE_DATE`), ``postcode`` (5-digit string;
    the first three digits are the district). Postcodes differ in size; :data:`VILLAGE_POSTCODE`
    holds only a few dozen people.
    """
    n = check_int("n_people", n_people, 100)
    check_int("seed", seed, 0)
    rng = np.random.default_rng(int(seed))
    sex = rng.choice(np.array(["F", "M"]), size=n)
    first = np.where(sex == "F", rng.choice(np.array(FEMALE_NAMES), n), rng.choice(np.array(MALE_NAMES), n))
    # Surnames are not equally common: a few (Smith, Jones) are shared by many people.
    surname_weights = 1.0 / np.arange(1, len(SURNAMES) + 1) ** 0.6
    surname = rng.choice(np.array(SURNAMES), n, p=surname_weights / surname_weights.sum())
    age_days = rng.integers(18 * 365, 90 * 365, n)
    birth_date = REFERENCE_DATE - pd.to_timedelta(age_days, unit="D")
    codes = _postcodes()
    weights = rng.lognormal(0.0, 0.4, len(codes))
    village = codes.index(VILLAGE_POSTCODE)
    weights[village] = 0.0
    weights *= (1 - VILLAGE_SHARE) / weights.sum()
    weights[village] = VILLAGE_SHARE
    postcode = rng.choice(np.array(codes), n, p=weights)
    return pd.DataFrame({"person_id": np.arange(n), "first_name": first, "surname": surname, "sex": sex,
                         "birth_date": birth_date, "postcode": postcode})


def _check_population(population: object) -> pd.DataFrame:
    return check_frame("population", population,
                       ("person_id", *DIRECT_IDENTIFIERS, *QUASI_IDENTIFIERS))


def patient_register(population: pd.DataFrame, n_patients: int = 3000, seed: int = 0) -> pd.DataFrame:
    """A hospital's register: ``n_patients`` distinct residents with a diagnosis and a clinic note.

    Returns the population's columns plus ``diagnosis`` (a key of :data:`DIAGNOSES`) and ``note``
    (one line of free text, which often names the patient or their postcode), shape
    ``(n_patients, 8)``.
    """
    population = _check_population(population)
    n = check_int("n_patients", n_patients, 1, len(population))
    check_int("seed", seed, 0)
    rng = np.random.default_rng(int(seed))
    rows = np.sort(rng.choice(len(population), n, replace=False))
    register = population.iloc[rows].reset_index(drop=True)
    names, shares = list(DIAGNOSES), np.array(list(DIAGNOSES.values()))
    register["diagnosis"] = rng.choice(np.array(names), n, p=shares / shares.sum())
    template = rng.integers(0, len(_NOTE_TEMPLATES), n)
    register["note"] = [
        _NOTE_TEMPLATES[t].format(first=row.first_name, last=row.surname, diagnosis=row.diagnosis,
                                  postcode=row.postcode, title="Mrs" if row.sex == "F" else "Mr",
                                  pronoun="her" if row.sex == "F" else "his")
        for t, row in zip(template, register.itertuples(index=False))]
    return register


def voter_roll(population: pd.DataFrame, coverage: float = 0.7, seed: int = 0) -> pd.DataFrame:
    """A public list of a random share ``coverage`` of the residents: names and quasi-identifiers only.

    Columns ``person_id`` (hidden ground truth), ``first_name``, ``surname``, ``sex``,
    ``birth_date``, ``postcode``; about ``coverage * len(population)`` rows, in random order.
    """
    population = _check_population(population)
    coverage = check_number("coverage", coverage, 0.0, 1.0, inclusive=True)
    check_int("seed", seed, 0)
    rng = np.random.default_rng(int(seed))
    chosen = rng.permutation(np.flatnonzero(rng.random(len(population)) < coverage))
    columns = ["person_id", *DIRECT_IDENTIFIERS, *QUASI_IDENTIFIERS]
    return population.iloc[chosen][columns].reset_index(drop=True)
