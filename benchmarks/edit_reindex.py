"""A one-file edit of a big library, re-indexed (issue "Scale and first contact": ≤ 3 s at 30k APIs).

Copies an installed package to a scratch folder, indexes it cold into an empty cache with the
encoder users get (`benchmarks.scale.users_encoder`), then appends one documented function to one
module and re-indexes: three times (a function each, the median and each run reported) with the
parsed modules the last build kept, once after an edit that
changes no API (a comment line above the imports: every line below moves, and the last index is
moved, not built), once after removing the kept modules (every file parsed again, as before they
were kept). Each re-index runs in a fresh process, as a
later `apiary index` or a restarted server does: nothing the first build remembered in memory
helps it; the time is the build's, not the process's start or the encoder's load (and, apart, when
its whole index could serve: before it is written to the cache). Checks that the
entries equal a parse of every file and that the new function is found. Last, as a user meets it:
the real server with the copy as its library, a comment line added and the file saved (`didSave`),
timed until the server's status shows the index built again and until the re-index's work ends;
before that save, the user types in the module (the editor sends a change): the server makes the
library's build memory then, timed from that work's start to its end. Then a third function appended and saved,
timed until the server's status counts it, and three more after it, each once the last re-index's work
ended (all build from what the server keeps in memory). Then a fresh server and an API-adding save of
a file nobody typed in (changed by another program): built from the cache. Last, a fresh server and a
save two seconds after the user began to type, while the library is prepared for its edits (the
preparation gives way to it). Prints and writes JSON.

    python -m benchmarks.edit_reindex [--library transformers|transformers+sympy] [--module utils/generic.py]
        [--out benchmarks/results/edit-reindex.json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.timing import write_figures

ROOT = Path(__file__).resolve().parents[1]
#: functions added and saved in the server after the first: from the second re-index on, the server
#: builds from what the last build kept in memory (`retrieval.store.BuildMemory`)
LATER_EDITS = 3
#: functions added one at a time, each edit re-indexed by a fresh process from what the last one kept
FRESH_PROCESS_EDITS = ("first_added_helper", "second_fresh_helper", "third_fresh_helper")
#: the server's work once the user types in a library's file (`Libraries.remember`)
PREPARING = "Apiary: preparing edited libraries"


def append_function(path: Path, name: str) -> None:
    with path.open("a") as module:
        module.write(
            f'\n\ndef {name}(values):\n    """Summarize the {name.replace("_", " ")} of a structure."""\n'
            "    return None\n"
        )
    time.sleep(2.1)  # past the window in which a file's times may not show a second change


def _add_comment_line(path: Path) -> None:
    """An edit that changes no API: a comment line above the module's first import (every line below moves)."""
    text = path.read_text()
    at = text.index("\nimport ") if "\nimport " in text else 0
    path.write_text(f"{text[:at]}\n# edited at {time.time_ns()}{text[at:]}")
    time.sleep(2.1)  # past the window in which a file's times may not show a second change


_REINDEX = """
import json, sys, time
from apiary.docs.locate import locate
from apiary.paths import index_dir
from apiary.retrieval.store import IndexStore
from benchmarks.scale import users_encoder
store = IndexStore(index_dir(), users_encoder())
served = []
started = time.perf_counter()
result = store.get_or_build(locate(sys.argv[1]), serve=lambda index: served.append(time.perf_counter()))
print(json.dumps({"seconds": round(time.perf_counter() - started, 2), "rebuilt": result.rebuilt,
                  "served_seconds": round(served[-1] - started, 2) if served else None,
                  "reused_vectors": result.reused_vectors}))
"""


def _timed_build(store, source) -> tuple[float, object]:
    started = time.perf_counter()
    result = store.get_or_build(source)
    return round(time.perf_counter() - started, 2), result


def _reindexed_in_a_fresh_process(copy: Path) -> dict:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": os.pathsep.join([str(ROOT / "server"), str(ROOT)])}
    done = subprocess.run([sys.executable, "-c", _REINDEX, str(copy)], env=env, capture_output=True, text=True,
                          check=True, timeout=1800)
    return json.loads(done.stdout.strip().splitlines()[-1])


class ProgressWatch:
    """The server's work-done progress as its client sees it: the work under way (token -> title and
    start), when each ended, and how long the last work of each title took."""

    def __init__(self) -> None:
        self.working: dict[str, tuple[str, float]] = {}
        self.ended: list[float] = []
        self.took: dict[str, float] = {}

    def on_progress(self, params) -> None:
        value = params.value
        field = value.get if isinstance(value, dict) else lambda name: getattr(value, name, None)
        if field("kind") == "begin":
            self.working[params.token] = (field("title") or "", time.perf_counter())
        elif field("kind") == "end":
            self.ended.append(time.perf_counter())
            title, began = self.working.pop(params.token, ("", self.ended[-1]))
            self.took[title] = self.ended[-1] - began

    def under_way(self, title: str) -> bool:
        return any(working == title for working, _ in self.working.values())


#: how the user meets an edit in `_saved_in_the_server`
TYPED, NOT_TYPED, SAVED_WHILE_PREPARING = "typed", "not typed", "saved while preparing"


async def _saved_in_the_server(copy: Path, edited: Path, mode: str, timeout: float = 600) -> dict:
    """The real server with the copy as its library: seconds from `didSave` of the ``edited`` module
    to the status that counts a new function (the old index answers meanwhile); and, for a saved edit
    that changes no API (a comment line above the imports), until the status says its index was built
    again, and until the re-index's work ends (the usage examples after the index).
    ``mode``: `TYPED`, the user types in the module first (its editor sends a change), and the server
    prepares the library for its edits (`Libraries.remember`), timed from that work's start to its end;
    `NOT_TYPED`, the first API-adding save alone, of a file the editor never changed; `SAVED_WHILE_PREPARING`,
    an API-adding save two seconds after the user began to type (the preparation gives way to it). The
    libraries the module imports are not discovered (`autoDiscover` off): opening it would index them,
    once, beside the edits."""
    from lsprotocol import types

    from apiary.lsp.client import SERVER_COMMAND, execute, init_params, make_client, open_document, wait_ready

    watch = ProgressWatch()
    working, ended, took = watch.working, watch.ended, watch.took

    async def until(done, what: str) -> None:
        while not await done():
            if time.perf_counter() - started > timeout:
                raise TimeoutError(f"the saved edit was not {what} within the timeout")
            await asyncio.sleep(0.05)

    def save() -> float:
        client.text_document_did_save(types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(edited.as_uri())))
        return time.perf_counter()

    client = make_client("apiary-edit-bench", on_progress=watch.on_progress)
    await client.start_io(*SERVER_COMMAND, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    # the libraries the module imports are not discovered: their first indexing, once per machine, is no edit's
    await client.initialize_async(init_params(copy.parent, {"libraries": [str(copy)], "autoDiscover": False}))
    client.initialized(types.InitializedParams())
    try:
        status = await wait_ready(client, timeout)
        async def quiet() -> bool:
            return not working

        async def rebuilt() -> bool:
            return (await execute(client, "apiary.status"))["libraries"][0]["built_at"] != built_at

        async def reindexed() -> bool:
            return not working and len(ended) > ends

        async def counted() -> bool:
            return (await execute(client, "apiary.status"))["libraries"][0]["apis"] != apis

        started = time.perf_counter()
        await until(quiet, "started")  # a user saves once the start's work is done
        apis = status["libraries"][0]["apis"]
        if mode == NOT_TYPED:  # the file changed by another program (a checkout): the first API-adding save only
            append_function(edited, f"saved_helper_{time.time_ns()}")
            started = save()
            await until(counted, "indexed")
            return {"saved_edit_not_typed_in_server_index_s": round(time.perf_counter() - started, 2)}
        text = edited.read_text()
        open_document(client, edited.as_uri(), text)
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=edited.as_uri(), version=2),
            [types.TextDocumentContentChangeWholeDocument(text=f"{text}\n")]))  # the user types in it
        started = time.perf_counter()
        if mode == SAVED_WHILE_PREPARING:
            append_function(edited, f"saved_helper_{time.time_ns()}")  # and saves two seconds later
            started = save()
            await until(counted, "indexed")
            return {"saved_edit_while_preparing_in_server_index_s": round(time.perf_counter() - started, 2)}

        async def prepared_for_edits() -> bool:
            return PREPARING in took and not working

        await until(prepared_for_edits, "prepared for edits")  # a user types for longer than that before saving
        ends, built_at = len(ended), (await execute(client, "apiary.status"))["libraries"][0]["built_at"]
        _add_comment_line(edited)
        started = save()
        await until(rebuilt, "in the index")
        no_api_in_index = time.perf_counter() - started
        await until(reindexed, "re-indexed")
        no_api = ended[-1] - started
        adding: list[float] = []
        for _ in range(1 + LATER_EDITS):
            await until(quiet, "done with the last edit")
            append_function(edited, f"saved_helper_{time.time_ns()}")  # a name no earlier run added
            started = save()
            await until(counted, "indexed")
            adding.append(round(time.perf_counter() - started, 2))
            apis = (await execute(client, "apiary.status"))["libraries"][0]["apis"]
        return {"preparing_for_edits_s": round(took[PREPARING], 2),
                "saved_edit_in_server_index_s": adding[0],
                "later_saved_edits_in_server_index_s": adding[1:],
                "saved_edit_changing_no_api_in_server_index_s": round(no_api_in_index, 2),
                "saved_edit_changing_no_api_in_server_work_s": round(no_api, 2)}
    finally:
        await client.shutdown_async(None)
        client.exit(None)
        await client.stop()


def copied_library(library: str, module: str, folder: Path) -> tuple[Path, Path]:
    """A copy of the installed ``library`` (``a+b``: packages a and b side by side, one library) and
    the path of ``module`` in its (first) package."""
    from apiary.docs.locate import locate
    from benchmarks.scale import combined_library

    packages = tuple(library.split("+"))
    first = locate(packages[0], name=packages[0]).root
    if len(packages) > 1:
        copy = combined_library(folder, packages)
        return copy, copy / first.name / module
    copy = folder / first.name
    shutil.copytree(first, copy)
    return copy, copy / module


def measure(library: str, module: str, scratch: Path) -> dict:
    os.environ["APIARY_CACHE_DIR"] = str(scratch / "cache")
    from apiary.docs.ingest import ingest
    from apiary.docs.locate import locate
    from apiary.paths import index_dir
    from apiary.retrieval.cache import PARSED_MODULES
    from apiary.retrieval.store import IndexStore
    from benchmarks.scale import users_encoder

    copy, edited = copied_library(library, module, scratch / "src")
    encoder = users_encoder()
    encoder.encode(["warm up"])
    store = IndexStore(index_dir(), encoder)
    cold_s, cold = _timed_build(store, locate(str(copy)))
    kept_runs = []
    for name in FRESH_PROCESS_EDITS:  # one run says little on a shared machine: the median of three
        append_function(edited, name)
        kept_runs.append(_reindexed_in_a_fresh_process(copy))
    kept = kept_runs[0]
    _add_comment_line(edited)
    no_api = _reindexed_in_a_fresh_process(copy)
    with_first = store.get_or_build(locate(str(copy)))
    no_api_equal = ([e.to_json() for e in with_first.index.entries]
                    == [e.to_json() for e in ingest(locate(str(copy))).entries])
    for path in (scratch / "cache").rglob(PARSED_MODULES):
        path.unlink()
    append_function(edited, "second_added_helper")
    every_file = _reindexed_in_a_fresh_process(copy)
    fresh = ingest(locate(str(copy)))
    equal = ([e.to_json() for e in store.get_or_build(locate(str(copy))).index.entries]
             == [e.to_json() for e in fresh.entries])
    in_server = asyncio.run(_saved_in_the_server(copy, edited, TYPED))  # edits the copy once more
    not_typed = asyncio.run(_saved_in_the_server(copy, edited, NOT_TYPED))
    while_preparing = asyncio.run(_saved_in_the_server(copy, edited, SAVED_WHILE_PREPARING))
    return {"library": library, "apis": len(cold.index.entries), "edited": module, "cold_s": cold_s,
            "edit_with_kept_modules_s": statistics.median(run["seconds"] for run in kept_runs),
            "edit_served_before_stored_s": statistics.median(run["served_seconds"] for run in kept_runs),
            "edit_served_before_stored_runs_s": [run["served_seconds"] for run in kept_runs],
            "edit_parsing_every_file_s": every_file["seconds"],
            "edit_changing_no_api_s": no_api["seconds"], "edit_changing_no_api_served_s": no_api["served_seconds"],
            **in_server, **not_typed, **while_preparing,
            "rebuilt": (all(run["rebuilt"] for run in kept_runs) and no_api["rebuilt"] and every_file["rebuilt"]
                        and not with_first.rebuilt),
            "reused_vectors": kept["reused_vectors"],
            # only documented entries have vectors (the others get zeros): reuse is complete when these are equal
            "documented_apis": sum(1 for e in cold.index.entries if e.description),
            "entries_equal_a_full_parse": equal, "no_api_edit_entries_equal_a_full_parse": no_api_equal,
            "new_api_found": any(e.name == "first_added_helper" for e in with_first.index.entries)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--library", default="transformers",
                        help="an installed package, or several joined by + indexed as one library")
    parser.add_argument("--module", default="utils/generic.py", help="the file to edit, inside the (first) package")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "edit-reindex.json")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="apiary-edit-") as scratch:
        record = measure(args.library, args.module, Path(scratch))
    write_figures(record, args.out, "benchmarks.edit_reindex", argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
