"""Source files -> read -> filtered -> library-oriented -> de-duplicated, with a progress bar; every
file that drops out is counted in the report under its reason and the run goes on."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from apiary_training.corpus.dedup import Deduplicator
from apiary_training.corpus.filters import FilterSettings, check_file
from apiary_training.corpus.report import CorpusReport
from apiary_training.corpus.sources import SkipFile, expand_sources, imports_any, read_source


@dataclass(frozen=True)
class CleanFile:
    name: str
    text: str
    tree: ast.Module
    #: the file's own project's top-level modules (`SourceFile.project_modules`)
    project_modules: frozenset[str] = frozenset()


@dataclass(frozen=True)
class SourceOptions:
    #: keep only files importing one of these (the library-oriented sub-corpus); empty keeps all
    libraries: tuple[str, ...] = ()
    filters: FilterSettings = field(default_factory=FilterSettings)
    dedup: bool = True
    near_threshold: float = 0.85
    unpack_dir: Path | None = None
    progress: bool = True


def clean_files(specs: Sequence[str], options: SourceOptions, report: CorpusReport) -> Iterator[CleanFile]:
    files = expand_sources(specs, options.unpack_dir)
    dedup = Deduplicator(options.near_threshold) if options.dedup else None
    for source in tqdm(files, desc="files", unit="file", file=sys.stderr, disable=not options.progress):
        report.files_seen += 1
        try:
            text = read_source(source.path, options.filters.max_bytes)
            text, tree = check_file(source.name, text, options.filters)
            if options.libraries and not imports_any(tree, options.libraries):
                raise SkipFile("does not import the library")
            if dedup is not None and (duplicate := dedup.check(text)):
                raise SkipFile(duplicate)
        except SkipFile as skip:
            report.drop_file(str(skip), source.name)
            continue
        report.files_kept += 1
        yield CleanFile(source.name, text, tree, source.project_modules)
