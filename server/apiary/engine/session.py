"""The editor-independent heart of `apiary serve`: settings, libraries, the engine, and completions.

Everything here is blocking and LSP-free; the server calls it from worker threads. Heavy parts
come from factories (`encoder_factory`, `engine_factory`) so tests and benchmarks can swap them.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path

from apiary.budget import RequestBudget
from apiary.code_folders import python_files_within
from apiary.engine.assemble import GENERATOR_ALIASES, Engine, ModelOptions, build_engine
from apiary.engine.records import CompletionRecord, RecordCache
from apiary.engine.workspace import Libraries, LibraryState
from apiary.events import EventLog
from apiary.generation.offline.kept_usages import kept_usages_dir
from apiary.paths import index_dir
from apiary.retrieval.encoder import Encoder, deferred_encoder, is_ready
from apiary.retrieval.store import IndexStore
from apiary.sequences.mine import Progress
from apiary.sequences.recommend import Recommender
from apiary.settings import Reload, Settings, changed, reloading

log = logging.getLogger(__name__)

#: the most Python files, and the most folders walked to find them, the workspace's code is read from
MAX_WORKSPACE_FILES = 5000
MAX_WORKSPACE_FOLDERS = 20_000

ENCODER_KEYS = reloading(Reload.ENCODER)
MODEL_KEYS = reloading(Reload.MODEL)
LIBRARY_KEYS = reloading(Reload.LIBRARIES)


class Session:
    def __init__(
        self,
        settings: Settings,
        *,
        workspace_roots: Callable[[], list[Path]] = lambda: [],
        encoder_factory: Callable[[Settings], Encoder] | None = None,
        events: EventLog | None = None,
    ):
        self.settings = settings
        self.libraries = Libraries()
        self.records = RecordCache()
        self.events = events or EventLog()
        self.problems: list[str] = []
        self._workspace_roots = workspace_roots
        # the weights load in the background: cached indexes and lexical answers come first
        self._encoder_factory = encoder_factory or (lambda s: deferred_encoder(s.encoder))
        self._encoder: Encoder | None = None
        #: why the configured encoder is not the one in use, if it is not
        self.encoder_problem: str | None = None
        self._engine: Engine | None = None
        self._lock = threading.RLock()
        #: the API-sequence recommender and the libraries it was built for; its own lock, since a first
        #: build mines for minutes and must not hold up loading or reconfiguring
        self._sequences: tuple[tuple[str, ...], Recommender] | None = None
        self._sequences_lock = threading.Lock()
        self.libraries.configure(settings.libraries)

    # -- lifecycle (blocking; run in a worker) --------------------------------------------------

    def load(self) -> None:
        """Load the encoder and build the engine; libraries are indexed separately (`index`)."""
        with self._lock:
            if self._encoder is None:
                self._encoder = self._load_encoder()
                log.info(
                    "encoder %s%s", self._encoder.id, "" if is_ready(self._encoder) else " loading in the background"
                )
            if self._engine is None:
                self._engine = self._build_engine(self._encoder)

    @property
    def encoder(self) -> Encoder | None:
        return self._encoder

    def _load_encoder(self) -> Encoder:
        """The configured encoder; one that cannot be loaded (a file, ``/etc``, ``/dev/zero``) is
        reported and the bundled one serves instead, so the server still becomes ready."""
        try:
            return self._encoder_factory(self.settings)
        except Exception as error:  # any failure of a user's model directory
            if not self.settings.encoder:
                raise
            message = (
                f"the encoder setting {self.settings.encoder!r} cannot be used ({error}); using the bundled encoder"
            )
            log.error("%s", message)
            self.encoder_problem = message
            return deferred_encoder(None)

    def _build_engine(self, encoder: Encoder) -> Engine:
        s = self.settings
        options = ModelOptions(**{f.name: getattr(s, f.name) for f in fields(ModelOptions) if hasattr(s, f.name)})
        engine = build_engine(encoder, self.libraries.indexes, options, s.generator, self._workspace_files,
                              kept_usages_dir())
        self.problems = [*([self.encoder_problem] if self.encoder_problem else []), *engine.problems]
        return engine

    def index(self, spec: str, progress=None,
              served: Callable[[LibraryState], None] | None = None) -> LibraryState | None:
        """Index one configured or discovered library (blocking); ``served``: told when the build
        changes what serves the library (a new one by its words while its vectors are encoded; the
        whole index, while it is written to the cache)."""
        if self._encoder is None:
            self.load()
        store = IndexStore(index_dir(), self._encoder, python=self.settings.python)
        return self.libraries.build(spec, store, self.settings.python, progress, served)

    def remember(self, spec: str, abandoned: Callable[[], bool] = lambda: False) -> bool:
        """Make the memory of ``spec``'s last build, the user starting to edit it (blocking;
        `Libraries.remember`); False before the encoder is in."""
        if self._encoder is None:
            return False
        return self.libraries.remember(spec, IndexStore(index_dir(), self._encoder, python=self.settings.python),
                                       self.settings.python, abandoned)

    def prepare_generation(self, state: LibraryState | None) -> None:
        """What the offline generator needs of a library just indexed, its usage examples, made now
        rather than on the first keystroke (blocking; after its status says the index is in)."""
        if state is not None and state.ready and self._engine is not None:
            self._engine.corpus.for_index(state.index, anew=True)  # a rebuilt index needs new ones

    def apply_settings(self, new: Settings) -> tuple[set[str], list[str]]:
        """Take new settings; returns what changed and the library specs to (re)index."""
        with self._lock:
            keys = changed(self.settings, new)
            self.settings = new
            to_index: list[str] = []
            if keys & ENCODER_KEYS:
                self._encoder, self._engine = None, None
                to_index = self.libraries.reset()
            if keys & MODEL_KEYS and self._encoder is not None:
                self._engine = self._build_engine(self._encoder)
            if keys & LIBRARY_KEYS:
                if "python" in keys or ("auto_discover" in keys and not new.auto_discover):
                    self.libraries.forget_discoveries()
                to_index += [s for s in self.libraries.configure(new.libraries) if s not in to_index]
            return keys, to_index

    def discover(self, modules: tuple[str, ...]) -> list[str]:
        """Specs of newly found imported libraries to index (none when discovery is off)."""
        if not self.settings.auto_discover or not modules:
            return []
        return self.libraries.discover(modules, self.settings.python)

    # -- state -------------------------------------------------------------------------------

    @property
    def engine(self) -> Engine | None:
        return self._engine

    @property
    def loaded(self) -> bool:
        return self._engine is not None

    def sequences_built(self) -> bool:
        """Whether `sequence_recommender` answers from what it built for these libraries."""
        current = self._sequences
        return current is not None and current[0] == self._sequence_key(list(self.libraries.indexes()))

    @staticmethod
    def _sequence_key(indexes: list) -> tuple[str, ...]:
        # a library served by its words while it is encoded is built on again once it has its vectors
        return tuple(sorted(f"{i.info.name}=={i.info.version}{'' if i.encoded else ' (words)'}" for i in indexes))

    def sequence_recommender(self, progress: Progress | None = None) -> Recommender:
        """Built on first use from the indexed libraries' code and docs and the workspace; rebuilt
        when the set of libraries changes. Mined pairs and their vectors are cached on disk.
        ``progress(message, done, total)`` hears how a build goes."""
        from apiary.sequences.service import build_recommender, corpus_roots

        indexes = list(self.libraries.indexes())
        key = self._sequence_key(indexes)
        with self._sequences_lock:
            if self._sequences is not None and self._sequences[0] == key:
                return self._sequences[1]
            engine = self._engine
            if engine is None:
                return Recommender()
            roots = self._workspace_roots()
            roots = corpus_roots(indexes, workspace=roots[0] if roots else None, python=self.settings.python,
                                 interpreter=False)
            recommender = build_recommender(engine.retriever.encoder, indexes, roots, progress=progress)
            self._sequences = (key, recommender)
            return recommender

    @property
    def budget(self) -> RequestBudget:
        """How long each kind of request may take, from the ``maxLatencyMs`` setting."""
        return RequestBudget(self.settings.max_latency_ms)

    def all_indexed(self) -> bool:
        """Loaded, and every library indexed: what ``apiary.status`` calls "ready"."""
        return self.loaded and self.libraries.all_ready()

    def generator_name(self) -> str:
        name = GENERATOR_ALIASES.get(self.settings.generator, self.settings.generator)
        if self._engine is not None and name not in self._engine.generators:
            return f"{self._engine.pipeline.fallback} ({name} unavailable)"
        return name

    def status(self) -> dict:
        rows = [st.row() for st in self.libraries.states()]
        problems = list(self.problems) + [
            f"{r['name']}: {r['error'] or r['warning']}" for r in rows if r["error"] or r["warning"]
        ]
        encoder = {"id": self._encoder.id, "ready": is_ready(self._encoder)} if self._encoder is not None else None
        return {
            "ready": self.all_indexed(),
            "generator": self.generator_name(),
            "libraries": rows,
            "problems": problems,
            "encoder": encoder,
        }

    def record(self, record: CompletionRecord) -> str:
        return self.records.add(record)

    def _workspace_files(self) -> list[Path]:
        """The workspace's Python files whose code may use a library (`CorpusStore`), found with a
        bound: a workspace opened at a home folder is not walked whole after each indexing."""
        return python_files_within(self._workspace_roots(), MAX_WORKSPACE_FILES, MAX_WORKSPACE_FOLDERS)
