"""A cross-encoder that reranks the retriever's best APIs: it reads the comment (with its code
around it) and one API's text together, which a dual encoder cannot, at the cost of one model pass
per candidate. Trained by ``apiary-train train crossencoder`` on the development libraries' mined
problems; off unless the ``apiReranker`` setting names its directory.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from apiary.docs.docstrings import plain_text, summary_paragraph
from apiary.docs.entry import ApiEntry, ApiKind
from apiary.retrieval.query import ApiQuery
from apiary.words import humanize

log = logging.getLogger(__name__)

#: the comment and an API's summary fit well within this many tokens; longer only costs time
MAX_LENGTH = 96


class ApiReranker(Protocol):
    def scores(self, query: str, entries: Sequence[ApiEntry]) -> np.ndarray:
        """One relevance score (a logit) per entry, for the query text."""
        ...


class RerankerError(RuntimeError):
    """The reranker could not be loaded; the message says why."""


def rerank_query(query: ApiQuery) -> str:
    """What the cross-encoder reads of the query: the intent with its code around it."""
    return query.context_text or query.intent


def rerank_text(entry: ApiEntry) -> str:
    """What it reads of an API: where it lives, its name and parameters as words, its summary."""
    if entry.kind == ApiKind.MODULE:
        return f"{entry.import_path} module: {plain_text(summary_paragraph(entry.doc)) or entry.description}"
    owner = f"{entry.owner_name} " if entry.owner_name else ""
    params = ", ".join(humanize(p.name) for p in entry.params)
    summary = plain_text(summary_paragraph(entry.doc)) or entry.description
    return f"{owner}{humanize(entry.name)}({params}): {summary}"[:600]


def load_cross_encoder(model_dir: str, device: str, what: str, error: type[Exception]) -> tuple[Any, Any, str]:
    """The tokenizer, model and device of a sequence-classification model with one logit from a local
    directory (safetensors only, transformers alone); ``error`` says why it cannot be loaded."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        import torch
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        tokenizer = AutoTokenizer.from_pretrained(model_dir, local_files_only=True)
        model = AutoModelForSequenceClassification.from_pretrained(model_dir, local_files_only=True,
                                                                   use_safetensors=True)
    except Exception as failure:  # missing files, not a classifier, pickled weights: the user's to fix
        raise error(f"cannot load {what} at {model_dir}: {failure}") from failure
    if model.config.num_labels != 1:
        raise error(f"{what} at {model_dir} has {model.config.num_labels} labels, not one score")
    where = "cuda" if device in ("auto", "cuda") and torch.cuda.is_available() else "cpu"
    return tokenizer, model.to(where).eval(), where


class CrossEncoderReranker:
    """A sequence-classification model with one logit, from a local directory (safetensors only),
    int8 on CPU like the encoder."""

    def __init__(self, model_dir: str, device: str = "cpu", quantize: bool = True):
        if not Path(model_dir).is_dir():
            raise RerankerError(f"cannot load the API reranker at {model_dir}: no such directory")
        self._tokenizer, model, self._device = load_cross_encoder(model_dir, device, "the API reranker", RerankerError)
        if quantize and self._device == "cpu":
            from apiary.retrieval.encoder import quantize_linear_layers

            quantize_linear_layers(model)
        self._model = model
        self._lock = threading.Lock()  # torch modules are not safe to call from two threads at once

    def scores(self, query: str, entries: Sequence[ApiEntry]) -> np.ndarray:
        if not entries:
            return np.zeros(0, dtype=np.float32)
        import torch

        batch = self._tokenizer([query] * len(entries), [rerank_text(e) for e in entries], padding=True,
                                truncation=True, max_length=MAX_LENGTH, return_tensors="pt").to(self._device)
        with self._lock, torch.inference_mode():
            logits = self._model(**batch).logits[:, 0]
        return logits.float().cpu().numpy()
