"""Worked solution of notebook 06, exercise 2 (q2); it sets `answer`."""
def ppv(sensitivity, false_positive_rate, prevalence):
    true_positives = sensitivity * prevalence
    false_positives = false_positive_rate * (1 - prevalence)
    return true_positives / (true_positives + false_positives)

answer = (ppv(0.8, 0.1, 0.1), ppv(0.8, 0.1, 0.3))
