"""The many-library benchmark: retrieval on libraries nothing in Apiary was tuned on.

    python -m benchmarks.unseen                      # the test libraries of suite.json
    python -m benchmarks.unseen --split dev          # the libraries the weights are fitted on
"""
