"""A trained API-sequence model as a suggestion source.

`SequenceModel` is what the recommender needs; `Seq2SeqSequenceModel` loads the directory that
``apiary-train train seq2seq`` saves: a transformers ``EncoderDecoderModel`` in safetensors, the
description tokenizer beside it and the API tokenizer in ``decoder_tokenizer/``; the decoder writes
API names separated by spaces.
"""

from __future__ import annotations

import math
import os
import threading
from pathlib import Path
from typing import Protocol

DECODER_TOKENIZER = "decoder_tokenizer"


def never_unknown(tokenizer) -> dict:
    """Generation options that forbid the unknown token: a rare API the vocabulary lacks is better
    guessed as a known one than left out (the decoded sequence would be empty)."""
    unk = tokenizer.unk_token_id
    return {"bad_words_ids": [[unk]]} if unk is not None else {}


class SequenceModel(Protocol):
    def predict(self, query: str, k: int) -> list[tuple[tuple[str, ...], float]]:
        """Up to ``k`` API sequences for ``query``, best first, each with a score in [0, 1]."""
        ...


class ModelError(RuntimeError):
    """The model directory cannot be loaded; the message says why."""


class Seq2SeqSequenceModel:
    def __init__(self, model_dir: Path, device: str = "cpu", max_length: int = 48):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        try:
            from transformers import AutoTokenizer, EncoderDecoderModel

            self._model = EncoderDecoderModel.from_pretrained(str(model_dir), use_safetensors=True).to(device).eval()
            self._source = AutoTokenizer.from_pretrained(str(model_dir))
            self._target = AutoTokenizer.from_pretrained(str(Path(model_dir) / DECODER_TOKENIZER))
        except Exception as error:  # missing files, wrong format, no safetensors: all the user's to fix
            raise ModelError(f"cannot load the API-sequence model at {model_dir}: {error}") from error
        self._device = device
        self._max_length = max_length
        self._lock = threading.Lock()

    def predict(self, query: str, k: int) -> list[tuple[tuple[str, ...], float]]:
        import torch

        config = self._model.config
        inputs = self._source([query], return_tensors="pt", truncation=True, max_length=self._max_length).to(
            self._device
        )
        beams = max(k, 1)
        with self._lock, torch.no_grad():
            output = self._model.generate(
                input_ids=inputs["input_ids"], attention_mask=inputs["attention_mask"], num_beams=beams,
                num_return_sequences=beams, max_length=self._max_length, output_scores=True,
                return_dict_in_generate=True, decoder_start_token_id=config.decoder_start_token_id,
                eos_token_id=config.eos_token_id, pad_token_id=config.pad_token_id,
                **never_unknown(self._target),
            )
        texts = self._target.batch_decode(output.sequences, skip_special_tokens=True)
        scores = getattr(output, "sequences_scores", None)
        found: dict[tuple[str, ...], float] = {}
        for rank, text in enumerate(texts):
            apis = tuple(text.split())
            score = math.exp(float(scores[rank])) if scores is not None else 1.0 / (rank + 1)
            if apis and apis not in found:
                found[apis] = score
        return sorted(found.items(), key=lambda item: -item[1])[:k]
