"""helpers.models.inference: the one batching loop, and the two prediction helpers built on it."""
from __future__ import annotations

import numpy as np
import pytest

from helpers.models import inference


def test_run_in_batches_equals_one_call_and_respects_the_batch_size():
    seen = []

    def double(batch):
        seen.append(len(batch))
        return batch * 2

    x = np.arange(10, dtype=float).reshape(10, 1)
    out = inference.run_in_batches(double, x, batch_size=4)
    assert np.array_equal(out, x * 2) and out.dtype == np.float32
    assert seen == [4, 4, 2]
    assert inference.run_in_batches(double, x[:0], batch_size=4).shape == (0,)
    with pytest.raises(ValueError, match="batch_size"):
        inference.run_in_batches(double, x, batch_size=0)


def test_predict_proba_and_batched_predict_agree_with_the_model():
    import keras

    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, activation="sigmoid")])
    x = np.random.default_rng(0).normal(size=(7, 3)).astype(np.float32)
    direct = np.asarray(model(x, training=False))[:, 0]
    assert np.allclose(inference.predict_proba(model, x, batch_size=3), direct, atol=1e-6)
    probability = inference.batched_predict(model, score="output", batch_size=2)(x)
    log_odds = inference.batched_predict(model, batch_size=5)(x)
    assert np.allclose(probability, direct, atol=1e-6)
    assert np.allclose(1 / (1 + np.exp(-log_odds)), direct, atol=1e-5)


def test_several_inputs_are_batched_together_and_checked():
    import keras

    from helpers import training

    keras.utils.set_random_seed(1)
    a, b = keras.Input((3,), name="a"), keras.Input((2,), name="b")
    model = keras.Model([a, b], keras.layers.Dense(1, activation="sigmoid")(keras.layers.Concatenate()([a, b])))
    model.compile(optimizer="adam", loss="binary_crossentropy")
    rng = np.random.default_rng(1)
    x = {"a": rng.normal(size=(9, 3)), "b": rng.normal(size=(9, 2))}
    direct = np.asarray(model(x, training=False))[:, 0]
    assert np.allclose(inference.predict_proba(model, x, batch_size=4), direct, atol=1e-6)
    assert np.allclose(inference.predict_proba(model, [x["a"], x["b"]], batch_size=2), direct, atol=1e-6)
    seen = []
    inference.run_in_batches(lambda batch: seen.append(sorted(batch)) or batch["a"][:, 0], x, batch_size=4)
    assert seen == [["a", "b"]] * 3
    history = training.fit(model, x, (rng.random(9) < 0.5).astype("float32"), epochs=2, verbose=False)
    assert len(history.history["loss"]) == 2
    with pytest.raises(ValueError, match="same number of examples"):
        inference.predict_proba(model, {"a": x["a"], "b": x["b"][:5]})
    with pytest.raises(ValueError, match="same number of examples"):
        training.fit(model, x, np.zeros(8, "float32"), epochs=1, verbose=False)
    with pytest.raises(ValueError, match="at least one input"):
        inference.run_in_batches(lambda batch: batch, {})
