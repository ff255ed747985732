"""The architecture holds: no cycle between the parts, the editor and the command line on top,
pygls only in `lsp/`, and the server never importing the training package."""

from graphlib import TopologicalSorter

from benchmarks.code_shape import import_graph, imported_modules, source_modules

MODULES = list(source_modules())
GRAPH = import_graph(MODULES)


def _importers(node: str) -> set[str]:
    return {source for source, targets in GRAPH.items() if node in targets}


def test_the_parts_import_each_other_without_a_cycle():
    order = list(TopologicalSorter(GRAPH).static_order())
    assert order.index("docs") < order.index("retrieval") < order.index("generation") < order.index("engine")
    assert order.index("engine") < order.index("lsp") < order.index("cli")


def test_only_the_layers_above_the_engine_use_it():
    assert _importers("engine") == {"lsp", "cli"}
    assert _importers("lsp") == {"cli"}
    assert _importers("cli") == {"__main__", "apiary_training"}  # apiary-train runs its commands by run_cli


def test_the_server_never_imports_the_training_package():
    assert not {source for source in _importers("apiary_training") if source != "apiary_training"}


def test_pygls_and_lsprotocol_are_imported_only_under_lsp():
    outside = {
        module.name
        for module in MODULES
        if not module.name.startswith("apiary.lsp")
        and any(name.split(".")[0] in ("pygls", "lsprotocol") for name in imported_modules(module))
    }
    assert outside == set()
