"""Convolutional networks for images, all built from one input stem and one output head.

The stem (:func:`input_layers`) is ``keras.Input`` followed, when asked, by a standardising layer;
the head (:func:`head_layers`) is an optional global pooling, an optional dropout and the output
unit(s): one sigmoid unit for two classes, a softmax otherwise. Between them sit the bodies:
LeNet-style (:func:`build_lenet`), VGG-style blocks (:func:`vgg_block`, :func:`build_vgg_small`), a
plain or residual deep stack (:func:`conv_pair`, :func:`build_deep_stack`), a small ResNet with
batch normalisation (:func:`build_resnet_small`), a global-average-pooling CNN for explanations
(:func:`build_gap_cnn`) and a small CNN that retrains cheaply many times (:class:`SmallCNN`).
Notebook 02 writes LeNet, the VGG block and the residual pair out in its cells;
``tests/test_convolutional.py`` checks that those cells and these builders make the same networks.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from helpers.validation import check_binary_labels, check_int, check_number

#: Pooling choices accepted by :func:`build_lenet`.
POOLING_CHOICES = ("max", "average", "strided", "none")

#: Global pooling choices of :func:`head_layers` (``None``: the input is already a vector).
GLOBAL_POOLING_CHOICES = (None, "average", "max")


def check_input_shape(input_shape: tuple[int, ...], min_side: int = 1) -> tuple[int, int, int]:
    """``input_shape`` as ``(height, width, channels)`` ints; a ``ValueError`` if it is not one.

    ``min_side``: the smallest height and width the network can take (its poolings must fit).
    """
    try:
        shape = tuple(int(s) for s in input_shape)
    except (TypeError, ValueError):
        raise ValueError(f"input_shape must be (height, width, channels), got {input_shape!r}") from None
    if len(shape) != 3 or min(shape) < 1:
        raise ValueError(f"input_shape must be (height, width, channels), got {input_shape}")
    if min(shape[:2]) < min_side:
        raise ValueError(f"images must be at least {min_side} x {min_side} pixels, got {shape[:2]}")
    return shape  # type: ignore[return-value]


def input_layers(input_shape: tuple[int, int, int], *, mean: float | None = None,
                 std: float | None = None, per_image: bool = False, min_side: int = 1) -> list[Any]:
    """The stem every builder starts with: ``[keras.Input named "image", standardise layer?]``.

    Args:
        input_shape: ``(height, width, channels)``; checked by :func:`check_input_shape`.
        mean, std: if either is given, a ``Normalization`` layer named ``standardise`` computes
            ``(x - mean) / std`` with these fixed numbers (e.g. the training images' mean and sd).
        per_image: instead, standardise *each image* to mean 0, sd 1 (a ``LayerNormalization``
            without scale or shift, named ``standardise``): removes scan-to-scan brightness.
        min_side: smallest height and width accepted.

    Returns:
        A list of the input tensor and 0 or 1 layers; use it as the start of a ``keras.Sequential``
        or apply the layers in turn to the input (see :func:`stem`).
    """
    import keras

    shape = check_input_shape(input_shape, min_side)
    layers: list[Any] = [keras.Input(shape, name="image")]
    if per_image and (mean is not None or std is not None):
        raise ValueError("give either mean/std (one standardisation for all images) or per_image=True, not both")
    if per_image:
        layers.append(keras.layers.LayerNormalization(axis=[1, 2, 3], center=False, scale=False,
                                                      name="standardise"))
    elif mean is not None or std is not None:
        layers.append(keras.layers.Normalization(mean=float(mean or 0.0), variance=float(std or 1.0) ** 2,
                                                 name="standardise"))
    return layers


def output_layer(n_classes: int, name: str = "output") -> Any:
    """One sigmoid unit for two classes (P(class 1)); a softmax over the classes otherwise."""
    import keras

    n_classes = check_int("n_classes", n_classes, 2)
    if n_classes == 2:
        return keras.layers.Dense(1, activation="sigmoid", name=name)
    return keras.layers.Dense(n_classes, activation="softmax", name=name)


def head_layers(n_classes: int, *, global_pool: str | None = "average", dropout: float = 0.0,
                dropout_name: str = "dropout", dropout_seed: int | None = None) -> list[Any]:
    """The head every builder ends with: ``[global pooling?, Dropout?, output layer]``.

    Args:
        n_classes: 2 gives one sigmoid output (probability of class 1); more gives a softmax.
        global_pool: ``"average"`` (the mean of each feature map, layer ``global_pool``), ``"max"``
            (each map's strongest response anywhere) or ``None`` (the input is already a vector).
        dropout: rate of a dropout layer before the output (0: none). During training it sets
            that share of its inputs to zero at random (and scales up the rest); at prediction it
            does nothing.
        dropout_name, dropout_seed: the dropout layer's name and seed.
    """
    import keras

    if global_pool not in GLOBAL_POOLING_CHOICES:
        raise ValueError(f"global_pool must be one of {GLOBAL_POOLING_CHOICES}, got {global_pool!r}")
    if isinstance(dropout, bool) or not isinstance(dropout, (int, float)) or not 0 <= dropout < 1:
        raise ValueError(f"dropout must be a number in [0, 1), got {dropout!r}")
    layers: list[Any] = []
    if global_pool == "average":
        layers.append(keras.layers.GlobalAveragePooling2D(name="global_pool"))
    elif global_pool == "max":
        layers.append(keras.layers.GlobalMaxPooling2D(name="global_pool"))
    if dropout:
        layers.append(keras.layers.Dropout(float(dropout), seed=dropout_seed, name=dropout_name))
    layers.append(output_layer(n_classes))
    return layers


def apply_layers(x: Any, layers: list[Any]) -> Any:
    """``layers[-1](...layers[1](layers[0](x)))``: run a tensor through a list of layers."""
    for layer in layers:
        x = layer(x)
    return x


def stem(input_shape: tuple[int, int, int], **options: Any) -> tuple[Any, Any]:
    """``(inputs, x)``: the input tensor and the stem's output (see :func:`input_layers`)."""
    inputs, *layers = input_layers(input_shape, **options)
    return inputs, apply_layers(inputs, layers)


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
        ``(batch, n_classes)``. Layers ``conv1``, ``relu1``, ``pool1``, ``conv2``, ... ``flatten``,
        ``dense``, ``output``. Notebook 02's ``lenet`` cell is this network with the defaults.
    """
    import keras

    n_classes = check_int("n_classes", n_classes, 2)
    if pooling not in POOLING_CHOICES:
        raise ValueError(f"pooling must be one of {POOLING_CHOICES}, got {pooling!r}")
    inputs, x = stem(input_shape, mean=mean, std=std)
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
    outputs = apply_layers(x, head_layers(n_classes, global_pool=None, dropout=dropout, dropout_name="dropout2"))
    return keras.Model(inputs, outputs, name=name or f"lenet_{pooling}")


def vgg_block(x: Any, width: int, block: int) -> Any:
    """VGG's building block: two 3 x 3 convolutions with ReLU (``block{b}_conv1``, ``_conv2``), then 2 x 2 max pooling."""
    import keras

    for j in (1, 2):
        x = keras.layers.Conv2D(width, 3, padding="same", activation="relu", name=f"block{block}_conv{j}")(x)
    return keras.layers.MaxPooling2D(2, name=f"block{block}_pool")(x)


def build_vgg_small(input_shape: tuple[int, int, int], n_classes: int = 2,
                    widths: tuple[int, ...] = (16, 32, 64)) -> Any:
    """A small VGG-style CNN: one :func:`vgg_block` per width, global average pooling, output."""
    import keras

    n_classes = check_int("n_classes", n_classes, 2)
    inputs, x = stem(input_shape)
    for block, width in enumerate(widths, start=1):
        x = vgg_block(x, width, block)
    return keras.Model(inputs, apply_layers(x, head_layers(n_classes)), name="vgg_small")


def conv_pair(x: Any, width: int, name: str, *, residual: bool) -> Any:
    """Two 3 x 3 convolutions ``F(x) = conv(relu(conv(relu(x))))``; passes on ``x + F(x)`` if ``residual``.

    Layers ``{name}_relu_a``, ``{name}_conv_a``, ``{name}_relu_b``, ``{name}_conv_b`` and the output
    ``{name}_out`` (an ``Add`` for the residual pair, an ``Identity`` for the plain one). ``x`` must
    already have ``width`` channels for the sum.
    """
    import keras

    y = keras.layers.Activation("relu", name=f"{name}_relu_a")(x)
    y = keras.layers.Conv2D(width, 3, padding="same", name=f"{name}_conv_a")(y)
    y = keras.layers.Activation("relu", name=f"{name}_relu_b")(y)
    y = keras.layers.Conv2D(width, 3, padding="same", name=f"{name}_conv_b")(y)
    if residual:
        return keras.layers.Add(name=f"{name}_out")([x, y])
    return keras.layers.Identity(name=f"{name}_out")(y)


def build_deep_stack(input_shape: tuple[int, int, int], n_classes: int = 2, *, depth: int = 20,
                     width: int = 16, residual: bool = False, name: str | None = None) -> Any:
    """A deep stack of 3 x 3 convolutions, with or without residual (skip) connections.

    A stem convolution and two 2 x 2 max poolings bring the image to a quarter of its side; then
    ``depth`` convolutions follow, in pairs (:func:`conv_pair`): ``F(x) = conv(relu(conv(relu(x))))``
    (Keras' default Glorot initialisation, no normalisation). The plain stack passes on ``F(x)``; the
    residual one passes on ``x + F(x)``, whose identity path carries the signal and the gradient past
    every block (ResNet's idea, in its "pre-activation" form). Both have exactly the same parameters.
    Each pair's output is the layer ``block{i}_out``; then global average pooling and the output layer.
    """
    import keras

    n_classes = check_int("n_classes", n_classes, 2)
    if isinstance(depth, bool) or not isinstance(depth, (int, np.integer)) or depth < 2 or depth % 2:
        raise ValueError(f"depth must be an even int >= 2, got {depth!r}")
    inputs, x = stem(input_shape, min_side=4)
    x = keras.layers.Conv2D(width, 3, padding="same", name="stem")(x)
    x = keras.layers.MaxPooling2D(2, name="stem_pool1")(x)
    x = keras.layers.MaxPooling2D(2, name="stem_pool2")(x)
    for block in range(depth // 2):
        x = conv_pair(x, width, f"block{block}", residual=residual)
    default = f"{'residual' if residual else 'plain'}_{depth}"
    return keras.Model(inputs, apply_layers(x, head_layers(n_classes)), name=name or default)


def build_resnet_small(input_shape: tuple[int, int, int], n_classes: int = 2,
                       widths: tuple[int, ...] = (16, 32, 64)) -> Any:
    """A small ResNet: a stem, then per width one residual block (two 3 x 3 conv + BN) and a downsampling.

    Each block is ResNet's original form: ``relu(skip + BN(conv(relu(BN(conv(x))))))``, where batch
    normalisation (BN) rescales each channel to mean 0 and sd 1 over the batch, then applies a
    learned scale and shift; the skip is ``x`` itself, or a 1 x 1 convolution of ``x`` when the
    width changes.
    """
    import keras

    n_classes = check_int("n_classes", n_classes, 2)
    inputs, x = stem(input_shape)
    x = keras.layers.Conv2D(widths[0], 3, padding="same", use_bias=False, name="stem")(x)
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
    return keras.Model(inputs, apply_layers(x, head_layers(n_classes)), name="resnet_small")


#: Name of the layer whose feature maps :func:`build_gap_cnn` exposes for Grad-CAM.
GAP_CNN_LAST_CONV = "relu3"


def build_gap_cnn(input_shape: tuple[int, int, int], n_classes: int = 2, *,
                  filters: tuple[int, int, int] = (16, 32, 32), kernel_sizes: tuple[int, int, int] = (5, 3, 3),
                  mean: float | None = None, std: float | None = None, bn_momentum: float = 0.9,
                  name: str = "gap_cnn") -> Any:
    """A small CNN with a global-average-pooling head instead of Flatten + Dense.

    Three (convolution -> batch norm -> ReLU) stages, the first two followed by 2 x 2 max pooling,
    then the spatial average of each feature map and the output unit. Averaging makes the score a
    sum over positions of the last feature maps, which is what class activation maps (CAM) need;
    Grad-CAM works with any head, and on this one it equals CAM. The signature matches the
    ``build`` argument of :func:`helpers.training.train_image_classifier`.

    Args:
        input_shape: ``(height, width, channels)``, e.g. ``(32, 32, 1)``; at least 8 x 8.
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

    n_classes = check_int("n_classes", n_classes, 2)
    if len(filters) != 3 or len(kernel_sizes) != 3:
        raise ValueError("filters and kernel_sizes must each give three values (one per stage)")
    inputs, x = stem(input_shape, mean=mean, std=std, min_side=8)
    for stage, (width, kernel) in enumerate(zip(filters, kernel_sizes), start=1):
        x = keras.layers.Conv2D(int(width), int(kernel), padding="same", use_bias=False, name=f"conv{stage}")(x)
        x = keras.layers.BatchNormalization(momentum=bn_momentum, name=f"bn{stage}")(x)
        x = keras.layers.Activation("relu", name=f"relu{stage}")(x)
        if stage < 3:
            x = keras.layers.MaxPooling2D(2, name=f"pool{stage}")(x)
    return keras.Model(inputs, apply_layers(x, head_layers(n_classes)), name=name)


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
        # The shared stem: each image to mean 0, standard deviation 1 (removes scan-to-scan brightness).
        layers = input_layers((self.image_size, self.image_size, 1), per_image=True)
        for stage, width in enumerate(self.filters, start=1):
            layers += [keras.layers.Conv2D(width, 3, padding="same", use_bias=False, name=f"conv{stage}"),
                       keras.layers.BatchNormalization(momentum=0.9, name=f"bn{stage}"),
                       keras.layers.Activation("relu", name=f"relu{stage}"),
                       keras.layers.MaxPooling2D(2, name=f"pool{stage}")]
        # The shared head, with the strongest response of each filter anywhere: "is there a spike?"
        layers += head_layers(2, global_pool="max", dropout=self.dropout, dropout_seed=0)
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
        """The traced training loop ``run(batches, labels, rates) -> mean loss`` (built once).

        ``batches`` ``(k, batch, S, S, 1)``, ``labels`` ``(k, batch)``, ``rates`` ``(k,)``: one Adam
        step per mini-batch, all ``k`` inside one graph call (a Python call per step would cost
        more than the step itself for a network this small).
        """
        import tensorflow as tf

        if self._train_step is None:
            model, optimizer, l2 = self.model, self._optimizer, self._l2
            variables = model.trainable_variables
            kernels = [layer.kernel for layer in model.layers if hasattr(layer, "kernel")]
            size = self.image_size
            signature = [tf.TensorSpec((None, None, size, size, 1), tf.float32),
                         tf.TensorSpec((None, None), tf.float32), tf.TensorSpec((None,), tf.float32)]

            @tf.function(input_signature=signature)
            def run(batches, labels, rates):
                total = tf.constant(0.0)
                for k in tf.range(tf.shape(batches)[0]):
                    optimizer.learning_rate.assign(rates[k])
                    with tf.GradientTape() as tape:
                        p = tf.clip_by_value(model(batches[k], training=True)[:, 0], 1e-7, 1 - 1e-7)
                        y = labels[k]
                        loss = -tf.reduce_mean(y * tf.math.log(p) + (1 - y) * tf.math.log(1 - p))
                        penalty = tf.add_n([tf.reduce_sum(tf.square(w)) for w in kernels])
                        objective = loss + l2 * penalty
                    gradients = tape.gradient(objective, variables)
                    optimizer.apply_gradients(zip(gradients, variables))
                    total += loss
                return total / tf.cast(tf.shape(batches)[0], tf.float32)

            self._train_step = run
        return self._train_step

    def kernel_norm(self) -> float:
        """Euclidean norm of all convolution and dense kernels: ``sqrt(sum(kernel**2))``, the size that L2 shrinks."""
        kernels = [layer.kernel for layer in self.model.layers if hasattr(layer, "kernel")]
        return float(np.sqrt(sum(float(np.sum(np.square(k.numpy()))) for k in kernels)))

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
        run = self._step()
        rng = np.random.default_rng(check_int("seed", seed, 0))
        batch = min(batch_size, len(images))
        order, position, chosen = rng.permutation(len(images)), 0, []
        for _ in range(steps):  # the mini-batches of the whole run, reshuffled every pass
            if position + batch > len(order):
                order, position = rng.permutation(len(images)), 0
            chosen.append(order[position:position + batch])
            position += batch
        chosen = np.stack(chosen)
        best = {"loss": np.inf, "step": steps, "weights": None}
        history: list[float] = []
        chunk = check_every if validation is not None else 256  # steps per graph call
        for start in range(0, steps, chunk):
            part = chosen[start:start + chunk]
            run(tf.constant(images[part]), tf.constant(labels[part]), tf.constant(rates[start:start + len(part)]))
            number = start + len(part)
            if validation is not None:
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
