"""The suite's data, one module per modality or source.

- ``files``: the files in ``datasets/`` (checksums, verified loading, regeneration);
- ``records``: synthetic electronic health records (EHR) and their model inputs;
- ``faults``: documented damage to records, and its ground-truth log;
- ``imaging``: synthetic scans with known lesions, and image utilities;
- ``medmnist``: MedMNIST-format ``.npz`` files (real images, downloaded only on request);
- ``signals``: synthetic ECG strips and sequence tasks;
- ``clinical_notes``: synthetic emergency-department notes;
- ``cohorts``: synthetic triage and care-programme cohorts with a group-dependent truth;
- ``tumours``: scikit-learn's real breast cancer measurements;
- ``registers``: synthetic people with identities (a patient register, a voter roll) for linkage attacks;
- ``contextual_notes``: synthetic notes whose label depends on context (negation, uncertainty, family,
  history), with held-out phrasings and planted identifiers;
- ``sequences``: synthetic DNA with binding sites sampled from published JASPAR matrices, and one-hot encoding;
- ``survival_cohorts``: real survival cohorts shipped by scikit-survival (GBSG2, WHAS500), encoded and split;
- ``multimodal``: synthetic patients with a record, an ECG-like window and a note from one hidden state.
"""
