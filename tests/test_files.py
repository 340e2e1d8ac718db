"""The data machinery: checksums, clear errors for damaged or missing files, byte-identical rebuilds."""
from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

from helpers.data import files


@pytest.fixture()
def data_copy(tmp_path, monkeypatch):
    """A private copy of datasets/ that a test may damage."""
    copy = tmp_path / "datasets"
    shutil.copytree(files.DATA_DIR, copy)
    monkeypatch.setattr(files, "DATA_DIR", copy)
    return copy


def test_every_dataset_loads_and_verifies():
    assert files.available(), "no datasets registered"
    for name in files.available():
        data = files.load(name)
        assert isinstance(data, (pd.DataFrame, dict)) and len(data) > 0, name


def test_manifest_lists_exactly_the_registered_files():
    listed = set(files.read_manifest()["files"])
    declared = {spec.filename for spec in files.specs().values()}
    assert listed == declared, "run `python3 tasks.py datasets` to refresh datasets/manifest.json"


def test_every_dataset_has_a_data_card():
    for name in files.available():
        card = files.card(name)
        for section in ("Source", "Licence", "imitates", "made", "must not be used"):
            assert section.lower() in card.lower(), f"card of {name} lacks '{section}'"


def test_regeneration_is_byte_identical(tmp_path):
    manifest = files.regenerate(tmp_path, write_manifest=False)
    committed = files.read_manifest()["files"]
    for filename, entry in manifest["files"].items():
        assert entry["sha256"] == committed[filename]["sha256"], f"{filename} does not rebuild identically"
        assert (tmp_path / filename).read_bytes() == (files.DATA_DIR / filename).read_bytes()


def test_unknown_name_is_a_clear_error():
    with pytest.raises(files.DatasetError, match="unknown dataset 'ehr_cohrt'.*available datasets: .*ehr_cohort"):
        files.load("ehr_cohrt")
    with pytest.raises(TypeError, match="dataset name must be a string"):
        files.load(3)


def test_corrupted_file_is_named_with_the_fix(data_copy):
    path = data_copy / "ehr_cohort.csv"
    path.write_bytes(path.read_bytes().replace(b"P00001", b"P99999", 1))
    with pytest.raises(files.DatasetError, match=r"datasets/ehr_cohort.csv .*damaged.*git checkout -- datasets/.*tasks.py datasets"):
        files.load("ehr_cohort")


def test_missing_file_is_named_with_the_fix(data_copy):
    (data_copy / "clinical_notes.csv").unlink()
    with pytest.raises(FileNotFoundError, match=r"datasets/clinical_notes.csv .*missing.*Restore it"):
        files.load("clinical_notes")


def test_missing_manifest_is_a_clear_error(data_copy):
    (data_copy / "manifest.json").unlink()
    with pytest.raises(FileNotFoundError, match="manifest.json is missing"):
        files.load("ehr_cohort")


def test_changing_loaded_data_never_touches_the_file():
    before = files.sha256_of(files.path_of("ehr_cohort"))
    frame = files.load("ehr_cohort")
    frame["age"] = -1
    frame.iloc[:10] = np.nan
    assert files.sha256_of(files.path_of("ehr_cohort")) == before
    assert files.load("ehr_cohort")["age"].min() >= 30


def test_npz_bytes_are_deterministic_and_loadable(tmp_path):
    arrays = {"b": np.arange(6, dtype=np.int16).reshape(2, 3), "a": np.linspace(0, 1, 5, dtype=np.float32)}
    first, second = files.npz_bytes(arrays), files.npz_bytes(dict(reversed(list(arrays.items()))))
    assert first == second
    (tmp_path / "x.npz").write_bytes(first)
    with np.load(tmp_path / "x.npz") as loaded:
        np.testing.assert_array_equal(loaded["b"], arrays["b"])
        np.testing.assert_array_equal(loaded["a"], arrays["a"])


def test_one_file_check_for_manifest_and_publisher_checksums(tmp_path):
    import hashlib

    path = tmp_path / "blob.bin"
    path.write_bytes(b"dl4h")
    assert files.matches_checksum(path, hashlib.sha256(b"dl4h").hexdigest())
    assert files.matches_checksum(path, hashlib.md5(b"dl4h").hexdigest().upper(), "md5")
    assert not files.matches_checksum(path, hashlib.sha256(b"other").hexdigest())
    assert files.sha256_of(path) == files.checksum_of(path, "sha256")
