"""Unit tests for helpers.data.imaging: the synthetic scans and the small image utilities."""
from __future__ import annotations

import time

import numpy as np
import pytest

from helpers.data import imaging
from helpers.data.imaging import CLASS_NAMES, make_scans


@pytest.fixture(scope="module")
def scans():
    return make_scans(600, seed=3)


def test_contract_keys_shapes_dtypes(scans):
    n, s = 600, imaging.DEFAULT_IMAGE_SIZE
    assert set(scans) == {"images", "labels", "masks", "has_lesion"}
    assert scans["images"].shape == (n, s, s, 1) and scans["images"].dtype == np.float32
    assert scans["labels"].shape == (n,) and scans["labels"].dtype == np.int64
    assert scans["masks"].shape == (n, s, s) and scans["masks"].dtype == bool
    assert scans["has_lesion"].shape == (n,) and scans["has_lesion"].dtype == bool
    assert scans["images"].min() >= 0.0 and scans["images"].max() <= 1.0
    assert CLASS_NAMES == ("benign or no lesion", "suspicious lesion")


def test_labels_masks_and_lesions_agree(scans):
    labels, masks, has = scans["labels"], scans["masks"], scans["has_lesion"]
    assert set(np.unique(labels)) == {0, 1}
    assert np.all(has[labels == 1]), "every suspicious image has a lesion"
    assert not masks[~has].any(), "images without a lesion have empty masks"
    assert np.all(masks[has].sum(axis=(1, 2)) >= 10), "every lesion covers some pixels"
    assert 0.6 < has.mean() < 0.8 and 0.25 < labels.mean() < 0.45


def test_lesion_is_brighter_than_its_surroundings(scans):
    images, masks, has = scans["images"][..., 0], scans["masks"], scans["has_lesion"]
    inside = np.array([images[i][masks[i]].mean() for i in np.flatnonzero(has)])
    outside = np.array([images[i][~masks[i]].mean() for i in np.flatnonzero(has)])
    assert np.mean(inside > outside) > 0.95


def test_classes_differ_in_shape_not_in_size_or_brightness(scans):
    labels, masks, has = scans["labels"], scans["masks"], scans["has_lesion"]
    area = masks.sum(axis=(1, 2)).astype(float)
    benign, suspicious = area[has & (labels == 0)], area[labels == 1]
    assert abs(benign.mean() - suspicious.mean()) < 0.35 * benign.mean()
    # Shape: spiculated outlines are much less compact (perimeter^2 / area larger).
    def compactness(mask):
        edge = mask & ~(np.roll(mask, 1, 0) & np.roll(mask, -1, 0) & np.roll(mask, 1, 1) & np.roll(mask, -1, 1))
        return edge.sum() ** 2 / mask.sum()
    c_benign = np.median([compactness(masks[i]) for i in np.flatnonzero(has & (labels == 0))])
    c_susp = np.median([compactness(masks[i]) for i in np.flatnonzero(labels == 1)])
    assert c_susp > 1.3 * c_benign


def test_lesions_vary_in_position_and_size(scans):
    masks, has = scans["masks"], scans["has_lesion"]
    ys, xs = [], []
    for i in np.flatnonzero(has):
        yy, xx = np.nonzero(masks[i])
        ys.append(yy.mean())
        xs.append(xx.mean())
    assert np.std(ys) > 3 and np.std(xs) > 3
    area = masks[has].sum(axis=(1, 2))
    assert area.max() > 2 * area.min()


def test_deterministic_from_seed():
    a, b, c = make_scans(50, seed=11), make_scans(50, seed=11), make_scans(50, seed=12)
    for key in a:
        np.testing.assert_array_equal(a[key], b[key])
    assert not np.array_equal(a["images"], c["images"])


@pytest.mark.parametrize("size", [16, 28, 48])
def test_other_sizes(size):
    out = make_scans(40, image_size=size, seed=0)
    assert out["images"].shape == (40, size, size, 1) and out["masks"].shape == (40, size, size)


def test_rates_can_be_set():
    none = make_scans(200, lesion_rate=0.0, seed=0)
    assert not none["has_lesion"].any() and not none["labels"].any() and not none["masks"].any()
    all_bad = make_scans(200, lesion_rate=1.0, suspicious_fraction=1.0, seed=0)
    assert all_bad["labels"].all()


def test_fast():
    make_scans(50)
    start = time.perf_counter()
    make_scans(3000, seed=1)
    assert time.perf_counter() - start < 5.0  # about 0.3 s on an idle 2-core machine


@pytest.mark.parametrize("kwargs, error", [
    ({"n_images": 0}, ValueError), ({"n_images": 2.5}, TypeError), ({"n_images": True}, TypeError),
    ({"n_images": 5, "image_size": 8}, ValueError), ({"n_images": 5, "image_size": 300}, ValueError),
    ({"n_images": 5, "seed": "a"}, TypeError), ({"n_images": 5, "lesion_rate": 1.5}, ValueError),
    ({"n_images": 5, "lesion_rate": "high"}, TypeError),
    ({"n_images": 5, "suspicious_fraction": -0.1}, ValueError),
])
def test_bad_input(kwargs, error):
    with pytest.raises(error):
        make_scans(**kwargs)


def test_split_scans(scans):
    parts = imaging.split_scans(scans, (0.5, 0.25, 0.25))
    assert [len(p["labels"]) for p in parts] == [300, 150, 150]
    np.testing.assert_array_equal(parts[1]["images"], scans["images"][300:450])
    with pytest.raises(ValueError):
        imaging.split_scans(scans, (0.5, 0.6))
    with pytest.raises(TypeError):
        imaging.split_scans([1, 2], (0.5, 0.5))


def test_to_medmnist_format():
    arrays = imaging.to_medmnist_format(200, image_size=28, seed=0)
    assert sorted(arrays) == sorted(["train_images", "train_labels", "val_images", "val_labels",
                                     "test_images", "test_labels"])
    assert arrays["train_images"].dtype == np.uint8 and arrays["train_images"].shape == (140, 28, 28)
    assert arrays["test_labels"].shape == (40, 1) and set(np.unique(arrays["train_labels"])) <= {0, 1}


def test_shift_images():
    images = np.zeros((2, 6, 6, 1), np.float32)
    images[:, 2, 2] = 1.0
    shifted = imaging.shift_images(images, 1, -2)
    assert shifted[0, 3, 0, 0] == 1.0 and shifted.sum() == 2.0
    back = imaging.shift_images(shifted, -1, 2)
    np.testing.assert_array_equal(back[:, 2, 2], images[:, 2, 2])
    with pytest.raises(ValueError):
        imaging.shift_images(images[0, 0], 1, 1)
    with pytest.raises(TypeError):
        imaging.shift_images(images, 1.5, 0)
    with pytest.raises(ValueError):
        imaging.shift_images(images, 6, 0)


def test_scanner_marker_and_assignment(scans):
    which = imaging.scanner_assignment(scans["labels"], 0.9, seed=0)
    assert which.dtype == bool and which.shape == scans["labels"].shape
    assert which[scans["labels"] == 1].mean() > 0.8 and which[scans["labels"] == 0].mean() < 0.2
    stamped = imaging.stamp_scanner_marker(scans["images"], which)
    assert np.all(stamped[which, 1:4, 1:4] == 1.0)
    np.testing.assert_array_equal(stamped[~which], scans["images"][~which])
    assert not np.shares_memory(stamped, scans["images"])
    with pytest.raises(ValueError):
        imaging.stamp_scanner_marker(scans["images"], which[:5])
    with pytest.raises(ValueError):
        imaging.scanner_assignment(scans["labels"], 2.0)


def test_tag_by_scanner_combines_assignment_and_marker(scans):
    tagged, from_b = imaging.tag_by_scanner(scans, 0.9, seed=3, size=2, value=0.7)
    np.testing.assert_array_equal(from_b, imaging.scanner_assignment(scans["labels"], 0.9, seed=3))
    np.testing.assert_array_equal(tagged, imaging.stamp_scanner_marker(scans["images"], from_b, size=2, value=0.7))
    with pytest.raises(TypeError, match="dict with 'images' and 'labels'"):
        imaging.tag_by_scanner(scans["images"], 0.9)
    with pytest.raises(ValueError, match="same length"):
        imaging.tag_by_scanner({"images": scans["images"], "labels": scans["labels"][:5]}, 0.9)


def test_classic_filters_are_3x3():
    assert all(k.shape == (3, 3) for k in imaging.CLASSIC_FILTERS.values())
    assert abs(imaging.CLASSIC_FILTERS["blur (box)"].sum() - 1) < 1e-6
