"""(description, API sequence) pairs for the API-sequence model, mined as in Deep API Learning
Revisited §3.1 by `apiary.sequences.extract`, with its filters; an optional train/test split in which
no test pair occurs in train (Deep API Learning Revisited's main lesson)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from apiary.sequences.extract import ApiSeqPair, extract_pairs, filter_reason, split_train_test
from apiary_training.corpus.pipeline import CleanFile
from apiary_training.corpus.report import CorpusReport


def kept_pairs(file: CleanFile, report: CorpusReport) -> Iterator[ApiSeqPair]:
    for pair in extract_pairs(file.text, file.name, project_modules=file.project_modules):
        reason = filter_reason(pair)
        if reason:
            report.drop_item(reason)
        else:
            yield pair


def record(pair: ApiSeqPair) -> dict:
    return {"desc": pair.desc, "apiseq": list(pair.apiseq), "path": pair.path, "function": pair.function}


def split(pairs: Iterable[ApiSeqPair], test_fraction: float, seed: int) -> tuple[list[ApiSeqPair], list[ApiSeqPair]]:
    return split_train_test(list(pairs), test_fraction, seed)
