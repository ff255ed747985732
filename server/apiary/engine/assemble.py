"""Build the completion engine from plain options: which libraries, which encoder, which model.

The server, the CLI and the benchmarks assemble the same parts here, so they complete code the same
way. A model that cannot be loaded is reported and left out: the offline generator always works.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from apiary.engine.pipeline import Pipeline
from apiary.generation.apicoder import APICoderGenerator
from apiary.generation.backends.base import BackendError
from apiary.generation.backends.factory import load_backend
from apiary.generation.cert import CertGenerator
from apiary.generation.offline.corpus import CorpusStore
from apiary.generation.offline.generator import OfflineGenerator
from apiary.generation.rank import RankerError, classifier_intent_scorer, encoder_intent_scorer
from apiary.generation.types import Generator
from apiary.retrieval.encoder import CachedEncoder, Encoder
from apiary.retrieval.hybrid import HybridRetriever
from apiary.retrieval.index import LibraryIndex
from apiary.retrieval.rerank import ApiReranker, CrossEncoderReranker, RerankerError

log = logging.getLogger(__name__)

#: "default" is what users and the benchmarks call the offline generator
GENERATOR_ALIASES = {"default": "offline"}
#: what a problem with the API reranker ends with: retrieval goes on with the fused score
WITHOUT_API_RERANKER = "APIs are ranked without it"


@dataclass
class ModelOptions:
    model: str | None = None
    endpoint: str | None = None
    #: CERT's sketcher: a model directory/hub id or an endpoint URL (the generator is `model`/`endpoint`)
    sketcher: str | None = None
    device: str = "auto"
    dtype: str = "auto"
    #: a trained intent-snippet classifier that ranks candidates instead of the encoder's similarity
    reranker: str | None = None
    #: a trained cross-encoder (`apiary-train train crossencoder`) that reranks the retriever's best APIs
    api_reranker: str | None = None
    extra: dict = field(default_factory=dict)


@dataclass
class Engine:
    retriever: HybridRetriever
    corpus: CorpusStore
    generators: dict[str, Generator]
    pipeline: Pipeline
    #: why a configured model is not available (shown in status)
    problems: list[str] = field(default_factory=list)


def build_engine(
    encoder: Encoder,
    indexes: Callable[[], Sequence[LibraryIndex]],
    models: ModelOptions | None = None,
    default_generator: str = "offline",
    workspace_files: Callable[[], Iterable[Path]] = lambda: (),
    kept_usages: Path | None = None,
) -> Engine:
    """``kept_usages``: the folder where the usages of the libraries' docstring examples are kept
    between processes (None: mined in each)."""
    encoder = CachedEncoder(encoder)  # queries repeat; the indexes are built with the encoder itself
    corpus = CorpusStore(workspace_files, kept_usages)
    generators: dict[str, Generator] = {"offline": OfflineGenerator(indexes, corpus.for_index, encoder)}
    models = models or ModelOptions()
    problems = _add_model_generators(generators, models)
    retriever = HybridRetriever(encoder, indexes, reranker=load_api_reranker(models, problems))
    default = GENERATOR_ALIASES.get(default_generator, default_generator)
    scorer = encoder_intent_scorer(encoder)
    if models.reranker:
        try:
            scorer = classifier_intent_scorer(models.reranker, device=models.device)
        except RankerError as error:
            problems.append(f"{error}; candidates are ranked with the encoder")
    pipeline = Pipeline(retriever, generators, default=default, intent_scorer=scorer)
    return Engine(retriever, corpus, generators, pipeline, problems)


def load_api_reranker(options: ModelOptions, problems: list[str]) -> ApiReranker | None:
    """The cross-encoder the options name, or None (none named, or it cannot load: a problem says why)."""
    if not options.api_reranker:
        return None
    try:
        return CrossEncoderReranker(options.api_reranker, device=options.device)
    except RerankerError as error:
        problems.append(f"{error}; {WITHOUT_API_RERANKER}")
        log.info("API reranker not available: %s", error)
        return None


def _add_model_generators(generators: dict[str, Generator], options: ModelOptions) -> list[str]:
    problems: list[str] = []
    backend = None
    try:
        backend = load_backend(
            options.model, options.endpoint, device=options.device, dtype=options.dtype, **options.extra
        )
    except BackendError as error:
        problems.append(str(error))
        log.warning("model not available, using the offline generator: %s", error)
    if backend is not None:
        generators["apicoder"] = APICoderGenerator(backend)
    if options.sketcher:
        try:
            is_url = options.sketcher.startswith(("http://", "https://"))
            sketcher = load_backend(None if is_url else options.sketcher, options.sketcher if is_url else None,
                                    device=options.device, dtype=options.dtype)
            if sketcher is not None:
                generators["cert"] = CertGenerator(sketcher, backend or sketcher)
        except BackendError as error:
            problems.append(f"sketcher: {error}")
            log.warning("CERT sketcher not available: %s", error)
    return problems
