"""Worked solution of notebook 02, exercise 4 (q4); it sets `answer`."""
from keras import layers


def residual_block(x, width):
    shortcut = x
    if x.shape[-1] != width:                       # widths differ: project x to `width` channels
        shortcut = layers.Conv2D(width, 1)(x)      # a 1 x 1 convolution mixes channels, pixel by pixel
    y = layers.Activation("relu")(x)
    y = layers.Conv2D(width, 3, padding="same")(y)
    y = layers.Activation("relu")(y)
    y = layers.Conv2D(width, 3, padding="same")(y)
    return layers.Add()([shortcut, y])             # nothing after the sum (pre-activation form)


answer = residual_block
