"""Model builders, one module per family, and the one way to run a model on a batch.

- ``convolutional``: CNNs for images (LeNet-, VGG- and ResNet-style, a deep plain stack, a
  global-average-pooling CNN, and a small CNN that retrains cheaply), sharing one output head;
- ``recurrent``: an RNN by hand in NumPy, gate-bias initialisers, Keras sequence classifiers;
- ``inference``: batched predictions and the scores that explanations differentiate.

A builder lives here when a notebook teaches it and a later notebook, or the command line, reuses
it; the notebook that teaches it shows the same code in a cell, and a test proves they agree.
"""
