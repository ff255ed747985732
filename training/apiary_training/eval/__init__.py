"""Evaluation: pass@k of generated code, each program run in a sandboxed process (``passk``,
``sandbox``); BLEU-4 of API sequences (``bleu``); recall@k/MRR (``retrieval``); accuracy, F1 and
ROC-AUC of the intent-snippet classifier (``classification``)."""

from apiary_training.eval.passk import EvalReport, build_program, estimate_pass_at_k, evaluate_samples
from apiary_training.eval.sandbox import RunResult, run_program

__all__ = [
    "EvalReport", "RunResult", "build_program", "estimate_pass_at_k", "evaluate_samples", "run_program",
]
