"""Accuracy, F1 and ROC-AUC of a binary classifier's scores (scikit-learn's definitions)."""

from __future__ import annotations

from collections.abc import Sequence

from sklearn.metrics import accuracy_score, f1_score, roc_auc_score


def classification_metrics(labels: Sequence[int], scores: Sequence[float], threshold: float = 0.5) -> dict[str, float]:
    """``scores`` are probabilities of the positive class; a score >= ``threshold`` predicts 1.
    ROC-AUC is None when the labels have a single class (it is undefined then)."""
    if len(labels) != len(scores):
        raise ValueError(f"{len(labels)} labels but {len(scores)} scores")
    if not labels:
        raise ValueError("no examples to score")
    if set(labels) - {0, 1}:
        raise ValueError("labels must be 0 or 1")
    predicted = [int(s >= threshold) for s in scores]
    auc = roc_auc_score(labels, scores) if len(set(labels)) == 2 else None
    return {
        "accuracy": float(accuracy_score(labels, predicted)),
        "f1": float(f1_score(labels, predicted, zero_division=0)),
        "roc_auc": None if auc is None else float(auc),
        "examples": len(labels),
        "positive_rate": sum(labels) / len(labels),
    }
