"""The example library indexed with the hashing encoder (fast, no model) and an engine over it,
shared by the generation tests."""

from __future__ import annotations

from pathlib import Path

from apiary.docs.locate import locate
from apiary.engine.assemble import Engine, build_engine
from apiary.retrieval.encoder import HashingEncoder
from apiary.retrieval.index import LibraryIndex
from apiary.retrieval.store import IndexStore

EXAMPLE_LIBRARY = Path(__file__).resolve().parents[2] / "examples" / "library"


def example_index(cache: Path) -> LibraryIndex:
    return IndexStore(cache, HashingEncoder()).get_or_build(locate(str(EXAMPLE_LIBRARY))).index


def package_index(root: Path, name: str, code: str) -> LibraryIndex:
    """A one-module package ``name`` written under ``root`` with ``code``, indexed in ``root/cache``."""
    package = root / name
    package.mkdir()
    (package / "__init__.py").write_text(code)
    return IndexStore(root / "cache", HashingEncoder()).get_or_build(locate(str(package))).index


def example_engine(index: LibraryIndex, **options) -> Engine:
    return build_engine(HashingEncoder(), lambda: [index], **options)
