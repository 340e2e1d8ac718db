"""Convolutional networks for images: LeNet-style, VGG-style, a plain deep stack, a residual network, a global-average-pooling CNN for explanations, and a small CNN that retrains cheaply. The Keras builders share one output head."""
from __future__ import annotations

from typing import Any

import numpy as np

from helpers.validation import check_binary_labels, check_int, check_number

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
        from helpers.models.inference import run_in_batches

        return run_in_batches(lambda batch: self._predict(tf.constant(batch)), images, batch_size)

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
