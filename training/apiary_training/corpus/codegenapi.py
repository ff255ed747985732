"""The CodeGenAPI corpus (When Language Model Meets Private Library §3.3 and Appendix B).

Each file becomes (A1, d1, A2, d2, ..., AK, dK): before each block d_i, the API information of the
APIs it calls, as the APICoder prompt writes it (``# [start]`` / ``# name(signature): description`` /
``# [end]``, `apiary.generation.prompt.api_block`), shuffled and with noise APIs from the same
libraries, since the retriever neither knows the order nor is always right. Each file carries the
Appendix B resampling weight.
"""

from __future__ import annotations

import ast
import math
import random
from collections.abc import Callable
from dataclasses import dataclass

from apiary.docs.entry import ApiEntry
from apiary.generation.prompt import api_block
from apiary_training.corpus.apidocs import DocIndex, called_names
from apiary_training.corpus.blocks import split_blocks
from apiary_training.corpus.pipeline import CleanFile
from apiary_training.corpus.sources import imported_modules

NOISE_RATE = 0.05  # the default of When Language Model Meets Private Library (§5.1, Table 2)


@dataclass
class ApiCounts:
    """What Appendix B counts in a file: N_api names found in the docs, M_api APIs they match."""

    names: int = 0
    matches: int = 0
    noise: int = 0
    real: int = 0


def resampling_weight(stars: int | None, unit_test_rate: float, api_names: int, api_matches: int) -> float:
    """Appendix B: w = w_star * w_ut * w_api (unknown stars count as 0; a file with no API names has no
    ambiguity, so its w_api is the maximum, 5)."""
    w_star = 1.0 + _clip(math.log((stars or 0) + 1), 0.0, 5.0) * 0.2
    w_ut = _clip(0.5 + (1.0 - unit_test_rate), 0.0, 1.0)
    ambiguity = api_matches / api_names if api_names else 1.0
    w_api = 5.0 - _clip(math.log(ambiguity), 0.0, 5.0) * 0.2
    return w_star * w_ut * w_api


def unit_test_rate(tree: ast.Module) -> float:
    """Unit-test functions (named ``test*``) over all functions of the file; 0 with no function."""
    functions = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    return sum(f.name.startswith("test") for f in functions) / len(functions) if functions else 0.0


def with_noise(
    real: list[ApiEntry], pool: list[ApiEntry], rate: float, rng: random.Random
) -> tuple[list[ApiEntry], int]:
    """``real`` plus noise APIs from ``pool``, shuffled: each real API brings a noise one with probability
    rate / (1 - rate), so that noise makes up ``rate`` of all API lines on average."""
    chosen = {entry.import_path for entry in real}
    candidates = [entry for entry in pool if entry.import_path not in chosen]
    odds = rate / (1.0 - rate) if rate < 1.0 else 1.0
    noise = [rng.choice(candidates) for _ in real if candidates and rng.random() < odds]
    apis = real + noise
    rng.shuffle(apis)
    return apis, len(noise)


def codegenapi_record(file: CleanFile, index: DocIndex, rng: random.Random, stars: Callable[[str], int | None],
                      noise_rate: float = NOISE_RATE) -> tuple[dict, ApiCounts]:
    libraries = imported_modules(file.tree)
    pool = [e for library in sorted(libraries) for entries in index.library(library).values() for e in entries]
    counts, seen_names, parts = ApiCounts(), set(), []
    for block in split_blocks(file.text, file.tree):
        real = []
        for name in called_names(ast.Module(body=list(block.nodes), type_ignores=[])):
            candidates = index.candidates(libraries, name)
            if candidates:
                real.append(rng.choice(candidates))  # footnote 3: an ambiguous name gets one at random
                if name not in seen_names:
                    seen_names.add(name)
                    counts.names += 1
                    counts.matches += len(candidates)
        apis, noise = with_noise(real, pool, noise_rate, rng)
        counts.real += len(real)
        counts.noise += noise
        parts.append(api_block(apis) + block.text)
    weight = resampling_weight(stars(file.name), unit_test_rate(file.tree), counts.names, counts.matches)
    return {"text": "\n".join(parts), "path": file.name, "weight": round(weight, 6)}, counts


def _clip(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))
