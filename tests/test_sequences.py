"""helpers.data.sequences: published matrices, encodings, strands and the synthetic binding sequences."""
from __future__ import annotations

import numpy as np
import pytest

from helpers.data import sequences as dna
from tests.lesson_cells import lesson_namespace

NOTEBOOK = "10_genomics.ipynb"


# --- the published matrices -----------------------------------------------------------------------

def test_matrices_are_the_published_ones():
    assert dna.CTCF_MA0139_1.shape == (19, 4) and dna.ARNT_MA0004_1.shape == (6, 4)
    assert dna.consensus(dna.CTCF_MA0139_1) == "TGGCCACCAGGGGGCGCTA"  # JASPAR's best match for MA0139.1
    assert dna.consensus(dna.ARNT_MA0004_1) == "CACGTG"
    assert set(dna.CTCF_MA0139_1.sum(axis=1)) <= set(range(908, 914))   # 908-913 sites per column, as published
    assert (dna.ARNT_MA0004_1.sum(axis=1) == 20).all()
    assert dna.MOTIF_COUNTS["CTCF"][0] == "MA0139.1" and dna.MOTIF_COUNTS["E-box"][0] == "MA0004.1"


def test_frequency_matrix_and_information_content():
    p = dna.frequency_matrix(dna.CTCF_MA0139_1)
    assert np.allclose(p.sum(axis=1), 1)
    bits = dna.information_content(p)
    assert bits.shape == (19,) and (bits >= 0).all() and (bits <= 2).all()
    assert np.isclose(dna.information_content(np.full((1, 4), 0.25))[0], 0.0)
    assert np.isclose(dna.information_content(np.eye(4))[2], 2.0)
    assert np.allclose(dna.frequency_matrix([[0, 0, 0, 0]], pseudocount=1.0), 0.25)
    with pytest.raises(ValueError, match="shape"):
        dna.frequency_matrix(np.ones((3, 5)))
    with pytest.raises(ValueError, match="positive total"):
        dna.frequency_matrix([[0, 0, 0, 0]])
    with pytest.raises(ValueError, match="summing to 1"):
        dna.information_content([[0.5, 0.5, 0.5, 0.5]])
    with pytest.raises(TypeError):
        dna.frequency_matrix("ACGT")


# --- encodings and strands ------------------------------------------------------------------------

def test_one_hot_and_decode():
    x = dna.one_hot(["ACGT", "TTGA"])
    assert x.shape == (2, 4, 4) and x.dtype == np.float32
    assert np.array_equal(x[0], np.eye(4))
    assert dna.decode(x) == ["ACGT", "TTGA"]
    assert dna.decode(x[1]) == ["TTGA"]
    assert dna.one_hot("GAT").shape == (1, 3, 4)
    with pytest.raises(ValueError, match="only the letters"):
        dna.one_hot(["ACGN"])
    with pytest.raises(ValueError, match="same length"):
        dna.one_hot(["ACG", "AC"])
    with pytest.raises(TypeError):
        dna.one_hot([1, 2])


def test_notebook_one_hot_agrees_with_the_helper():
    by_hand = lesson_namespace(NOTEBOOK, "one-hot encoding", {"np": np}, define_only="pd.DataFrame")["one_hot_by_hand"]
    rng = np.random.default_rng(0)
    sequences = ["".join(rng.choice(list("ACGT"), 50)) for _ in range(20)] + ["GATTACA" * 7 + "A"]
    for sequence in sequences:
        mine, helper = by_hand(sequence), dna.one_hot(sequence)[0]
        assert mine.dtype == helper.dtype and np.array_equal(mine, helper)


def test_reverse_complement_on_strings_and_matrices():
    assert dna.reverse_complement("AACG") == "CGTT"
    assert dna.reverse_complement(dna.reverse_complement("GATTACA")) == "GATTACA"
    x = dna.one_hot("AACGT")[0]
    assert dna.decode(dna.reverse_complement_matrix(x)) == [dna.reverse_complement("AACGT")]
    batch = dna.one_hot(["AACGT", "GGGTA"])
    assert dna.decode(dna.reverse_complement_matrix(batch)) == ["ACGTT", "TACCC"]
    with pytest.raises(ValueError, match="only"):
        dna.reverse_complement("ACGU")
    with pytest.raises(TypeError):
        dna.reverse_complement(42)
    with pytest.raises(ValueError, match="4 bases"):
        dna.reverse_complement_matrix(np.ones((5, 3)))


def test_sampled_sites_follow_the_matrix():
    rng = np.random.default_rng(1)
    p = dna.frequency_matrix(dna.CTCF_MA0139_1)
    sites = dna.sample_sites(p, 20000, rng)
    observed = np.stack([(sites == b).mean(axis=0) for b in range(4)], axis=1)
    assert np.abs(observed - p).max() < 0.02


# --- the binding sequences ------------------------------------------------------------------------

def _gap(rows):
    return np.where(rows.ebox_start > rows.ctcf_start, rows.ebox_start - rows.ctcf_start - 19,
                    rows.ctcf_start - rows.ebox_start - 6)


def test_binding_sequences_follow_their_grammar():
    data = dna.make_binding_sequences(3000, seed=3)
    assert len(data) == 3000 and set(data.kind) == set(dna.SEQUENCE_KINDS)
    assert data.label.mean() == 0.5 and set(data.label) == {0, 1}
    assert (data.sequence.str.len() == 200).all()
    assert abs(data.gc[data.kind == "background only"].mean() - 0.41) < 0.01
    for kind, (label, _) in dna.SEQUENCE_KINDS.items():
        rows = data[data.kind == kind]
        assert (rows.label == label).all()
        assert ((rows.ctcf_start >= 0) == ("CTCF" in kind)).all()
        assert ((rows.ebox_start >= 0) == ("E-box" in kind)).all()
        assert ((rows.ctcf_strand != 0) == ("CTCF" in kind)).all()
    bound = data[data.label == 1]
    far = data[data.kind == "CTCF + E-box far apart"]
    assert _gap(bound).min() >= 0 and _gap(bound).max() <= 20 and _gap(far).min() >= 60
    assert set(bound.ctcf_strand) == {-1, 1}


def test_planted_sites_are_in_the_sequences():
    data = dna.make_binding_sequences(400, seed=4)
    log_odds = np.log(dna.frequency_matrix(dna.CTCF_MA0139_1, pseudocount=1.0) / 0.25)

    def score(site):
        return log_odds[np.arange(19), ["ACGT".index(b) for b in site]].sum()

    stated, other = [], []
    for row in data.itertuples():
        if row.ebox_start >= 0:
            assert row.sequence[row.ebox_start + 2:row.ebox_start + 6] == "CGTG"   # the invariant core of CACGTG
        if row.ctcf_start >= 0 and "half" not in row.kind:
            site = row.sequence[row.ctcf_start:row.ctcf_start + 19]
            forward, reverse = score(site), score(dna.reverse_complement(site))
            stated.append(forward if row.ctcf_strand > 0 else reverse)
            other.append(reverse if row.ctcf_strand > 0 else forward)
    stated, other = np.array(stated), np.array(other)
    assert stated.mean() > 10 and (stated > other).mean() > 0.95   # real CTCF sites, on the stated strand


def test_half_sites_keep_only_the_first_half():
    data = dna.make_binding_sequences(2000, seed=5)
    rows = data[data.kind == "CTCF half-site + nearby E-box"]
    core = dna.frequency_matrix(dna.CTCF_MA0139_1)
    hits_first, hits_second = [], []
    for row in rows.itertuples():
        site = row.sequence[row.ctcf_start:row.ctcf_start + 19]
        site = site if row.ctcf_strand > 0 else dna.reverse_complement(site)
        probs = core[np.arange(19), ["ACGT".index(b) for b in site]]
        hits_first.append(probs[:10].mean())
        hits_second.append(probs[10:].mean())
    assert np.mean(hits_first) > np.mean(hits_second) + 0.2   # the 3' half is background


def test_generator_is_deterministic_and_configurable():
    a = dna.make_binding_sequences(200, seed=7)
    b = dna.make_binding_sequences(200, seed=7)
    assert a.equals(b)
    assert not a.equals(dna.make_binding_sequences(200, seed=8))
    only_bound = dna.make_binding_sequences(100, seed=1, shares={"bound: CTCF + nearby E-box": 1.0})
    assert (only_bound.label == 1).all()
    rich = dna.make_binding_sequences(500, seed=1, shares={"background only": 1.0}, background=(0.2, 0.3, 0.3, 0.2))
    assert abs(rich.gc.mean() - 0.6) < 0.02


def test_generator_bad_input():
    with pytest.raises(ValueError, match="n_sequences"):
        dna.make_binding_sequences(5)
    with pytest.raises(TypeError):
        dna.make_binding_sequences(100.5)
    with pytest.raises(ValueError, match="length"):
        dna.make_binding_sequences(100, length=50)
    with pytest.raises(ValueError, match="far_gap"):
        dna.make_binding_sequences(100, near_gap=30, far_gap=20)
    with pytest.raises(ValueError, match="unknown kinds"):
        dna.make_binding_sequences(100, shares={"nonsense": 1.0})
    with pytest.raises(ValueError, match="background"):
        dna.make_binding_sequences(100, background=(0.5, 0.5, 0.5, 0.5))
    with pytest.raises(ValueError, match="positive share"):
        dna.make_binding_sequences(100, shares={"CTCF only": 0.0})
