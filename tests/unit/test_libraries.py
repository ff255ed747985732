"""Which configured libraries a saved file belongs to (`Libraries.holding`)."""

from __future__ import annotations

from pathlib import Path

from apiary.engine.workspace import Libraries


def _libraries(roots: dict[str, Path | None]) -> Libraries:
    libraries = Libraries()
    libraries.configure(roots)
    for state in libraries.states():
        state.root = roots[state.spec]
    return libraries


def test_a_file_is_held_by_the_libraries_whose_folder_or_file_it_is_in():
    libraries = _libraries({"pkg": Path("/src/pkg"), "single": Path("/src/single.py"), "unlocated": None,
                            "sibling": Path("/src/pkg2")})
    assert libraries.holding(Path("/src/pkg/sub/mod.py")) == ["pkg"]
    assert libraries.holding(Path("/src/single.py")) == ["single"]
    assert libraries.holding(Path("/src/pkg2/a.py")) == ["sibling"]
    assert libraries.holding(Path("/src/other.py")) == []
    assert libraries.holding(Path("/src")) == []
