"""Worked solution of notebook 03, exercise 1 (q1); it sets `answer`."""
units, features = 32, 1
answer = 4 * (features * units + units * units + units)
# check: import keras; keras.layers.LSTM(32).build((None, 100, 1)) then .count_params()
