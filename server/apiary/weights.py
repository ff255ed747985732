"""Every tuned number of retrieval and ranking in one typed tree, read from ``weights.json``.

The weights are not user settings: they belong to the code that uses them, and a training command
(``apiary-train train ranker``, to come) will write the file from development libraries' data
instead of anyone setting numbers by hand. The file ships in the package beside this module; its
layout is the tree's: ``{"about", "fitted", "retrieval", "generation", "offline", "sequences"}``.
``about`` and ``fitted`` (free-form provenance: how and on what the numbers were set) are carried
through round-trips but take no part in scoring or in comparing two trees.

Reading never fails: a missing or corrupt file gives the shipped defaults, a value of the wrong type
or an unknown key gives that field its default, and one warning names the file and every problem.
"""

from __future__ import annotations

import json
import logging
import math
import threading
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from apiary.atomic import atomic_write

log = logging.getLogger(__name__)

#: The file that ships in the package (``[tool.setuptools.package-data]`` in pyproject.toml).
SHIPPED_PATH = Path(__file__).with_name("weights.json")

ABOUT = ("Every tuned number of Apiary's retrieval and ranking, read by apiary.weights "
         "(server/apiary/weights.py says what each one does).")
HAND_SET: dict[str, Any] = {
    "method": "hand-set",
    "on": "the development problems (TorchDataEval and the bundled example library's), "
          "with benchmarks/retrieval.py, benchmarks/generation.py and benchmarks/api_sequences.py",
}


@dataclass(frozen=True)
class RetrievalWeights:
    """How much each signal of the hybrid retriever counts (the score is the weighted sum of the
    signals named like the fields), and the few counts that bound a query's work. Only floats and
    ints, so a new signal is one field appended here and one key in the file."""

    dense: float = 1.0  # cosine of the intent and the API's text
    dense_clause: float = 0.5  # best cosine of one step of a multi-step comment
    lexical: float = 0.2  # BM25 of the intent and mentioned names, over the best
    lexical_clause: float = 0.15  # best BM25 of one step, over the best
    name_match: float = 0.35  # share of the API name's words the intent's plain words contain
    mentioned: float = 0.8  # the comment spells the API's name
    imported_unused: float = 1.5  # imported but not called yet: what the user is about to call
    imported_used: float = 0.1  # imported and already called
    type_affinity: float = 0.35  # a member of the class of an object in scope
    module_affinity: float = 0.25  # a member of a module an object in scope comes from
    consumes_scope: float = 0.1  # a method taking an object of a type in scope
    recently_called: float = 0.2  # called just before: often called again
    returns_many: float = 0.4  # returns a list or tuple, for ``a, b = ``
    module_kind: float = -0.3  # a module is rarely the answer to "what do I call"
    popularity: float = 0.03  # log(1 + uses in the library's own code)
    dense_context: float = 0.0  # cosine of the intent read with its code (enclosing function, assigned name)
    file_calls: float = 0.0  # how often the file already calls the API's name (log scale, 1 at ten)
    recently_called_short: float = 0.0  # recently_called again, in a short file (where calls are setup)
    file_calls_short: float = 0.0  # file_calls again, in a short file
    imported_used_short: float = 0.0  # imported_used again, in a short file
    has_instance: float = 0.0  # a class of which an object in scope is already an instance
    has_instance_short: float = 0.0  # has_instance again, in a short file
    dense_rank: float = 0.0  # 1 / (1 + rank) by the dense score
    dense_context_rank: float = 0.0  # 1 / (1 + rank) by the dense score of the intent with its code
    lexical_rank: float = 0.0  # 1 / (1 + rank) by the lexical score
    imported_parent: float = 0.0  # lives directly in a module or class the file imports
    member_unreachable: float = 0.0  # a method or property of a class no object in scope is
    kind_class: float = 0.0  # a class
    kind_function: float = 0.0  # a function (or a functional alias)
    kind_method: float = 0.0  # a method
    kind_attribute: float = 0.0  # a property or attribute
    kind_external: float = 0.0  # a name re-exported from a library we did not index
    path_depth: float = 0.0  # how deep the import path is (0 for lib.f, 1 from lib.a.B.m on)
    alternative_margin: float = 0.05  # an API a top result's docs recommend lands this far below it
    cross_encoder: float = 0.0  # times the API reranker's logit, when the apiReranker setting names one
    candidates: int = 200  # results kept per library before names are made distinct
    max_clauses: int = 2  # steps of a comment encoded (encoding is most of a query's time)
    alternatives_from: int = 8  # top results whose recommended alternatives are lifted
    rerank_top: int = 30  # distinct APIs the API reranker reads per query


@dataclass(frozen=True)
class GenerationRankWeights:
    """How candidates from any generator are ranked: the generator's score plus these."""

    intent: float = 0.3  # times the intent-snippet similarity (encoder cosine or reranker probability)
    apis: float = 0.2  # the candidate calls one of the APIs it was given
    syntax_penalty: float = 5.0  # breaks the file's syntax: sinks below every candidate that does not
    repair_penalty: float = 0.1  # per repair the checker made


@dataclass(frozen=True)
class OfflineWeights:
    """The offline generator's scores of adapted usage examples and signature templates."""

    usages_per_api: int = 12  # usage examples tried per API (the corpus keeps docs' first)
    spare_candidates: int = 4  # written beyond those asked for, standing in for any the checks drop
    rank_decay: float = 0.85  # prior of the n-th retrieved API: rank_decay ** n
    step_coverage: float = 0.8  # what covering every step of a multi-step comment is worth, against one
    chain_heads: int = 3  # best first-step options a chain may start from
    chain_bonus: float = 0.85  # added to a chain's mean step score
    filled: float = 0.15  # per hole of an example filled from the user's code or comment
    kept_penalty: float = 0.1  # per example value kept as written
    dropped_penalty: float = 0.05  # per optional argument dropped
    mentions: float = 0.2  # per name the comment mentions that the candidate uses
    constants: float = 0.4  # for using every number the comment states (in proportion)
    targets: float = 0.3  # assigns as many names as ``a, b = `` wants (subtracted when it clearly does not)
    template_penalty: float = 0.3  # a call built from the signature alone, against an example
    template_filled: float = 0.1  # per template parameter filled from the context
    incomplete_penalty: float = 1.0  # a template with tab stops left to fill
    needs_import_penalty: float = 0.5  # names an API the file does not import yet
    method_bonus: float = 0.1  # a method template: reachable from an object in scope without an import
    made_receiver_penalty: float = 0.2  # a method template on an object it makes (``Schema().load``)
    wrap_base: float = 0.1  # a class or function taking the previous step's result
    max_steps: int = 6  # comment steps considered when planning a chain (exhaustive search)
    max_step_apis: int = 4  # APIs planned into steps
    bind_distance: int = 40  # characters after a parameter's mention within which a number binds to it
    unsupported_share: float = 0.5  # pruning keeps an example's keyword when the comment says this share of its words


@dataclass(frozen=True)
class SequenceWeights:
    """The API-sequence recommender: neighbours, consensus, sources and their agreement."""

    neighbours: int = 40  # mined pairs fetched per query
    consensus_neighbours: int = 20  # of them, those that weigh in on each other's sequences
    consensus_temperature: float = 0.2  # softmax temperature of their weights over similarities
    lexical_weight: float = 0.2  # what a perfect BM25 match adds to a description's cosine
    agreement_bonus: float = 0.05  # per other source suggesting the same sequence
    docs_weight: float = 0.6  # the best documentation-composed sequence (the rest relative to it): no usage evidence
    docs_apis: int = 5  # APIs retrieved from documentation and composed into sequences
    mention_bonus: float = 0.25  # for naming all of the query's words (rare words weigh more)
    min_successor_share: float = 0.3  # a successor extends a composed sequence from this share of what follows...
    min_successor_count: int = 2  # ...and this many times
    max_extension: int = 3  # successors added to a composed sequence at most
    steps_weight: float = 1.2  # a request in steps: the steps' best sequences joined, times their unbonused mean
    library_bonus: float = 1.0  # for a sequence whose calls are all APIs of the libraries asked about


_PARTS: dict[str, type] = {
    "retrieval": RetrievalWeights,
    "retrieval_lexical": RetrievalWeights,
    "generation": GenerationRankWeights,
    "offline": OfflineWeights,
    "sequences": SequenceWeights,
}


@dataclass(frozen=True)
class Weights:
    retrieval: RetrievalWeights = field(default_factory=RetrievalWeights)
    #: the same signals weighed without the dense ones: while the encoder loads, or with no comment
    retrieval_lexical: RetrievalWeights = field(default_factory=RetrievalWeights)
    generation: GenerationRankWeights = field(default_factory=GenerationRankWeights)
    offline: OfflineWeights = field(default_factory=OfflineWeights)
    sequences: SequenceWeights = field(default_factory=SequenceWeights)
    #: provenance, kept through round-trips; two trees with the same numbers are equal whatever it says
    about: str = field(default=ABOUT, compare=False)
    fitted: dict[str, Any] = field(default_factory=lambda: dict(HAND_SET), compare=False)


# -- JSON --------------------------------------------------------------------------------------------
def weights_to_json(weights: Weights) -> dict[str, Any]:
    """The file's layout: provenance first, then one object per part."""
    data: dict[str, Any] = {"about": weights.about, "fitted": weights.fitted}
    data.update({name: asdict(getattr(weights, name)) for name in _PARTS})
    return data


def weights_from_json(data: Any, source: str = "weights") -> Weights:
    """The tree a JSON object describes; what is wrong in it falls back to the defaults, with one
    warning naming ``source`` and every problem."""
    weights, problems = _parse(data)
    if problems:
        log.warning("%s: %s; the defaults stand in for these", source, "; ".join(problems))
    return weights


def _parse(data: Any) -> tuple[Weights, list[str]]:
    if not isinstance(data, dict):
        return Weights(), [f"expected a JSON object, found {type(data).__name__}"]
    problems: list[str] = []
    parts = {name: _part(part, data.get(name, {}), name, problems) for name, part in _PARTS.items()}
    problems.extend(f"unknown key {key!r}" for key in data if key not in _PARTS and key not in ("about", "fitted"))
    about, fitted = data.get("about", ABOUT), data.get("fitted", HAND_SET)
    if not isinstance(about, str):
        problems.append(f"'about' should be a string, not {type(about).__name__}")
        about = ABOUT
    if not isinstance(fitted, dict):
        problems.append(f"'fitted' should be an object, not {type(fitted).__name__}")
        fitted = HAND_SET
    return Weights(**parts, about=about, fitted=dict(fitted)), problems


def _part(part: type, data: Any, where: str, problems: list[str]) -> Any:
    """One part from its object: the fields it gives that are valid, the defaults for the rest."""
    if not isinstance(data, dict):
        problems.append(f"{where!r} should be an object, not {type(data).__name__}")
        return part()
    defaults = {f.name: f.default for f in fields(part)}
    given: dict[str, Any] = {}
    for key, value in data.items():
        if key not in defaults:
            problems.append(f"unknown key {where}.{key}")
        elif (checked := _checked(value, defaults[key])) is None:
            problems.append(f"{where}.{key} should be {_kind(defaults[key])}, not {value!r}")
        else:
            given[key] = checked
    return part(**given)


def _checked(value: Any, default: float | int) -> float | int | None:
    """``value`` as the default's type, or None when it cannot be: counts are whole and not
    negative, weights finite numbers (an int is a float here; a bool is neither)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(default, int):
        return value if isinstance(value, int) and value >= 0 else None
    return float(value) if math.isfinite(value) else None


def _kind(default: float | int) -> str:
    return "a whole number >= 0" if isinstance(default, int) else "a finite number"


# -- the file ----------------------------------------------------------------------------------------
_cache: dict[Path, tuple[tuple[int, int, int] | None, Weights]] = {}
_lock = threading.Lock()


def load_weights(path: Path | None = None) -> Weights:
    """The tree in ``path`` (default: the shipped file), read once per version of the file: callers
    may ask at every construction, and a file that changes is read again (with its warning, once)."""
    path = Path(path if path is not None else SHIPPED_PATH).resolve()
    stamp = _stamp(path)
    with _lock:
        cached = _cache.get(path)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    weights = _read(path)
    with _lock:
        _cache[path] = (stamp, weights)
    return weights


def _stamp(path: Path) -> tuple[int, int, int] | None:
    """What tells one version of the file from another (an atomic replace gives a new inode)."""
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_ino, info.st_mtime_ns, info.st_size)


def _read(path: Path) -> Weights:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        log.warning("weights file %s cannot be read (%s); using the shipped defaults", path, error)
        return _fallback(path)
    return weights_from_json(data, f"weights file {path}")


def _fallback(path: Path) -> Weights:
    """The shipped file's weights, or the dataclass defaults when the shipped file is the broken one."""
    shipped = Path(SHIPPED_PATH).resolve()
    return Weights() if path == shipped else load_weights(shipped)


def write_weights(weights: Weights, path: Path) -> None:
    """Write the tree to ``path`` atomically: a reader sees the old file or the new one, never half."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(weights_to_json(weights), indent=2, ensure_ascii=False) + "\n"
    atomic_write(path, text.encode("utf-8"), mode=0o644)  # 0600 would hide an installed file from other users
    with _lock:
        _cache.pop(path.resolve(), None)  # a rewrite within the clock's resolution keeps the same stamp


__all__ = [
    "GenerationRankWeights",
    "OfflineWeights",
    "RetrievalWeights",
    "SHIPPED_PATH",
    "SequenceWeights",
    "Weights",
    "load_weights",
    "weights_from_json",
    "weights_to_json",
    "write_weights",
]
