"""Synthetic grayscale "scans" with known lesions, and small image utilities.

Each image imitates a small patch of a mammogram-like scan: a smooth, cloudy tissue texture
(power-law noise, as in breast parenchyma), a brightness that varies from scan to scan, pixel noise,
and, in some images, one bright lesion at a random position and of random size. The label depends
only on the lesion's *shape*:

- ``0`` (``CLASS_NAMES[0]``): no lesion, or a round, smooth-edged (benign-looking) lesion;
- ``1`` (``CLASS_NAMES[1]``): an irregular, spiculated (malignant-looking) lesion: a smaller core
  with thin spikes radiating out.

Lesion brightness and size are drawn from the same ranges in both classes (the spiculated core is
shrunk so that the two shapes cover similar areas), so a model cannot solve the task by counting
bright pixels: it has to learn spatial features (edges, spikes). Every image comes with its
ground-truth lesion mask, so explanations (Grad-CAM, saliency) can be scored against the truth.

Everything is deterministic from ``seed`` (``numpy.random.default_rng``) and vectorised: 5,000
images of 32 x 32 take a fraction of a second. No real patient is behind any image.
"""
from __future__ import annotations

import numpy as np

from helpers.validation import check_int, check_number

#: Names of the two classes, indexed by label.
CLASS_NAMES = ("benign or no lesion", "suspicious lesion")


#: Default side length of an image in pixels (small enough for a 2-core CPU notebook).
DEFAULT_IMAGE_SIZE = 32


#: Default probability that an image contains a lesion.
DEFAULT_LESION_RATE = 0.7


#: Default probability that a lesion, when present, is spiculated (label 1).
DEFAULT_SUSPICIOUS_FRACTION = 0.5


#: Most spikes a spiculated lesion can have.
MAX_SPIKES = 8


def tissue_texture(n_images: int, image_size: int, rng: np.random.Generator,
                   exponent: float = 3.0) -> np.ndarray:
    """Smooth, cloudy background texture: power-law ("1/f^exponent") noise.

    Returns an array of shape ``(n_images, image_size, image_size)``, float32, each image with
    mean 0 and standard deviation 1 (arbitrary units).
    """
    n = check_int("n_images", n_images, 1)
    size = check_int("image_size", image_size, 4)
    from scipy import fft  # float32-aware and about twice as fast as numpy.fft here

    fy = np.fft.fftfreq(size)[:, None]
    fx = np.fft.rfftfreq(size)[None, :]
    radius = np.sqrt(fx**2 + fy**2)
    radius[0, 0] = np.inf  # no constant term: each image gets its own brightness elsewhere
    amplitude = (radius ** (-exponent / 2.0)).astype(np.float32)
    shape = (n, size, size // 2 + 1)
    spectrum = (rng.standard_normal(shape, dtype=np.float32)
                + 1j * rng.standard_normal(shape, dtype=np.float32)) * amplitude
    field = fft.irfft2(spectrum.astype(np.complex64), s=(size, size)).astype(np.float32)
    field -= field.mean(axis=(1, 2), keepdims=True)
    field /= field.std(axis=(1, 2), keepdims=True) + 1e-6
    return field


def _draw_lesions(window: int, centre_y: np.ndarray, centre_x: np.ndarray, core: np.ndarray,
                  wobble_amp: np.ndarray, wobble_phase: np.ndarray, spike_angle: np.ndarray,
                  spike_length: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Render m lesions on a ``window x window`` grid (centres in window coordinates).

    The outline in polar coordinates is ``r(theta) = core * (1 + sum_k a_k cos(k (theta - phi_k)))
    + sum_j length_j * cos(theta - angle_j)^32``: a smooth, wobbly disc plus thin rays (spikes).
    Returns ``(profile, mask)``, both of shape ``(m, window, window)``: the lesion's intensity
    profile in [0, 1] (with a soft one-pixel edge) and the pixels inside the outline.
    """
    f32 = np.float32
    grid = np.arange(window, dtype=f32)
    dy = grid[None, :, None] - centre_y[:, None, None].astype(f32)
    dx = grid[None, None, :] - centre_x[:, None, None].astype(f32)
    rho = np.sqrt(dx * dx + dy * dy)
    safe = np.maximum(rho, f32(1e-3))
    c1, s1 = dx / safe, dy / safe                    # cos(theta), sin(theta)
    c2, s2 = c1 * c1 - s1 * s1, 2 * c1 * s1          # double angle
    c3, s3 = c1 * c2 - s1 * s2, s1 * c2 + c1 * s2    # theta + 2 theta
    c5, s5 = c2 * c3 - s2 * s3, s2 * c3 + c2 * s3    # 2 theta + 3 theta
    outline = np.ones_like(rho)
    for order, (k, cos_k, sin_k) in enumerate(((2, c2, s2), (3, c3, s3), (5, c5, s5))):
        phase = k * wobble_phase[:, order]
        amp = wobble_amp[:, order]
        # a cos(k theta - k phi) = a cos(k phi) cos(k theta) + a sin(k phi) sin(k theta)
        outline += (amp * np.cos(phase)).astype(f32)[:, None, None] * cos_k
        outline += (amp * np.sin(phase)).astype(f32)[:, None, None] * sin_k
    outline *= core.astype(f32)[:, None, None]
    spiky = np.flatnonzero(spike_length.any(axis=1))
    if spiky.size:
        ux, uy = c1[spiky], s1[spiky]
        cos_a = np.cos(spike_angle[spiky]).astype(f32)
        sin_a = np.sin(spike_angle[spiky]).astype(f32)
        lengths = spike_length[spiky].astype(f32)
        rays = np.zeros_like(ux)
        for j in range(spike_angle.shape[1]):
            ray = ux * cos_a[:, j, None, None]
            ray += uy * sin_a[:, j, None, None]      # cos(theta - spike angle)
            np.clip(ray, 0, 1, out=ray)
            for _ in range(5):                       # cos^32: a ray about one pixel wide
                ray *= ray
            ray *= lengths[:, j, None, None]
            rays += ray
        outline[spiky] += rays
    mask = rho <= outline
    profile = outline - rho
    profile += f32(0.5)
    np.clip(profile, 0.0, 1.0, out=profile)
    return profile, mask


def make_scans(n_images: int, *, image_size: int = DEFAULT_IMAGE_SIZE, seed: int = 0,
               lesion_rate: float = DEFAULT_LESION_RATE,
               suspicious_fraction: float = DEFAULT_SUSPICIOUS_FRACTION) -> dict[str, np.ndarray]:
    """Draw ``n_images`` synthetic scans with lesion masks and shape-based labels.

    Args:
        n_images: number of images (>= 1).
        image_size: side length S in pixels (16 to 256; 32 by default, 28 imitates MedMNIST).
        seed: seed of ``numpy.random.default_rng``; the same seed gives the same images.
        lesion_rate: probability that an image contains a lesion (0 to 1).
        suspicious_fraction: probability that a lesion is spiculated, i.e. labelled 1 (0 to 1).
            The share of label 1 is about ``lesion_rate * suspicious_fraction`` (35 % by default).

    Returns:
        A dict of NumPy arrays:

        - ``"images"``: float32, shape ``(n, S, S, 1)``, intensities in [0, 1];
        - ``"labels"``: int64, shape ``(n,)``: 1 = irregular/spiculated (suspicious) lesion,
          0 = no lesion or a round, smooth (benign-looking) lesion;
        - ``"masks"``: bool, shape ``(n, S, S)``: the lesion's pixels (all False without a lesion);
        - ``"has_lesion"``: bool, shape ``(n,)``.
    """
    n = check_int("n_images", n_images, 1)
    size = check_int("image_size", image_size, 16, 256)
    check_int("seed", seed, 0)
    lesion_rate = check_number("lesion_rate", lesion_rate)
    suspicious_fraction = check_number("suspicious_fraction", suspicious_fraction)
    rng = np.random.default_rng(int(seed))

    # Tissue: brightness, texture strength and pixel noise vary from scan to scan.
    base = rng.uniform(0.28, 0.45, (n, 1, 1)).astype(np.float32)
    texture_strength = rng.uniform(0.05, 0.09, (n, 1, 1)).astype(np.float32)
    noise_sigma = rng.uniform(0.02, 0.045, (n, 1, 1)).astype(np.float32)
    background = base + texture_strength * tissue_texture(n, size, rng)

    has_lesion = rng.random(n) < lesion_rate
    suspicious = has_lesion & (rng.random(n) < suspicious_fraction)

    # Lesion geometry, in pixels (scaled with the image so 28, 32 and 48 look alike).
    radius = rng.uniform(0.11, 0.17, n) * size  # overall lesion radius
    core = np.where(suspicious, 0.68, 1.0) * radius
    # The farthest the outline can reach from the centre (wobble and spikes at their longest).
    reach = np.where(suspicious, core * (1 + 0.30 + 1.5), core * (1 + 0.15 + 0.036 + 0.018)) + 1.0
    low = reach
    high = size - 1 - reach
    centre_y = low + rng.random(n) * (high - low)
    centre_x = low + rng.random(n) * (high - low)
    contrast = rng.uniform(0.2, 0.38, n)

    # Radius as a function of angle: r(theta) = core * (1 + smooth wobble) + spikes.
    theta0 = rng.uniform(0, 2 * np.pi, (n, 3))
    # Benign: a slightly elliptical, smooth outline. Suspicious: a lumpier core.
    wobble_amp = np.where(suspicious[:, None],
                          rng.uniform(0.03, 0.10, (n, 3)),
                          rng.uniform(0.0, 0.06, (n, 3)) * np.array([2.5, 0.6, 0.3]))
    n_spikes = rng.integers(5, MAX_SPIKES + 1, n)
    spike_angle = rng.uniform(0, 2 * np.pi, (n, 1)) + np.arange(MAX_SPIKES) * (2 * np.pi / MAX_SPIKES)
    spike_angle = spike_angle + rng.normal(0, 0.25, (n, MAX_SPIKES))
    spike_length = rng.uniform(0.8, 1.5, (n, MAX_SPIKES)) * core[:, None]
    spike_length *= (np.arange(MAX_SPIKES)[None, :] < n_spikes[:, None]) & suspicious[:, None]

    # Draw each lesion in a small window around it (fast), then paste the window into the image.
    window = min(size, int(np.ceil(2 * reach.max())) + 2) if has_lesion.any() else size
    top = np.clip(np.floor(centre_y - window / 2).astype(int) + 1, 0, size - window)
    left = np.clip(np.floor(centre_x - window / 2).astype(int) + 1, 0, size - window)
    images = background
    masks = np.zeros((n, size, size), dtype=bool)
    offsets = np.arange(window)
    rows_all = np.flatnonzero(has_lesion)
    for rows in np.array_split(rows_all, max(1, len(rows_all) // 4096)):
        if rows.size == 0:
            continue
        profile, mask = _draw_lesions(
            window, centre_y[rows] - top[rows], centre_x[rows] - left[rows], core[rows],
            wobble_amp[rows], theta0[rows], spike_angle[rows], spike_length[rows])
        profile *= contrast[rows, None, None].astype(np.float32)
        index = (rows[:, None, None], (top[rows, None] + offsets)[:, :, None],
                 (left[rows, None] + offsets)[:, None, :])
        images[index] += profile
        masks[index] = mask

    images += noise_sigma * rng.standard_normal((n, size, size), dtype=np.float32)
    np.clip(images, 0.0, 1.0, out=images)
    return {
        "images": images[..., None].astype(np.float32),
        "labels": suspicious.astype(np.int64),
        "masks": masks,
        "has_lesion": has_lesion,
    }


def split_scans(scans: dict[str, np.ndarray], fractions: tuple[float, ...] = (0.6, 0.2, 0.2)
                ) -> list[dict[str, np.ndarray]]:
    """Split a :func:`make_scans` dict into consecutive parts (e.g. train/validation/test).

    The images are already in random order, so consecutive slices are random splits.
    """
    if not isinstance(scans, dict) or "images" not in scans:
        raise TypeError("scans must be the dict returned by make_scans")
    if any(f <= 0 for f in fractions) or abs(sum(fractions) - 1.0) > 1e-6:
        raise ValueError(f"fractions must be positive and sum to 1, got {fractions}")
    n = len(scans["images"])
    edges = np.round(np.cumsum((0.0, *fractions)) * n).astype(int)
    return [{key: value[a:b] for key, value in scans.items()} for a, b in zip(edges[:-1], edges[1:])]


def to_medmnist_format(n_images: int = 5000, *, image_size: int = 28, seed: int = 0,
                       fractions: tuple[float, float, float] = (0.7, 0.1, 0.2),
                       **scan_options: float) -> dict[str, np.ndarray]:
    """Synthetic scans packed like a MedMNIST ``.npz`` file (what ``np.load`` gives for one).

    Returns the keys ``train_images``, ``val_images``, ``test_images`` (uint8, shape
    ``(n_split, S, S)``, 0-255) and ``train_labels``, ``val_labels``, ``test_labels`` (uint8, shape
    ``(n_split, 1)``), exactly the layout of MedMNIST v2's 2-D files.
    """
    scans = make_scans(n_images, image_size=image_size, seed=seed, **scan_options)
    arrays: dict[str, np.ndarray] = {}
    for name, part in zip(("train", "val", "test"), split_scans(scans, fractions)):
        arrays[f"{name}_images"] = np.round(part["images"][..., 0] * 255).astype(np.uint8)
        arrays[f"{name}_labels"] = part["labels"].astype(np.uint8)[:, None]
    return arrays


#: Classic 3 x 3 filters (kernels) used to show what a convolution does to a scan.
CLASSIC_FILTERS: dict[str, np.ndarray] = {
    "blur (box)": np.full((3, 3), 1 / 9, dtype=np.float32),
    "vertical edges (Sobel x)": np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=np.float32),
    "horizontal edges (Sobel y)": np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]], dtype=np.float32),
    "sharpen": np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]], dtype=np.float32),
    "spots (Laplacian)": np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]], dtype=np.float32),
}


def shift_images(images: np.ndarray, dy: int, dx: int) -> np.ndarray:
    """Shift images by ``(dy, dx)`` pixels (down, right), filling the uncovered border.

    ``images`` has shape ``(n, H, W)`` or ``(n, H, W, C)``; the border is filled with each image's
    median intensity (roughly the tissue level) rather than black, so no artificial edge appears.
    """
    array = np.asarray(images)
    if array.ndim not in (3, 4):
        raise ValueError(f"images must have shape (n, H, W) or (n, H, W, C), got {array.shape}")
    for name, value in (("dy", dy), ("dx", dx)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise TypeError(f"{name} must be an int, got {type(value).__name__}")
        if abs(value) >= min(array.shape[1:3]):
            raise ValueError(f"{name} must be smaller than the image, got {value}")
    fill = np.median(array.reshape(len(array), -1), axis=1)
    out = np.empty_like(array)
    out[...] = fill.reshape((-1,) + (1,) * (array.ndim - 1)).astype(array.dtype)
    h, w = array.shape[1:3]
    src_y = slice(max(0, -dy), h - max(0, dy))
    dst_y = slice(max(0, dy), h - max(0, -dy))
    src_x = slice(max(0, -dx), w - max(0, dx))
    dst_x = slice(max(0, dx), w - max(0, -dx))
    out[:, dst_y, dst_x] = array[:, src_y, src_x]
    return out


def stamp_scanner_marker(images: np.ndarray, which: np.ndarray, *, size: int = 3,
                         value: float = 1.0) -> np.ndarray:
    """Burn a small bright square into the top-left corner of the images where ``which`` is True.

    Imitates the text tags and markers that a particular scanner (for example a portable X-ray
    unit) leaves on its images. Returns a copy; ``images`` has shape ``(n, H, W[, C])``, ``which``
    is a bool array of shape ``(n,)``.
    """
    array = np.array(images, copy=True)
    chosen = np.asarray(which)
    if array.ndim not in (3, 4):
        raise ValueError(f"images must have shape (n, H, W) or (n, H, W, C), got {array.shape}")
    if chosen.dtype != bool or chosen.shape != (len(array),):
        raise ValueError(f"which must be a bool array of shape ({len(array)},), got "
                         f"{chosen.dtype} {chosen.shape}")
    size = check_int("size", size, 1, min(array.shape[1:3]))
    array[chosen, 1:1 + size, 1:1 + size] = value
    return array


def scanner_assignment(labels: np.ndarray, agreement: float, seed: int = 0) -> np.ndarray:
    """Which images came from "scanner B", with P(scanner B | label 1) = ``agreement``.

    And P(scanner B | label 0) = ``1 - agreement``. ``agreement = 0.5`` means the scanner tells
    nothing about the label; ``0.9`` means that most suspicious cases were scanned on scanner B
    (as when sicker patients get portable X-rays). Returns a bool array of shape ``(n,)``.
    """
    labels = np.asarray(labels)
    if labels.ndim != 1:
        raise ValueError(f"labels must have shape (n,), got {labels.shape}")
    agreement = check_number("agreement", agreement)
    rng = np.random.default_rng(seed)
    p = np.where(labels == 1, agreement, 1.0 - agreement)
    return rng.random(len(labels)) < p


def tag_by_scanner(scans: dict[str, np.ndarray], agreement: float, *, seed: int = 0, size: int = 3,
                   value: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """A split's images with scanner B's marker burned in, and which images came from scanner B.

    Combines :func:`scanner_assignment` (P(scanner B | label 1) = ``agreement``, P(scanner B | label 0)
    = ``1 - agreement``) and :func:`stamp_scanner_marker`. ``scans`` is a dict with ``"images"``
    ``(n, H, W[, C])`` and ``"labels"`` ``(n,)``, as :func:`split_scans` returns. Returns the tagged
    copy of the images and the bool array ``(n,)`` of scanner-B images.
    """
    if not isinstance(scans, dict) or not {"images", "labels"} <= set(scans):
        raise TypeError("scans must be a dict with 'images' and 'labels' (one split of make_scans), "
                        f"got {type(scans).__name__}")
    if len(scans["images"]) != len(scans["labels"]):
        raise ValueError(f"scans['images'] and scans['labels'] must have the same length, got "
                         f"{len(scans['images'])} and {len(scans['labels'])}")
    from_scanner_b = scanner_assignment(scans["labels"], agreement, seed=seed)
    return stamp_scanner_marker(scans["images"], from_scanner_b, size=size, value=value), from_scanner_b


__all__ = [
    "CLASS_NAMES", "CLASSIC_FILTERS", "DEFAULT_IMAGE_SIZE", "make_scans", "scanner_assignment",
    "shift_images", "split_scans", "stamp_scanner_marker", "tag_by_scanner", "tissue_texture",
    "to_medmnist_format",
]
