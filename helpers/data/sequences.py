"""Synthetic DNA sequences with planted transcription-factor binding sites, and their one-hot encoding.

Nothing here is a real genome. :func:`make_binding_sequences` draws short DNA sequences whose
background has the base composition of the human genome (about 41 % G + C, :data:`HUMAN_BACKGROUND`)
and plants binding sites sampled from two published JASPAR position frequency matrices
(:data:`MOTIF_COUNTS`): CTCF (MA0139.1, 19 bp) and the E-box of Arnt (MA0004.1, 6 bp, ``CACGTG``).

The label follows a made-up *grammar*, in the spirit of real composite elements whose partners must
sit at a fixed distance (GATA1::TAL1, for example): a sequence is **bound** (label 1) when it carries
a full CTCF site (either strand) *and* an E-box at most ``near_gap`` bases from it. The negatives
are chosen so that counting words is not enough (:data:`SEQUENCE_KINDS`): some carry only one of the
two sites, some carry both but far apart, some a CTCF half-site next to an E-box.

Every generator is deterministic given ``seed`` (``numpy.random.default_rng``; no global state).
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from helpers.validation import check_array, check_int, check_number

#: The four bases, in the order of the one-hot columns and of every matrix here.
BASES = "ACGT"

#: Base frequencies (A, C, G, T) of the human genome: about 41 % G + C (GRCh38, both strands).
HUMAN_BACKGROUND: tuple[float, float, float, float] = (0.295, 0.205, 0.205, 0.295)

#: JASPAR CORE MA0139.1 (CTCF, Homo sapiens, ChIP-seq; Kim et al., Cell 2007, PMID 17512414):
#: counts per position (rows) of A, C, G, T (columns), 913 sites. Copied from the JASPAR2020
#: Bioconductor package's vignette (``getMatrixByID(JASPAR2020, ID = "MA0139.1")``). CC BY 4.0.
CTCF_MA0139_1 = np.array([
    [87, 291, 76, 459], [167, 145, 414, 187], [281, 49, 449, 134], [56, 800, 21, 36],
    [8, 903, 0, 2], [744, 13, 65, 91], [40, 528, 334, 11], [107, 433, 48, 324],
    [851, 11, 32, 18], [5, 0, 903, 3], [333, 3, 566, 9], [54, 12, 504, 341],
    [12, 0, 890, 8], [56, 8, 775, 71], [104, 733, 5, 67], [372, 13, 507, 17],
    [82, 482, 307, 37], [117, 322, 73, 396], [402, 181, 266, 59],
], dtype=np.int64)

#: JASPAR CORE MA0004.1 (Arnt, Mus musculus, SELEX; PMID 7592839): the E-box ``CACGTG``, counts of
#: A, C, G, T per position, 20 sites. Same source and licence as :data:`CTCF_MA0139_1`.
ARNT_MA0004_1 = np.array([
    [4, 16, 0, 0], [19, 0, 1, 0], [0, 20, 0, 0], [0, 0, 20, 0], [0, 0, 0, 20], [0, 0, 20, 0],
], dtype=np.int64)

#: Motif name -> (JASPAR matrix ID, counts (width, 4)).
MOTIF_COUNTS: dict[str, tuple[str, np.ndarray]] = {
    "CTCF": ("MA0139.1", CTCF_MA0139_1),
    "E-box": ("MA0004.1", ARNT_MA0004_1),
}

#: The kinds of sequence :func:`make_binding_sequences` draws, with their label and default share.
SEQUENCE_KINDS: dict[str, tuple[int, float]] = {
    "bound: CTCF + nearby E-box": (1, 0.50),
    "background only": (0, 0.08),
    "CTCF only": (0, 0.08),
    "E-box only": (0, 0.06),
    "CTCF + E-box far apart": (0, 0.22),
    "CTCF half-site + nearby E-box": (0, 0.06),
}

#: Columns of the CTCF matrix kept in a half-site (its first, 5' half).
CTCF_HALF_SITE = slice(0, 10)


def frequency_matrix(counts: object, pseudocount: float = 0.0) -> np.ndarray:
    """Probabilities (width, 4) from counts (width, 4): each row + ``pseudocount``, divided by its sum."""
    counts = check_array("counts", counts, 2).astype(float)
    if counts.shape[1] != 4 or counts.shape[0] < 1:
        raise ValueError(f"counts must have shape (width, 4), got {counts.shape}")
    pseudocount = check_number("pseudocount", pseudocount, 0.0, 1e6)
    if (counts < 0).any():
        raise ValueError("counts must not be negative")
    counts = counts + pseudocount
    totals = counts.sum(axis=1, keepdims=True)
    if (totals <= 0).any():
        raise ValueError("every row of counts needs a positive total (or use a pseudocount)")
    return counts / totals


def information_content(probabilities: object) -> np.ndarray:
    """Bits per position (width,) of a probability matrix (width, 4): 2 + sum p log2 p (0 = uniform)."""
    p = check_array("probabilities", probabilities, 2).astype(float)
    if p.shape[1] != 4 or not np.allclose(p.sum(axis=1), 1.0, atol=1e-6) or (p < 0).any():
        raise ValueError("probabilities must have shape (width, 4) with rows of non-negative numbers summing to 1")
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, p * np.log2(p), 0.0)
    return 2.0 + terms.sum(axis=1)


def consensus(probabilities: object) -> str:
    """The most probable base at each position of a probability (or count) matrix (width, 4)."""
    p = check_array("probabilities", probabilities, 2)
    if p.shape[1] != 4:
        raise ValueError(f"probabilities must have shape (width, 4), got {p.shape}")
    return "".join(BASES[i] for i in np.argmax(p, axis=1))


def reverse_complement(sequence: str) -> str:
    """The other strand of a DNA string, read 5' to 3' (``"AACG"`` -> ``"CGTT"``)."""
    if not isinstance(sequence, str):
        raise TypeError(f"sequence must be a str, got {type(sequence).__name__}")
    table = str.maketrans("ACGT", "TGCA")
    if set(sequence) - set(BASES):
        raise ValueError(f"sequence must hold only {BASES}, got {sorted(set(sequence) - set(BASES))}")
    return sequence.translate(table)[::-1]


def reverse_complement_matrix(matrix: object) -> np.ndarray:
    """A (width, 4) matrix, or one-hot sequences (..., length, 4), on the other strand: flip both axes."""
    array = check_array("matrix", matrix, (2, 3))
    if array.shape[-1] != 4:
        raise ValueError(f"the last axis must be the 4 bases A, C, G, T, got shape {array.shape}")
    return array[..., ::-1, ::-1].copy()  # A<->T and C<->G swap columns; reading order reverses


def one_hot(sequences: Sequence[str] | str) -> np.ndarray:
    """One-hot codes (n, length, 4) float32 of n DNA strings of equal length (columns A, C, G, T)."""
    if isinstance(sequences, str):
        sequences = [sequences]
    sequences = list(sequences)
    if not sequences or not all(isinstance(s, str) for s in sequences):
        raise TypeError("sequences must be a non-empty list of DNA strings")
    length = len(sequences[0])
    if length == 0 or any(len(s) != length for s in sequences):
        raise ValueError("all sequences must be non-empty and of the same length")
    codes = np.frombuffer("".join(sequences).encode("ascii"), dtype=np.uint8)
    lookup = np.full(256, 255, dtype=np.uint8)
    lookup[np.frombuffer(BASES.encode(), dtype=np.uint8)] = np.arange(4, dtype=np.uint8)
    index = lookup[codes]
    if (index == 255).any():
        raise ValueError(f"sequences must hold only the letters {BASES}")
    return np.eye(4, dtype=np.float32)[index].reshape(len(sequences), length, 4)


def decode(encoded: object) -> list[str]:
    """DNA strings from one-hot codes (n, length, 4) or (length, 4): the base with the largest value."""
    array = check_array("encoded", encoded, (2, 3))
    if array.shape[-1] != 4:
        raise ValueError(f"the last axis must be the 4 bases, got shape {array.shape}")
    array = array[None] if array.ndim == 2 else array
    letters = np.array(list(BASES))
    return ["".join(row) for row in letters[np.argmax(array, axis=-1)]]


def sample_sites(probabilities: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` binding sites (n, width) of base indices 0-3, each position drawn from its row of the matrix."""
    p = np.asarray(probabilities, dtype=float)
    cumulative = np.cumsum(p, axis=1)
    draws = rng.random((n, len(p), 1))
    return np.minimum((draws > cumulative[None]).sum(axis=2), 3)


def _place_pair(rng: np.random.Generator, length: int, width_a: int, width_b: int,
                gap_low: int, gap_high: int) -> tuple[int, int]:
    """Starts of two sites, ``gap`` bases apart (gap_low <= gap <= gap_high), in random order."""
    gap = int(rng.integers(gap_low, gap_high + 1))
    span = width_a + gap + width_b
    start = int(rng.integers(0, length - span + 1))
    if rng.random() < 0.5:  # a first
        return start, start + width_a + gap
    return start + width_b + gap, start


def make_binding_sequences(n_sequences: int, *, length: int = 200, seed: int = 0, near_gap: int = 20,
                           far_gap: int = 60, shares: dict[str, float] | None = None,
                           background: Sequence[float] = HUMAN_BACKGROUND) -> pd.DataFrame:
    """Draw DNA sequences with planted CTCF and E-box sites; bound (1) = CTCF with an E-box nearby.

    Args:
        n_sequences: number of sequences (at least 10).
        length: bases per sequence (at least ``19 + far_gap + 6 + 10``).
        seed: the random seed.
        near_gap: in bound sequences (and in the half-site decoys) the E-box lies 0 to ``near_gap``
            bases from the CTCF site (before or after it, either strand).
        far_gap: in the "far apart" decoys at least ``far_gap`` bases separate the two sites.
        shares: kind -> share of the sequences (defaults in :data:`SEQUENCE_KINDS`; normalised).
        background: base probabilities (A, C, G, T) of the background.

    Returns:
        A DataFrame, one row per sequence: ``sequence`` (str), ``label`` (0/1), ``kind`` (a key of
        :data:`SEQUENCE_KINDS`), ``ctcf_start`` and ``ebox_start`` (0-based start of the planted
        site, -1 if none), ``ctcf_strand`` (+1 forward, -1 reverse, 0 none), ``gc`` (share of G + C).
    """
    n_sequences = check_int("n_sequences", n_sequences, 10)
    near_gap = check_int("near_gap", near_gap, 0)
    far_gap = check_int("far_gap", far_gap, near_gap + 1)
    ctcf_width, ebox_width = len(CTCF_MA0139_1), len(ARNT_MA0004_1)
    length = check_int("length", length, ctcf_width + far_gap + ebox_width + 10)
    seed = check_int("seed", seed, 0)
    base_p = check_array("background", background, 1).astype(float)
    if base_p.shape != (4,) or (base_p < 0).any() or not np.isclose(base_p.sum(), 1.0):
        raise ValueError(f"background must be 4 probabilities (A, C, G, T) summing to 1, got {list(base_p)}")
    shares = dict(shares) if shares is not None else {kind: share for kind, (_, share) in SEQUENCE_KINDS.items()}
    unknown = set(shares) - set(SEQUENCE_KINDS)
    if unknown:
        raise ValueError(f"unknown kinds {sorted(unknown)}; choose from {list(SEQUENCE_KINDS)}")
    weights = np.array([check_number(f"shares[{k!r}]", shares.get(k, 0.0), 0.0, 1e9) for k in SEQUENCE_KINDS])
    if weights.sum() <= 0:
        raise ValueError("shares must give at least one kind a positive share")

    rng = np.random.default_rng(seed)
    kinds = np.array(list(SEQUENCE_KINDS))
    counts = np.floor(weights / weights.sum() * n_sequences).astype(int)
    counts[np.argmax(weights)] += n_sequences - counts.sum()
    kind_of = rng.permutation(np.repeat(kinds, counts))
    bases = rng.choice(4, size=(n_sequences, length), p=base_p)
    ctcf_p, ebox_p = frequency_matrix(CTCF_MA0139_1), frequency_matrix(ARNT_MA0004_1)
    ctcf_sites, ebox_sites = sample_sites(ctcf_p, n_sequences, rng), sample_sites(ebox_p, n_sequences, rng)
    ctcf_start = np.full(n_sequences, -1)
    ebox_start = np.full(n_sequences, -1)
    strand = np.zeros(n_sequences, dtype=int)
    for i, kind in enumerate(kind_of):
        has_ctcf, has_ebox = "CTCF" in kind, "E-box" in kind
        if has_ctcf and has_ebox:
            low, high = (far_gap, length - ctcf_width - ebox_width) if "far" in kind else (0, near_gap)
            ctcf_start[i], ebox_start[i] = _place_pair(rng, length, ctcf_width, ebox_width, low, high)
        elif has_ctcf:
            ctcf_start[i] = rng.integers(0, length - ctcf_width + 1)
        elif has_ebox:
            ebox_start[i] = rng.integers(0, length - ebox_width + 1)
        if has_ctcf:
            site = ctcf_sites[i]
            strand[i] = 1 if rng.random() < 0.5 else -1
            if strand[i] < 0:
                site = 3 - site[::-1]  # the reverse complement: A<->T (0<->3), C<->G (1<->2)
            keep = np.zeros(ctcf_width, bool)
            if "half-site" in kind:  # only the 5' half of the motif, as read on its own strand
                keep[CTCF_HALF_SITE] = True
                keep = keep if strand[i] > 0 else keep[::-1]
            else:
                keep[:] = True
            bases[i, ctcf_start[i]:ctcf_start[i] + ctcf_width][keep] = site[keep]
        if has_ebox:
            bases[i, ebox_start[i]:ebox_start[i] + ebox_width] = ebox_sites[i]
    letters = np.array(list(BASES))
    sequences = ["".join(row) for row in letters[bases]]
    labels = np.array([SEQUENCE_KINDS[k][0] for k in kind_of], dtype=np.int64)
    gc = ((bases == 1) | (bases == 2)).mean(axis=1)
    return pd.DataFrame({"sequence": sequences, "label": labels, "kind": kind_of, "ctcf_start": ctcf_start,
                         "ctcf_strand": strand, "ebox_start": ebox_start, "gc": gc})
