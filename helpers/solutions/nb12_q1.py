"""Worked solution of notebook 12, exercise 1 (q1); it sets `answer`."""
n, threshold = 1000, 0.25
true_positives, false_positives = 150, 300 - 150        # the model flags 300, of whom 150 deteriorate
odds = threshold / (1 - threshold)                       # each false alarm costs 1/3 of a patient found
net_benefit_model = true_positives / n - false_positives / n * odds
net_benefit_treat_all = 200 / n - 800 / n * odds         # everyone flagged: 200 cases, 800 false alarms
answer = (net_benefit_model, net_benefit_treat_all)
