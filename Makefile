# Convenience wrappers around tasks.py, which needs nothing but Python 3.11+.
PYTHON ?= python3
.PHONY: lab test benchmark datasets clean
lab:
	$(PYTHON) tasks.py lab
test:
	$(PYTHON) tasks.py test
benchmark:
	$(PYTHON) tasks.py benchmark
datasets:
	$(PYTHON) tasks.py datasets
clean:
	rm -rf .venv .pytest_cache build *.egg-info
