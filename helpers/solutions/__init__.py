"""Worked solutions of the exercises, one file per exercise (``nbNN_qK.py``, each sets ``answer``).

This folder is the only place the solutions live: a student release of the course leaves it out,
and ``q1.solution()`` then says that this copy has none, while ``check()`` and ``hint()`` keep
working. ``tests/test_exercises.py`` runs every file here against its checker.
"""
