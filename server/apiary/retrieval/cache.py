"""The on-disk index cache: one directory per library, version, encoder and source identity.

Each directory holds ``entries.columns.jsonl`` (as columns, in lines: `docs.entry_table`),
``vectors.npy`` (a row for each entry with a description), ``derived.json`` and BM25's arrays
(``bm25.*``, written and read by bm25s, arrays with ``allow_pickle=False``) plus ``meta.json``, written
last, with their SHA-256 checksums. Every file is written to a temporary name and renamed into place;
a reader that finds a checksum mismatch, a missing file or an unknown format treats the cache as
absent. A file lock serialises builders, so two processes indexing the
same library at once build it once and never interleave their writes.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import logging
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import bm25s
import numpy as np
import orjson
from filelock import FileLock

from apiary.atomic import atomic_write
from apiary.collector import collector_paused
from apiary.docs.entry import ApiEntry
from apiary.docs.entry_table import entries_from_table, entries_table, table_from_lines, table_lines
from apiary.retrieval.index import DerivedTexts, LibraryIndex, LibraryInfo, entry_text_keys

log = logging.getLogger(__name__)

#: Bump when the entry model, the dense text or the layout changes: older caches are then rebuilt.
#: 4: the entries as JSON Lines, one object per entry; 5: as columns, one JSON document; 6: as
#: columns in lines; 7: the same, each entry saying whether a method is called on its class (read
#: from the code, so no older cache can be brought up to it)
INDEX_FORMAT_VERSION = 7
ENTRIES_FILE = "entries.columns.jsonl"
#: what formats 4 and 5 held the entries in: removed when an index is written in their folder
_OLDER_ENTRIES_FILES = frozenset({"entries.jsonl", "entries.json"})
#: the formats whose meta.json this version reads (the library, the vectors and their text keys are
#: the same in each): an index of an older one is listed, found by name, forgotten, and rebuilt
#: reusing its vectors
KNOWN_FORMATS = frozenset({4, 5, 6, INDEX_FORMAT_VERSION})
_THIS_FORMAT = frozenset({INDEX_FORMAT_VERSION})
#: The modules the stored derived texts are made by (names, tokens, summaries, alternatives)
_DERIVING_MODULES = ("retrieval/index.py", "words.py", "docs/docstrings.py", "docs/catalogue.py", "docs/kept_texts.py")


@functools.cache
def derived_code() -> str:
    """A fingerprint of the code that derives an index's texts: when it changes, a load derives them
    again (and does not trust what an older version stored), without a rebuild."""
    package = Path(__file__).parent.parent
    return hashlib.sha256(b"".join((package / name).read_bytes() for name in _DERIVING_MODULES)).hexdigest()[:16]
LOCK_TIMEOUT_S = 600


class CacheCorrupt(Exception):
    """The cache directory exists but cannot be trusted."""


def index_key_dir(root: Path, name: str, version: str, encoder_id: str, identity: str) -> Path:
    slug = re.sub(r"[^\w.-]+", "_", f"{version}-{encoder_id}")[:80]
    return root / _safe(name) / f"{slug}{_source_suffix(identity)}"


def _source_suffix(identity: str) -> str:
    """How the directory of an index of the source ``identity`` ends, whatever its version and encoder."""
    return f"-{hashlib.sha256(identity.encode()).hexdigest()[:12]}"


def _safe(name: str) -> str:
    return re.sub(r"[^\w.-]+", "_", name) or "_"


def lock_for(directory: Path) -> FileLock:
    directory.mkdir(parents=True, exist_ok=True)
    return FileLock(str(directory / ".lock"), timeout=LOCK_TIMEOUT_S)


def write_index(directory: Path, index: LibraryIndex, keys: list[str | None] | None = None) -> None:
    """Persist ``index`` atomically: data files first, then the meta that vouches for them (``keys``:
    its entries' `entry_text_keys`, when known)."""
    directory.mkdir(parents=True, exist_ok=True)
    data = {ENTRIES_FILE: _entries_bytes(index.entries),
            "vectors.npy": _npy_bytes(index.described_vectors)}  # an entry without a description has none
    data |= _derived_files(index)
    for name, content in data.items():
        atomic_write(directory / name, content)
    meta = {
        "format": INDEX_FORMAT_VERSION,
        "library": asdict(index.info),
        "files": {name: _sha256(content) for name, content in data.items()},
        "text_keys": entry_text_keys(index.entries) if keys is None else keys,
    }
    atomic_write(directory / "meta.json", json.dumps(meta, indent=1).encode())
    for older in _OLDER_ENTRIES_FILES - data.keys():  # what an older format wrote, now unread
        (directory / older).unlink(missing_ok=True)


def rewrite_derived(directory: Path, index: LibraryIndex) -> None:
    """Store again what a load of ``index`` had to derive (its stored texts were of older code), so
    that only the first load after an upgrade pays for it. The entries and vectors stay as they are;
    a reader between these writes finds the old checksums and derives once more."""
    meta = read_meta(directory)
    data = _derived_files(index)
    for name, content in data.items():
        atomic_write(directory / name, content)
    meta["files"] = {**{n: c for n, c in meta["files"].items() if not n.startswith("bm25.")},
                     **{name: _sha256(content) for name, content in data.items()}}
    atomic_write(directory / "meta.json", json.dumps(meta, indent=1).encode())


def rewrite_entries(directory: Path, index: LibraryIndex, moved_from: str) -> None:
    """Store ``index``, made from the index of content hash ``moved_from`` with other entries of the
    same texts (`LibraryIndex.moved`): where the cache holds that one, only the entries and the meta
    are written again; else (another build, an older format, a damaged meta) the index whole."""
    try:
        meta = read_meta(directory)
    except CacheCorrupt:
        meta = None
    if (meta is None or meta["format"] != INDEX_FORMAT_VERSION or meta["library"]["content_hash"] != moved_from
            or len(meta["text_keys"]) != len(index.entries)):
        write_index(directory, index)
        return
    content = _entries_bytes(index.entries)
    atomic_write(directory / ENTRIES_FILE, content)
    meta["library"] = asdict(index.info)
    meta["files"][ENTRIES_FILE] = _sha256(content)
    atomic_write(directory / "meta.json", json.dumps(meta, indent=1).encode())


def _entries_bytes(entries: list[ApiEntry]) -> bytes:
    return b"\n".join(table_lines(entries_table(entries)))  # a join of this size lets other threads run


def _derived_files(index: LibraryIndex) -> dict[str, bytes]:
    derived = index.derived()
    data = {"derived.json": orjson.dumps({"code": derived_code(), "name_words": derived.name_words,
                                          "alternatives": derived.alternatives, "popularity": derived.popularity,
                                          "param_classes": derived.param_classes})}
    return data | _bm25_files(index.lexical)


def _npy_bytes(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def _bm25_files(lexical: bm25s.BM25) -> dict[str, bytes]:
    """BM25's files as bm25s saves them, named ``bm25.<name>`` (its own save writes in place, so it
    writes to a scratch folder and the bytes go through the same atomic writes and checksums)."""
    with tempfile.TemporaryDirectory(prefix="bm25-") as scratch:
        lexical.save(scratch, show_progress=False)
        return {f"bm25.{path.name}": path.read_bytes() for path in sorted(Path(scratch).iterdir())}


def read_meta(directory: Path, formats: frozenset[int] = _THIS_FORMAT) -> dict:
    """The index's meta.json, of one of ``formats``; `CacheCorrupt` for any doubt."""
    try:
        meta = json.loads((directory / "meta.json").read_text())
    except (OSError, ValueError) as error:
        raise CacheCorrupt(f"{directory}: unreadable meta.json ({error})") from error
    if not isinstance(meta, dict) or meta.get("format") not in formats:
        raise CacheCorrupt(
            f"{directory}: index format {meta.get('format') if isinstance(meta, dict) else '?'} "
            f"is not one this version reads ({', '.join(map(str, sorted(formats)))})"
        )
    problem = _meta_shape_problem(meta)
    if problem:
        raise CacheCorrupt(f"{directory}: meta.json {problem}")
    return meta


def _meta_shape_problem(meta: dict) -> str | None:
    """What is wrong with valid JSON of the wrong shape (every reader indexes into it), or None."""
    library, files, keys = meta.get("library"), meta.get("files"), meta.get("text_keys")
    if not isinstance(library, dict) or set(library) != {f.name for f in fields(LibraryInfo)}:
        return "has no library description of the known fields"
    if not all(isinstance(library[k], str) for k in ("name", "version", "content_hash", "encoder_id")):
        return "describes its library with values of the wrong types"
    wanted = (ENTRIES_FILE, "vectors.npy") if meta["format"] == INDEX_FORMAT_VERSION else ("vectors.npy",)
    if not isinstance(files, dict) or not all(isinstance(files.get(f), str) for f in wanted):
        return "has no checksums for its files"
    if not isinstance(keys, list) or not all(k is None or isinstance(k, str) for k in keys):
        return "has no text keys"
    return None


def read_index(directory: Path) -> LibraryIndex:
    """Load and verify a cached index; raise `CacheCorrupt` on any doubt."""
    meta = read_meta(directory)
    with collector_paused():
        return _read_index(directory, meta)


def _read_index(directory: Path, meta: dict) -> LibraryIndex:
    try:
        entries = entries_from_table(table_from_lines(_lines(_verified(directory, meta, ENTRIES_FILE))))
        vectors = np.load(io.BytesIO(_verified(directory, meta, "vectors.npy")), allow_pickle=False)
        if (
            vectors.dtype != np.float32
            or vectors.ndim != 2
            or len(entries) != len(meta["text_keys"])
            or len(vectors) not in (len(entries), _described_count(meta))
        ):
            raise CacheCorrupt(
                f"{directory}: vectors of shape {vectors.shape} ({vectors.dtype}) for {len(entries)} APIs"
            )
        info = LibraryInfo(**meta["library"])
        return LibraryIndex(info, entries, vectors, stored=_stored_derived(directory, meta))
    except CacheCorrupt:
        raise
    except Exception as error:  # KeyError, ValueError, TypeError from a damaged file
        raise CacheCorrupt(f"{directory}: {type(error).__name__}: {error}") from error


def _described_count(meta: dict) -> int:
    """How many entries have a description (a text key): the rows of ``vectors.npy``; caches
    written before 2026-12 hold a row for every entry."""
    return sum(1 for key in meta["text_keys"] if key is not None)


def _verified(directory: Path, meta: dict, name: str) -> bytes:
    data = (directory / name).read_bytes()
    if _sha256(data) != meta["files"][name]:
        raise CacheCorrupt(f"{directory}: checksum mismatch in {name} (half-written or modified)")
    return data


def _stored_derived(directory: Path, meta: dict) -> DerivedTexts | None:
    """The derived texts written with the index, when they are there, intact and of this code
    (`LibraryIndex` checks their shape); else None, and the load derives them."""
    try:
        stored = orjson.loads(_verified(directory, meta, "derived.json"))
        if not isinstance(stored, dict) or stored.get("code") != derived_code():
            return None
        return DerivedTexts(stored["name_words"], stored["alternatives"], _stored_bm25(directory, meta),
                            stored.get("popularity"), stored.get("param_classes"))
    except (OSError, ValueError, KeyError, CacheCorrupt):
        return None


def _stored_bm25(directory: Path, meta: dict) -> bm25s.BM25 | None:
    """BM25 as bm25s wrote it, its files checked first (None: built again from the entries)."""
    names = [name for name in meta["files"] if name.startswith("bm25.")]
    try:
        for name in names:
            _verified(directory, meta, name)
        return (
            bm25s.BM25.load(
                directory,
                **{key: f"bm25.{default}" for key, default in _BM25_FILES.items()},
                mmap=False,
                allow_pickle=False,
                load_corpus=False,
                show_progress=False,
            )
            if names
            else None
        )
    except (OSError, ValueError, KeyError, TypeError, CacheCorrupt):
        return None


#: bm25s's file-name arguments and its default names, which `_bm25_files` keeps after ``bm25.``
_BM25_FILES = {"data_name": "data.csc.index.npy", "indices_name": "indices.csc.index.npy",
               "indptr_name": "indptr.csc.index.npy", "vocab_name": "vocab.index.json",
               "params_name": "params.index.json", "nnoc_name": "nonoccurrence_array.index.npy"}


def reusable_vectors(directory: Path, encoder_id: str, dim: int) -> dict[str, np.ndarray]:
    """Vectors of an older build of the same library, keyed by text, for an incremental rebuild
    (none when they are not the encoder's: another id, or another dimension)."""
    try:
        meta = read_meta(directory, KNOWN_FORMATS)
        if meta["library"]["encoder_id"] != encoder_id:
            return {}
        vectors = np.load(io.BytesIO(_verified(directory, meta, "vectors.npy")), allow_pickle=False)
        if vectors.dtype != np.float32 or vectors.ndim != 2 or vectors.shape[1] != dim:
            return {}
        keys = meta["text_keys"]
        if len(vectors) == len(keys):  # one per entry, as caches before 2026-12 hold them
            return {k: v for k, v in zip(keys, vectors, strict=True) if k is not None}
        return dict(zip([k for k in keys if k is not None], vectors, strict=True))
    except (CacheCorrupt, OSError, KeyError, ValueError):
        return {}


#: beside an index, what helps its next check or build, each a cache (any doubt, and it is not used):
#: what `FileDigests` remembers of the library's files, a Python package's parsed modules
#: (`docs.parsed_modules`) and what its docstrings gave (`docs.kept_texts`), with the most of each
#: that is read
FILE_DIGESTS, PARSED_MODULES, KEPT_TEXTS = "file-digests.json", "parsed-modules.jsonl", "kept-texts.jsonl"
_MAX_BYTES = {FILE_DIGESTS: 64_000_000, PARSED_MODULES: 2_000_000_000, KEPT_TEXTS: 1_000_000_000}


def read_beside(directory: Path, name: str) -> dict:
    """The JSON object kept as ``name`` beside the index in ``directory``; {} for any doubt."""
    try:
        path = directory / name
        if path.stat().st_size > _MAX_BYTES[name]:
            return {}
        data = path.read_bytes()
        known = _LINES[name].read(data) if name in _LINES else orjson.loads(data)
        return known if isinstance(known, dict) else {}
    except (OSError, ValueError):
        return {}


def keep_beside(directory: Path, name: str, data: dict) -> None:
    """Kept only when the index directory exists (a library that failed to index has none); a
    read-only cache keeps nothing, and the next check or build does the work again."""
    try:
        if directory.is_dir():
            lines = _LINES.get(name)
            atomic_write(directory / name, lines.write(data) if lines else orjson.dumps(data))
            if lines:
                (directory / lines.before).unlink(missing_ok=True)
    except (OSError, TypeError) as error:  # TypeError: orjson's, for a text no UTF-8 file holds
        log.debug("%s not kept in %s: %s", name, directory, error)


# The parsed modules (52 MB for transformers with sympy) and the kept texts (16 MB), read as one
# document each, held the interpreter's lock in one call of `orjson` (~0.4 and ~0.1 s), and with it
# every request of a server preparing a library for its edits. As lines, each is read in calls of
# its own: the record of the modules without them, then one line per module (its key, its JSON,
# kept as bytes until the module is needed); the texts' code, then their results in chunks.

def _record_lines(record: dict) -> bytes:
    """A build's record of its parsed modules (`ParsedModules.record`) as lines."""
    modules = record.get("modules") or {}
    lines = (orjson.dumps(key) + b"\t" + (module if isinstance(module, bytes) else orjson.dumps(module))
             for key, module in modules.items())
    return _with_head(record, "modules", lines)


def _record_from_lines(data: bytes) -> dict:
    """What `_record_lines` wrote: each module's JSON as bytes, read when needed."""
    record, lines = _head_and_lines(data, "modules")
    modules: dict[str, bytes] = {}
    for line in lines:
        key, tab, module = line.partition(b"\t")
        key = orjson.loads(key) if tab else None
        if not isinstance(key, str):
            return {}
        modules[key] = module
    return {**record, "modules": modules}


#: results per line of the kept texts (a few milliseconds to read)
_TEXTS_PER_LINE = 2048


def _texts_lines(kept: dict) -> bytes:
    """What a build's docstrings gave (`keep_texts`) as lines: its code, then [memo, results] chunks."""
    chunks = []
    for memo, results in (kept.get("texts") or {}).items():
        items = list(results.items())
        chunks.extend(orjson.dumps([memo, dict(items[start:start + _TEXTS_PER_LINE])])
                      for start in range(0, len(items), _TEXTS_PER_LINE))
    return _with_head(kept, "texts", chunks)


def _texts_from_lines(data: bytes) -> dict:
    kept, lines = _head_and_lines(data, "texts")
    texts: dict[str, dict] = {}
    for line in lines:
        chunk = orjson.loads(line)
        if not (isinstance(chunk, list) and len(chunk) == 2 and isinstance(chunk[0], str)
                and isinstance(chunk[1], dict)):
            return {}
        texts.setdefault(chunk[0], {}).update(chunk[1])
    return {**kept, "texts": texts}


def _with_head(data: dict, big: str, lines: Iterable[bytes]) -> bytes:
    """``data`` without its ``big`` field as the first line, then ``lines`` (that field's, as written)."""
    return b"\n".join([orjson.dumps({k: v for k, v in data.items() if k != big}), *lines])


def _head_and_lines(data: bytes, big: str) -> tuple[dict, Iterator[bytes]]:
    """What `_with_head` wrote: its first line read (a dict, and without ``big``), and the other lines."""
    lines = _lines(data)
    known = orjson.loads(next(lines))
    if not isinstance(known, dict) or big in known:
        raise ValueError("no head line")
    return known, lines


def _lines(data: bytes) -> Iterator[bytes]:
    """``data.split(b"\\n")``, a line at a time: split at once, the parsed modules' 52 MB held the
    interpreter's lock for 55-86 ms in one call."""
    start = 0
    while (end := data.find(b"\n", start)) >= 0:
        yield data[start:end]
        start = end + 1
    yield data[start:]


@dataclass(frozen=True)
class _Lines:
    """How a file beside an index is written and read as lines."""

    write: Callable[[dict], bytes]
    read: Callable[[bytes], dict]
    #: the file it was, one JSON document, before it was lines: removed when the lines are written
    before: str


#: the files beside an index written as lines
_LINES = {PARSED_MODULES: _Lines(_record_lines, _record_from_lines, "parsed-modules.json"),
          KEPT_TEXTS: _Lines(_texts_lines, _texts_from_lines, "kept-texts.json")}


def read_kept_texts(directory: Path) -> dict:
    """What the last build's docstrings gave (`docs.kept_texts`), if the same code computed it; else {}."""
    kept = read_beside(directory, KEPT_TEXTS)
    texts = kept.get("texts")
    return texts if kept.get("code") == derived_code() and isinstance(texts, dict) else {}


def keep_texts(directory: Path, texts: dict) -> None:
    keep_beside(directory, KEPT_TEXTS, {"code": derived_code(), "texts": texts})


def cached_indexes(root: Path) -> Iterator[tuple[Path, dict]]:
    """Every index directory under ``root`` whose meta this version reads (`KNOWN_FORMATS`), with it."""
    if not root.is_dir():
        return
    for meta_file in sorted(root.glob("*/*/meta.json")):
        try:
            yield meta_file.parent, read_meta(meta_file.parent, KNOWN_FORMATS)
        except CacheCorrupt as error:
            log.warning("ignoring %s", error)


def index_bytes(directory: Path) -> int:
    """What a cached index takes on disk (its files: an index directory holds no folders)."""
    with os.scandir(directory) as found:
        return sum(entry.stat(follow_symlinks=False).st_size for entry in found if entry.is_file(follow_symlinks=False))


def superseded_indexes(directory: Path, identity: str, version: str) -> list[Path]:
    """The library's other indexes (in the same folder) built from the same source at another
    version: its files have been replaced since (an upgrade, a version bumped in a source tree), so
    none of them can be fresh again. ``directory`` is the index of the source ``identity`` at
    ``version``, its files now; only the folders named for the same source have their meta read."""
    suffix = _source_suffix(identity)
    superseded = []
    for sibling in sorted(directory.parent.iterdir()):
        if sibling == directory or not sibling.name.endswith(suffix) or not (sibling / "meta.json").is_file():
            continue
        try:
            other = read_meta(sibling, KNOWN_FORMATS)["library"]
        except CacheCorrupt:
            continue
        if other["identity"] == identity and other["version"] != version:
            superseded.append(sibling)
    return superseded


def remove_index(directory: Path) -> None:
    """Remove the cached index in ``directory``; ``filelock.Timeout`` where a build holds it (that
    build's index is kept). The meta goes first, so a reader meanwhile finds no index, never half of
    one; the lock file and the folders go last, where nothing else has come since."""
    with lock_for(directory).acquire(timeout=0):
        (directory / "meta.json").unlink(missing_ok=True)
        with os.scandir(directory) as found:
            for entry in found:
                if entry.name != ".lock" and entry.is_file(follow_symlinks=False):
                    Path(entry.path).unlink(missing_ok=True)
    (directory / ".lock").unlink(missing_ok=True)
    for folder in (directory, directory.parent):  # the library's folder too, once it holds no index
        try:
            folder.rmdir()
        except OSError:  # not empty: another build came, or another index of the library is there
            break


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
