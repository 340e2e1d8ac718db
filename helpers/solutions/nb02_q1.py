"""Worked solution of notebook 02, exercise 1 (q1); it sets `answer`."""
after_convolution = (28 - 5) // 1 + 1      # 24
answer = after_convolution // 2            # 12
