"""Model builders: small CNNs that share one input stem and one output head, recurrent sequence classifiers, and a batched prediction function."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from helpers.validation import check_array, check_binary_labels, check_int, check_number

#: Pooling choices accepted by :func:`build_lenet`.
POOLING_CHOICES = ("max", "average", "strided", "none")


def _check_shape_and_classes(input_shape: tuple[int, ...], n_classes: int) -> tuple[tuple[int, int, int], int]:
    shape = tuple(int(s) for s in input_shape)
    if len(shape) != 3 or min(shape) < 1:
        raise ValueError(f"input_shape must be (height, width, channels), got {input_shape}")
    return shape, check_int("n_classes", n_classes, 2)


def _output_layer(n_classes: int, name: str = "output") -> Any:
    """One sigmoid unit for two classes (P(class 1)); a softmax over the classes otherwise."""
    import keras

    if n_classes == 2:
        return keras.layers.Dense(1, activation="sigmoid", name=name)
    return keras.layers.Dense(n_classes, activation="softmax", name=name)


def build_lenet(input_shape: tuple[int, int, int], n_classes: int = 2, *, pooling: str = "max",
                filters: tuple[int, int] = (16, 32), kernel_size: int = 3, dense_units: int = 64,
                batch_norm: bool = False, dropout: float = 0.25, mean: float | None = None,
                std: float | None = None, name: str | None = None) -> Any:
    """A LeNet-style CNN: two (convolution -> downsampling) stages, then two dense layers.

    Args:
        input_shape: ``(height, width, channels)`` of the images, e.g. ``(32, 32, 1)``.
        n_classes: 2 gives one sigmoid output (probability of class 1); more gives a softmax.
        pooling: how each stage shrinks its feature maps by 2: ``"max"`` (2 x 2 max pooling),
            ``"average"`` (2 x 2 average pooling), ``"strided"`` (the convolution itself moves
            2 pixels at a time), or ``"none"`` (no shrinking: the dense layer gets every pixel).
        filters: number of filters (feature maps) of the two convolutions.
        kernel_size: side of the square convolution kernels, in pixels.
        dense_units: width of the hidden dense layer.
        batch_norm: normalise each convolution's output over the batch (faster, steadier training).
        dropout: dropout rate before each dense layer (0 disables).
        mean, std: if given, the model first standardises its input as ``(x - mean) / std``.
        name: the model's name (default ``"lenet_<pooling>"``).

    Returns:
        An uncompiled ``keras.Model``; output shape ``(batch, 1)`` for two classes, else
        ``(batch, n_classes)``. Convolution layers are named ``conv1``, ``conv2``.
    """
    import keras

    shape, n_classes = _check_shape_and_classes(input_shape, n_classes)
    if pooling not in POOLING_CHOICES:
        raise ValueError(f"pooling must be one of {POOLING_CHOICES}, got {pooling!r}")
    inputs = keras.Input(shape, name="image")
    x = inputs
    if mean is not None or std is not None:
        x = keras.layers.Normalization(mean=float(mean or 0.0), variance=float(std or 1.0) ** 2,
                                       name="standardise")(x)
    for stage, width in enumerate(filters, start=1):
        stride = 2 if pooling == "strided" else 1
        x = keras.layers.Conv2D(width, kernel_size, strides=stride, padding="same",
                                use_bias=not batch_norm, name=f"conv{stage}")(x)
        if batch_norm:
            x = keras.layers.BatchNormalization(name=f"bn{stage}")(x)
        x = keras.layers.Activation("relu", name=f"relu{stage}")(x)
        if pooling == "max":
            x = keras.layers.MaxPooling2D(2, name=f"pool{stage}")(x)
        elif pooling == "average":
            x = keras.layers.AveragePooling2D(2, name=f"pool{stage}")(x)
    x = keras.layers.Flatten(name="flatten")(x)
    if dropout:
        x = keras.layers.Dropout(dropout, name="dropout1")(x)
    x = keras.layers.Dense(dense_units, activation="relu", name="dense")(x)
    if dropout:
        x = keras.layers.Dropout(dropout, name="dropout2")(x)
    outputs = _output_layer(n_classes)(x)
    return keras.Model(inputs, outputs, name=name or f"lenet_{pooling}")


def build_vgg_small(input_shape: tuple[int, int, int], n_classes: int = 2,
                    widths: tuple[int, ...] = (16, 32, 64)) -> Any:
    """A small VGG-style CNN: blocks of two 3 x 3 convolutions + max pooling, global pooling, output."""
    import keras

    shape, n_classes = _check_shape_and_classes(input_shape, n_classes)
    inputs = keras.Input(shape, name="image")
    x = inputs
    for block, width in enumerate(widths, start=1):
        for j in (1, 2):
            x = keras.layers.Conv2D(width, 3, padding="same", activation="relu",
                                    name=f"block{block}_conv{j}")(x)
        x = keras.layers.MaxPooling2D(2, name=f"block{block}_pool")(x)
    x = keras.layers.GlobalAveragePooling2D(name="global_pool")(x)
    return keras.Model(inputs, _output_layer(n_classes)(x), name="vgg_small")


def build_deep_stack(input_shape: tuple[int, int, int], n_classes: int = 2, *, depth: int = 20,
                     width: int = 16, residual: bool = False, name: str | None = None) -> Any:
    """A deep stack of 3 x 3 convolutions, with or without residual (skip) connections.

    A stem convolution and two 2 x 2 max poolings bring the image to a quarter of its side; then
    ``depth`` convolutions follow, in pairs: ``F(x) = conv(relu(conv(relu(x))))`` (Keras' default
    Glorot initialisation, no normalisation). The plain stack passes on ``F(x)``; the residual one
    passes on ``x + F(x)``, whose identity path carries the signal and the gradient past every block
    (ResNet's idea, in its "pre-activation" form). Both have exactly the same parameters. Each pair's
    output is the layer ``block{i}_out``; then global average pooling and the output layer.
    """
    import keras

    shape, n_classes = _check_shape_and_classes(input_shape, n_classes)
    if isinstance(depth, bool) or not isinstance(depth, (int, np.integer)) or depth < 2 or depth % 2:
        raise ValueError(f"depth must be an even int >= 2, got {depth!r}")
    inputs = keras.Input(shape, name="image")
    x = keras.layers.Conv2D(width, 3, padding="same", name="stem")(inputs)
    x = keras.layers.MaxPooling2D(2, name="stem_pool1")(x)
    x = keras.layers.MaxPooling2D(2, name="stem_pool2")(x)
    for block in range(depth // 2):
        y = keras.layers.Activation("relu", name=f"block{block}_relu_a")(x)
        y = keras.layers.Conv2D(width, 3, padding="same", name=f"block{block}_conv_a")(y)
        y = keras.layers.Activation("relu", name=f"block{block}_relu_b")(y)
        y = keras.layers.Conv2D(width, 3, padding="same", name=f"block{block}_conv_b")(y)
        if residual:
            x = keras.layers.Add(name=f"block{block}_out")([x, y])
        else:
            x = keras.layers.Identity(name=f"block{block}_out")(y)
    x = keras.layers.GlobalAveragePooling2D(name="global_pool")(x)
    default = f"{'residual' if residual else 'plain'}_{depth}"
    return keras.Model(inputs, _output_layer(n_classes)(x), name=name or default)


def build_resnet_small(input_shape: tuple[int, int, int], n_classes: int = 2,
                       widths: tuple[int, ...] = (16, 32, 64)) -> Any:
    """A small ResNet: a stem, then per width one residual block (two 3 x 3 conv + BN) and a downsampling."""
    import keras

    shape, n_classes = _check_shape_and_classes(input_shape, n_classes)
    inputs = keras.Input(shape, name="image")
    x = keras.layers.Conv2D(widths[0], 3, padding="same", use_bias=False, name="stem")(inputs)
    x = keras.layers.BatchNormalization(name="stem_bn")(x)
    x = keras.layers.Activation("relu", name="stem_relu")(x)
    for stage, width in enumerate(widths, start=1):
        skip = x
        if skip.shape[-1] != width:  # a 1 x 1 convolution matches the channel count
            skip = keras.layers.Conv2D(width, 1, use_bias=False, name=f"res{stage}_match")(skip)
        y = keras.layers.Conv2D(width, 3, padding="same", use_bias=False, name=f"res{stage}_conv1")(x)
        y = keras.layers.BatchNormalization(name=f"res{stage}_bn1")(y)
        y = keras.layers.Activation("relu", name=f"res{stage}_relu1")(y)
        y = keras.layers.Conv2D(width, 3, padding="same", use_bias=False, name=f"res{stage}_conv2")(y)
        y = keras.layers.BatchNormalization(name=f"res{stage}_bn2")(y)
        x = keras.layers.Activation("relu", name=f"res{stage}_out")(keras.layers.Add(name=f"res{stage}_add")([skip, y]))
        x = keras.layers.MaxPooling2D(2, name=f"res{stage}_pool")(x)
    x = keras.layers.GlobalAveragePooling2D(name="global_pool")(x)
    return keras.Model(inputs, _output_layer(n_classes)(x), name="resnet_small")


#: Largest number of examples sent through a model at once by the functions below.
DEFAULT_BATCH_SIZE = 128


def check_model(model: Any) -> None:
    if not callable(model) or not hasattr(model, "inputs"):
        raise TypeError(f"model must be a Keras model, got {type(model).__name__}")


def select_output(outputs: Any, output_index: int) -> Any:
    """Column ``output_index`` of a (n, k) model output, or the output itself if it is (n,)."""
    if len(outputs.shape) == 1:
        return outputs
    if not 0 <= output_index < outputs.shape[-1]:
        raise ValueError(f"output_index must be between 0 and {outputs.shape[-1] - 1}, got {output_index}")
    return outputs[:, output_index]


#: Name of the layer whose feature maps :func:`build_gap_cnn` exposes for Grad-CAM.
GAP_CNN_LAST_CONV = "relu3"


def build_gap_cnn(input_shape: tuple[int, int, int], n_classes: int = 2, *,
                  filters: tuple[int, int, int] = (16, 32, 32), kernel_sizes: tuple[int, int, int] = (5, 3, 3),
                  mean: float | None = None, std: float | None = None, bn_momentum: float = 0.9,
                  name: str = "gap_cnn") -> Any:
    """Notebook 02's small CNN with a global-average-pooling head instead of Flatten + Dense.

    Three (convolution -> batch norm -> ReLU) stages, the first two followed by 2 x 2 max pooling,
    then the spatial average of each feature map and the output unit. Averaging makes the score a
    sum over positions of the last feature maps, which is what class-activation maps and Grad-CAM
    assume; a Flatten head hides *where* the evidence is inside its dense weights. The signature
    matches the ``build`` argument of :func:`helpers.train_image_classifier.train_image_classifier`.

    Args:
        input_shape: ``(height, width, channels)``, e.g. ``(32, 32, 1)``.
        n_classes: 2 gives one sigmoid output (probability of class 1); more gives a softmax.
        filters, kernel_sizes: width and kernel side (pixels) of the three convolutions.
        mean, std: if given, the model first standardises its input as ``(x - mean) / std``.
        bn_momentum: momentum of the batch-norm running statistics (0.9 settles within a few
            epochs of a small data set; Keras' default 0.99 lags behind for longer).
        name: the model's name.

    Returns:
        An uncompiled ``keras.Model`` that starts with ``keras.Input``; layers ``conv1..3``,
        ``relu1..3`` (the last is :data:`GAP_CNN_LAST_CONV`), ``global_pool`` and ``output``.
    """
    import keras

    shape = tuple(int(s) for s in input_shape)
    if len(shape) != 3 or min(shape) < 1:
        raise ValueError(f"input_shape must be (height, width, channels), got {input_shape}")
    if min(shape[:2]) < 8:
        raise ValueError(f"images must be at least 8 x 8 pixels, got {shape[:2]}")
    check_int("n_classes", n_classes, 2)
    if len(filters) != 3 or len(kernel_sizes) != 3:
        raise ValueError("filters and kernel_sizes must each give three values (one per stage)")
    inputs = keras.Input(shape, name="image")
    x = inputs
    if mean is not None or std is not None:
        x = keras.layers.Normalization(mean=float(mean or 0.0), variance=float(std or 1.0) ** 2,
                                       name="standardise")(x)
    for stage, (width, kernel) in enumerate(zip(filters, kernel_sizes), start=1):
        x = keras.layers.Conv2D(int(width), int(kernel), padding="same", use_bias=False, name=f"conv{stage}")(x)
        x = keras.layers.BatchNormalization(momentum=bn_momentum, name=f"bn{stage}")(x)
        x = keras.layers.Activation("relu", name=f"relu{stage}")(x)
        if stage < 3:
            x = keras.layers.MaxPooling2D(2, name=f"pool{stage}")(x)
    x = keras.layers.GlobalAveragePooling2D(name="global_pool")(x)
    if n_classes == 2:
        outputs = keras.layers.Dense(1, activation="sigmoid", name="output")(x)
    else:
        outputs = keras.layers.Dense(int(n_classes), activation="softmax", name="output")(x)
    return keras.Model(inputs, outputs, name=name)


#: What a gradient explanation differentiates: the pre-activation score or the model's output.
SCORES = ("logit", "output")


def score_function(model: Any, score: str, feature_layer: str | None = None) -> Callable[[Any], tuple]:
    """``run(x) -> (features or None, scores (n, k))`` for a Keras model.

    With ``score="logit"`` and a model whose last layer is a Dense layer with a sigmoid or softmax,
    the scores are that layer's pre-activation values (log-odds): a confident sigmoid output sits on
    a flat part of the curve, where its gradient underflows to zero and every map goes blank.
    """
    import keras

    if score not in SCORES:
        raise ValueError(f"score must be one of {SCORES}, got {score!r}")
    last = model.layers[-1]
    squashed = (score == "logit" and isinstance(last, keras.layers.Dense)
                and last.activation in (keras.activations.sigmoid, keras.activations.softmax))
    wanted = []
    if feature_layer is not None:
        names = [layer.name for layer in model.layers]
        if feature_layer not in names:
            raise ValueError(f"layer {feature_layer!r} is not a layer of the model; layers: {names}")
        wanted.append(model.get_layer(feature_layer).output)
    try:
        wanted.append(last.input if squashed else model.outputs[0])
        inputs = model.inputs[0] if len(model.inputs) == 1 else model.inputs  # no structure warning
        view = keras.Model(inputs, wanted)
    except (AttributeError, ValueError) as error:
        raise ValueError("this explanation needs a model that starts with keras.Input(shape) "
                         f"(Keras 3 cannot otherwise reach its layers' outputs): {error}") from error

    def run(x: Any) -> tuple:
        results = view(x, training=False)
        results = list(results) if isinstance(results, (list, tuple)) else [results]
        scores = results[-1]
        if squashed:
            scores = keras.ops.matmul(scores, last.kernel)
            if last.use_bias:
                scores = scores + last.bias
        return (results[0] if feature_layer is not None else None), scores

    return run


def batched_predict(model: Any, *, output_index: int = 0, score: str = "logit",
                    batch_size: int = DEFAULT_BATCH_SIZE,
                    input_shape: tuple[int, ...] | None = None) -> Callable[[np.ndarray], np.ndarray]:
    """A NumPy-in, NumPy-out prediction function that calls ``model`` in batches.

    Model-agnostic explainers call a prediction function thousands of times; ``model.predict``
    costs tens of milliseconds per call, this costs about one forward pass.

    Args:
        model: a Keras model that starts with ``keras.Input``.
        output_index: which output unit to return (0 for a one-unit binary model).
        score: ``"logit"`` (default) returns the log-odds before a final sigmoid/softmax, where
            explanations add up sensibly; ``"output"`` returns the model's output (probabilities).
        batch_size: examples per forward pass.
        input_shape: if given, each input row is reshaped to this shape first (shap's maskers
            sometimes hand over flattened rows).

    Returns:
        ``predict(x) -> array (n,)`` of the chosen score, float64.
    """
    check_model(model)
    batch_size = check_int("batch_size", batch_size)
    run = score_function(model, score)

    def predict(x: np.ndarray) -> np.ndarray:
        array = np.asarray(x, dtype=np.float32)
        if input_shape is not None:
            array = array.reshape((-1, *input_shape))
        parts = []
        for start in range(0, len(array), batch_size):
            scores = run(array[start:start + batch_size])[1]
            parts.append(np.asarray(select_output(scores, output_index), dtype=float))
        return np.concatenate(parts) if parts else np.zeros(0)

    return predict


def predict_proba(model: Any, images: np.ndarray, batch_size: int = 512) -> np.ndarray:
    """Class probabilities, in batches: ``(n,)`` P(class 1) for a sigmoid model, else ``(n, K)``."""
    images = np.asarray(images, np.float32)
    outputs = [np.asarray(model(images[i:i + batch_size], training=False))
               for i in range(0, len(images), batch_size)]
    probs = np.concatenate(outputs) if outputs else np.zeros((0, 1), np.float32)
    return probs[:, 0] if probs.shape[1] == 1 else probs


class SmallCNN:
    """A small CNN for ``S x S x 1`` images that can be trained from scratch many times, cheaply.

    Architecture (about 1,300 trainable parameters with the default filters)::

        standardise each image (mean 0, sd 1)
        -> Conv 3x3 (f1 filters) -> BatchNorm -> ReLU -> MaxPool 2
        -> Conv 3x3 (f2 filters) -> BatchNorm -> ReLU -> MaxPool 2
        -> global max pooling (each filter's strongest response anywhere)
        -> [Dropout] -> Dense(1, sigmoid) = P(suspicious lesion)

    The training step (Adam, binary cross-entropy plus an optional L2 penalty on the kernels) is
    traced once per instance; :meth:`reset` gives fresh random weights and a fresh optimizer, so a
    new run costs only its own gradient steps. Everything is seeded explicitly.

    Args:
        image_size: side ``S`` of the square images, in pixels.
        filters: numbers of filters of the two convolutions.
        dropout: dropout rate before the output layer (0 = none).
        learning_rate: Adam's initial step size (it decays along a cosine during each run).
    """

    def __init__(self, image_size: int, *, filters: tuple[int, int] = (8, 16), dropout: float = 0.0,
                 learning_rate: float = 1e-2) -> None:
        import keras

        self.image_size = check_int("image_size", image_size, 8)
        if not isinstance(filters, (tuple, list)) or len(filters) != 2:
            raise ValueError(f"filters must be two ints, got {filters!r}")
        self.filters = tuple(check_int("each filter count", f, 1) for f in filters)
        if isinstance(dropout, bool) or not isinstance(dropout, (int, float)) or not 0 <= dropout < 1:
            raise ValueError(f"dropout must be a number in [0, 1), got {dropout!r}")
        self.dropout = float(dropout)
        self.learning_rate = check_number("learning_rate", learning_rate, inclusive=False)
        layers = [keras.Input((self.image_size, self.image_size, 1)),
                  # Each image to mean 0, standard deviation 1: removes scan-to-scan brightness.
                  keras.layers.LayerNormalization(axis=[1, 2, 3], center=False, scale=False,
                                                  name="standardise")]
        for stage, width in enumerate(self.filters, start=1):
            layers += [keras.layers.Conv2D(width, 3, padding="same", use_bias=False, name=f"conv{stage}"),
                       keras.layers.BatchNormalization(momentum=0.9, name=f"bn{stage}"),
                       keras.layers.Activation("relu", name=f"relu{stage}"),
                       keras.layers.MaxPooling2D(2, name=f"pool{stage}")]
        # The strongest response of each filter anywhere in the image: "is there a spike?"
        layers.append(keras.layers.GlobalMaxPooling2D(name="global_pool"))
        if self.dropout:
            layers.append(keras.layers.Dropout(self.dropout, seed=0, name="dropout"))
        layers.append(keras.layers.Dense(1, activation="sigmoid", name="output"))
        self.model = keras.Sequential(layers, name="small_cnn")
        self._optimizer = keras.optimizers.Adam(self.learning_rate)
        self._optimizer.build(self.model.trainable_variables)
        self._l2 = keras.Variable(0.0, trainable=False, name="l2_strength")
        self._train_step = None
        self._predict = None
        self.reset(0)

    @property
    def n_parameters(self) -> int:
        """Trainable numbers (weights, biases, batch-norm scales and shifts)."""
        return int(sum(np.prod(v.shape) for v in self.model.trainable_variables))

    def reset(self, seed: int = 0) -> SmallCNN:
        """Fresh Glorot-uniform kernels and zero biases (Keras' defaults) from ``seed``; fresh Adam."""
        rng = np.random.default_rng(check_int("seed", seed, 0))
        for variable in self.model.weights:
            shape, kind = tuple(variable.shape), variable.path.rsplit("/", 1)[-1]
            if kind == "kernel":
                receptive = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
                fan_in, fan_out = shape[-2] * receptive, shape[-1] * receptive
                limit = np.sqrt(6.0 / (fan_in + fan_out))
                variable.assign(rng.uniform(-limit, limit, shape).astype(np.float32))
            elif kind in ("gamma", "moving_variance"):
                variable.assign(np.ones(shape, np.float32))
            else:  # bias, beta, moving_mean
                variable.assign(np.zeros(shape, np.float32))
        self._reset_optimizer()
        return self

    def _reset_optimizer(self) -> None:
        """Zero Adam's step counter and moment estimates; put back the initial learning rate."""
        for variable in self._optimizer.variables:
            if variable.path.endswith("learning_rate"):
                variable.assign(self.learning_rate)
            else:
                variable.assign(np.zeros(variable.shape, dtype=variable.dtype))

    def get_weights(self) -> list[np.ndarray]:
        """A copy of the current weights (e.g. after pretraining, for :meth:`set_weights`)."""
        return [w.copy() for w in self.model.get_weights()]

    def set_weights(self, weights: list[np.ndarray]) -> SmallCNN:
        """Load weights (from :meth:`get_weights` of an instance of the same shape); fresh Adam."""
        self.model.set_weights(weights)
        self._reset_optimizer()
        return self

    def _step(self) -> Any:
        """The traced training step ``step(images, labels, learning_rate) -> loss`` (built once)."""
        import tensorflow as tf

        if self._train_step is None:
            model, optimizer, l2 = self.model, self._optimizer, self._l2
            variables = model.trainable_variables
            kernels = [layer.kernel for layer in model.layers if hasattr(layer, "kernel")]
            signature = [tf.TensorSpec((None, self.image_size, self.image_size, 1), tf.float32),
                         tf.TensorSpec((None,), tf.float32), tf.TensorSpec((), tf.float32)]

            @tf.function(input_signature=signature)
            def step(x, y, rate):
                optimizer.learning_rate.assign(rate)
                with tf.GradientTape() as tape:
                    p = tf.clip_by_value(model(x, training=True)[:, 0], 1e-7, 1 - 1e-7)
                    loss = -tf.reduce_mean(y * tf.math.log(p) + (1 - y) * tf.math.log(1 - p))
                    penalty = tf.add_n([tf.reduce_sum(tf.square(k)) for k in kernels])
                    total = loss + l2 * penalty
                gradients = tape.gradient(total, variables)
                optimizer.apply_gradients(zip(gradients, variables))
                return loss

            self._train_step = step
        return self._train_step

    def predict(self, images: np.ndarray, batch_size: int = 2048) -> np.ndarray:
        """P(label 1) for ``images`` ``(n, S, S, 1)``; returns ``(n,)`` float32 (batched, no dropout)."""
        import tensorflow as tf

        images = self._check_images("images", images)
        if self._predict is None:
            model = self.model
            spec = tf.TensorSpec((None, self.image_size, self.image_size, 1), tf.float32)

            @tf.function(input_signature=[spec])
            def predict_batch(x):  # a named function, not a lambda: AutoGraph converts it silently
                return model(x, training=False)[:, 0]

            self._predict = predict_batch
        return np.concatenate([self._predict(tf.constant(images[i:i + batch_size])).numpy()
                               for i in range(0, len(images), batch_size)])

    def _check_images(self, name: str, images: np.ndarray) -> np.ndarray:
        images = np.asarray(images, dtype=np.float32)
        expected = (self.image_size, self.image_size, 1)
        if images.ndim != 4 or images.shape[1:] != expected:
            raise ValueError(f"{name} must have shape (n, {self.image_size}, {self.image_size}, 1), got {images.shape}")
        return images

    def fit(self, images: np.ndarray, labels: np.ndarray, *, steps: int, batch_size: int = 16,
            l2: float = 0.0, learning_rate: float | None = None, validation: tuple[np.ndarray, np.ndarray] | None = None,
            check_every: int = 10, seed: int = 0) -> dict[str, Any]:
        """Train for ``steps`` mini-batch steps (reshuffling every pass over the data).

        Args:
            images: ``(n, S, S, 1)`` float in [0, 1]; labels: ``(n,)`` 0/1.
            steps: number of gradient steps (>= 1); a fixed number of steps, not of epochs, gives
                every training-set size the same amount of optimisation.
            batch_size: images per step (smaller sets use all their images each step).
            l2: weight-decay strength: ``l2 * sum(kernel**2)`` is added to the loss.
            learning_rate: Adam's initial step size for this run (default: the one given at
                construction); it decays along a cosine to 0 over the ``steps``.
            validation: optional ``(images, labels)``: early stopping keeps the weights with the
                lowest validation loss, checked every ``check_every`` steps.
            seed: seed of the mini-batch shuffling.

        Returns:
            ``{"steps": steps run, "best_step": step whose weights were kept, "val_loss": [...]}``.
        """
        import tensorflow as tf

        images = self._check_images("images", images)
        labels = check_binary_labels("labels", labels).astype(np.float32)
        if len(images) != len(labels):
            raise ValueError(f"images has {len(images)} items but labels has {len(labels)}")
        steps = check_int("steps", steps, 1)
        batch_size = check_int("batch_size", batch_size, 1)
        check_every = check_int("check_every", check_every, 1)
        if isinstance(l2, bool) or not isinstance(l2, (int, float)) or l2 < 0:
            raise ValueError(f"l2 must be a number >= 0, got {l2!r}")
        self._l2.assign(float(l2))
        rate = (self.learning_rate if learning_rate is None
                else check_number("learning_rate", learning_rate, inclusive=False))
        # Cosine decay from `rate` towards 0 over the run: big steps first, then settle.
        rates = (0.5 * rate * (1 + np.cos(np.pi * np.arange(steps) / steps))).astype(np.float32)
        step = self._step()
        rng = np.random.default_rng(check_int("seed", seed, 0))
        batch = min(batch_size, len(images))
        order, position = rng.permutation(len(images)), 0
        best = {"loss": np.inf, "step": steps, "weights": None}
        history: list[float] = []
        for number in range(1, steps + 1):
            if position + batch > len(order):
                order, position = rng.permutation(len(images)), 0
            chosen = order[position:position + batch]
            position += batch
            step(tf.constant(images[chosen]), tf.constant(labels[chosen]), tf.constant(rates[number - 1]))
            if validation is not None and (number % check_every == 0 or number == steps):
                val_loss = self.loss(*validation)
                history.append(val_loss)
                if val_loss < best["loss"]:
                    best = {"loss": val_loss, "step": number, "weights": self.model.get_weights()}
        if best["weights"] is not None:
            self.model.set_weights(best["weights"])
        return {"steps": steps, "best_step": best["step"], "val_loss": history}

    def loss(self, images: np.ndarray, labels: np.ndarray) -> float:
        """Mean binary cross-entropy (nats per image) of the current model on ``(images, labels)``."""
        labels = check_binary_labels("labels", labels)
        p = np.clip(self.predict(images).astype(np.float64), 1e-7, 1 - 1e-7)
        return float(-np.mean(labels * np.log(p) + (1 - labels) * np.log(1 - p)))


#: The recurrent layers this module builds, by name.
RECURRENT_KINDS = ("simple_rnn", "lstm", "gru")


#: Every model kind :func:`sequence_classifier` and :func:`rhythm_classifier` accept.
MODEL_KINDS = (*RECURRENT_KINDS, "cnn")


def simple_rnn_numpy(x: np.ndarray, kernel: np.ndarray, recurrent_kernel: np.ndarray,
                     bias: np.ndarray, h0: np.ndarray | None = None) -> np.ndarray:
    """Run the Elman recurrence ``h_t = tanh(x_t W + h_{t-1} U + b)`` over every time step.

    Args:
        x: inputs (n, T, features).
        kernel: ``W``, (features, units).
        recurrent_kernel: ``U``, (units, units).
        bias: ``b``, (units,).
        h0: initial state (n, units); zeros if ``None`` (as in Keras).

    Returns:
        All hidden states, (n, T, units), float64. The last one, ``[:, -1]``, is what
        ``keras.layers.SimpleRNN(units)`` returns.
    """
    x = check_array("x", x, 3).astype(np.float64)
    kernel = check_array("kernel", kernel, 2).astype(np.float64)
    recurrent_kernel = check_array("recurrent_kernel", recurrent_kernel, 2).astype(np.float64)
    bias = check_array("bias", bias, 1).astype(np.float64)
    units = recurrent_kernel.shape[0]
    if kernel.shape != (x.shape[2], units) or recurrent_kernel.shape != (units, units) or bias.shape != (units,):
        raise ValueError(
            f"weight shapes do not fit: x {x.shape}, kernel {kernel.shape} (expected ({x.shape[2]}, units)), "
            f"recurrent_kernel {recurrent_kernel.shape} (expected (units, units)), bias {bias.shape}")
    h = np.zeros((x.shape[0], units)) if h0 is None else check_array("h0", h0, 2).astype(np.float64)
    states = np.empty((x.shape[0], x.shape[1], units))
    for step in range(x.shape[1]):
        h = np.tanh(x[:, step] @ kernel + h @ recurrent_kernel + bias)
        states[:, step] = h
    return states


def gate_bias_initializer(kind: str, value: float) -> Callable:
    """A Keras bias initializer that opens the memory gate of an LSTM or GRU.

    For ``"lstm"`` the forget-gate slice (the 2nd quarter of the bias) is set to ``value``; a
    forget gate of ``sigmoid(value)`` keeps that fraction of the cell state each step
    (``sigmoid(1) = 0.73``, Keras' default; ``sigmoid(3) = 0.95``). For ``"gru"`` the update-gate
    slice (the 1st third, ``z``; Keras keeps ``z * h_{t-1}``) is set to ``value``. Everything else
    is zero. Use with ``unit_forget_bias=False`` for the LSTM.
    """
    if kind not in ("lstm", "gru"):
        raise ValueError(f"kind must be 'lstm' or 'gru', got {kind!r}")
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"value must be a number, got {type(value).__name__}")
    gates = 4 if kind == "lstm" else 3
    slot = 1 if kind == "lstm" else 0

    def initializer(shape, dtype=None):
        import keras

        size = int(shape[-1])
        units = size // gates
        bias = np.zeros(shape, dtype="float32")
        bias[..., slot * units:(slot + 1) * units] = float(value)
        return keras.ops.convert_to_tensor(bias, dtype=dtype or "float32")

    return initializer


def recurrent_layer(kind: str, units: int, *, gate_bias: float | None = None, **kwargs: Any):
    """A Keras ``SimpleRNN``, ``LSTM`` or ``GRU`` layer.

    Args:
        kind: one of :data:`RECURRENT_KINDS`.
        units: hidden units (>= 1).
        gate_bias: ``None`` keeps Keras' defaults (LSTM forget bias 1, GRU biases 0); a number
            sets the LSTM forget-gate or GRU update-gate bias (see :func:`gate_bias_initializer`).
        **kwargs: passed to the layer (``recurrent_initializer``, ``activation``, ...).
    """
    import keras

    if kind not in RECURRENT_KINDS:
        raise ValueError(f"kind must be one of {RECURRENT_KINDS}, got {kind!r}")
    check_int("units", units)
    if gate_bias is not None:
        if kind == "simple_rnn":
            raise ValueError("gate_bias applies to 'lstm' and 'gru' only: a SimpleRNN has no gates")
        kwargs["bias_initializer"] = gate_bias_initializer(kind, gate_bias)
        if kind == "lstm":
            kwargs["unit_forget_bias"] = False
    layer_class = {"simple_rnn": keras.layers.SimpleRNN, "lstm": keras.layers.LSTM, "gru": keras.layers.GRU}[kind]
    return layer_class(int(units), **kwargs)


def sequence_classifier(kind: str, length: int, *, units: int = 32, n_features: int = 1,
                        n_classes: int = 2, gate_bias: float | None = None,
                        learning_rate: float = 3e-3, optimizer: str = "adam", clipnorm: float | None = None,
                        **layer_kwargs: Any):
    """A compiled ``Input -> recurrent layer -> Dense`` classifier for sequences (n, length, n_features).

    Two classes get one sigmoid output and binary cross-entropy (labels 0/1); more classes get a
    softmax and sparse categorical cross-entropy (integer labels). Accuracy metric.

    Args:
        kind, units, gate_bias, **layer_kwargs: the recurrent layer (see :func:`recurrent_layer`).
        length, n_features: shape of one sequence.
        learning_rate, clipnorm: of the optimiser; ``clipnorm`` rescales each weight tensor's
            gradient to at most that norm (``None``: no clipping).
        optimizer: ``"adam"`` or ``"sgd"`` (plain gradient descent: every step is the gradient
            times the learning rate, so a huge gradient makes a huge step).
    """
    import keras

    check_int("length", length)
    check_int("n_classes", n_classes, 2)
    if optimizer not in ("adam", "sgd"):
        raise ValueError(f"optimizer must be 'adam' or 'sgd', got {optimizer!r}")
    binary = n_classes == 2
    optimizer_class = keras.optimizers.Adam if optimizer == "adam" else keras.optimizers.SGD
    model = keras.Sequential([
        keras.Input((int(length), int(n_features))),
        recurrent_layer(kind, units, gate_bias=gate_bias, **layer_kwargs),
        keras.layers.Dense(1 if binary else int(n_classes), activation="sigmoid" if binary else "softmax"),
    ], name=f"{kind}_classifier")
    model.compile(optimizer=optimizer_class(learning_rate, clipnorm=clipnorm),
                  loss="binary_crossentropy" if binary else "sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def rhythm_classifier(kind: str, n_samples: int, *, frame: int = 10, units: int = 32,
                      n_classes: int = 3, learning_rate: float = 5e-3):
    """A compiled ECG rhythm classifier taking raw windows (n, n_samples, 1) in mV.

    - ``"lstm"`` / ``"gru"``: a fixed (not trained) slope filter ``x_t - x_{t-1}`` (removes the
      slow baseline wander and sharpens P waves and QRS complexes), then the slopes are read in
      frames of ``frame`` samples (0.2 s at 50 Hz for ``frame=10``), so the recurrent layer takes
      ``n_samples // frame`` steps of ``frame`` features instead of ``n_samples`` single samples;
      the LSTM's forget gate bias is opened to 3.
    - ``"cnn"``: three small 1-D convolutions with max pooling, global max pooling.

    All end in a softmax over ``n_classes``; Adam, sparse categorical cross-entropy, accuracy.
    Input gradients flow back to every raw sample, so attribution methods see the raw signal.
    """
    import keras

    if kind not in ("lstm", "gru", "cnn"):
        raise ValueError(f"kind must be 'lstm', 'gru' or 'cnn', got {kind!r}")
    for name, value in (("n_samples", n_samples), ("frame", frame), ("units", units)):
        check_int(name, value)
    if kind != "cnn" and n_samples % frame:
        raise ValueError(f"n_samples ({n_samples}) must be a multiple of frame ({frame})")
    inputs = keras.Input((int(n_samples), 1), name="ecg_mV")
    if kind == "cnn":
        h = keras.layers.Conv1D(16, 7, activation="relu")(inputs)
        h = keras.layers.MaxPooling1D(2)(h)
        h = keras.layers.Conv1D(32, 5, activation="relu")(h)
        h = keras.layers.MaxPooling1D(2)(h)
        h = keras.layers.Conv1D(32, 5, activation="relu")(h)
        h = keras.layers.GlobalMaxPooling1D()(h)
    else:
        slope = keras.layers.Conv1D(1, 2, use_bias=False, trainable=False, name="slope_filter",
                                    kernel_initializer=keras.initializers.Constant([[[-5.0]], [[5.0]]]))(inputs)
        slope = keras.layers.ZeroPadding1D((1, 0))(slope)  # keep n_samples steps; slope 0 at t=0
        frames = keras.layers.Reshape((int(n_samples) // int(frame), int(frame)), name="frames")(slope)
        h = recurrent_layer(kind, units, gate_bias=3.0 if kind == "lstm" else None)(frames)
    outputs = keras.layers.Dense(int(n_classes), activation="softmax")(h)
    model = keras.Model(inputs, outputs, name=f"rhythm_{kind}")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
