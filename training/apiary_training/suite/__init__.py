"""The many-library suite: real libraries from PyPI treated as private, problems mined from the code
that calls them, and a split by library (dev libraries are tuned and trained on, test libraries are
only reported). Used by ``python -m benchmarks.unseen`` and ``apiary-train train ranker``."""
