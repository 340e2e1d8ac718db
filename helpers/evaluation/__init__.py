"""Evaluating models and their explanations, one module per question.

- ``metrics``: operating points of a binary classifier (sensitivity, specificity, thresholds,
  intervals) and a classifier's test report;
- ``calibration``: do predicted risks match observed rates?
- ``subgroups``: the same metrics per patient group, and the gaps between groups;
- ``learning_curves``: how test performance grows with the training-set size;
- ``attribution``: what an explanation says (SHAP summaries, saliency, Grad-CAM, integrated
  gradients) and how well it agrees with a known truth (pointing game, attribution share);
- ``model_card``: a model card rendered by code from the measured numbers.
"""
