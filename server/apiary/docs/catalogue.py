"""A library's API catalogue: its entries and the lookups over them (by import path, qualified name,
short name, owner and parent), base classes and the class an annotation names.

Kept apart from the search index (vectors, BM25, signal tables) so that code that only looks APIs up
(the checker, the offline generator, type inference) needs nothing of retrieval. Positions are the
entries' own: an index's row ``i`` is its catalogue's entry ``i``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from apiary.docs.entry import ApiEntry, ApiKind

_OPTIONAL = re.compile(r"^(?:typing\.)?Optional\[(.*)\]$")
#: the generic containers of ``typing`` and ``collections.abc``: subscripted (``Mapping[str, Any]``),
#: the name is theirs, not a library class's that happens to share it (``marshmallow.fields.Mapping``)
_TYPING_GENERICS = frozenset({
    "Mapping", "MutableMapping", "Sequence", "MutableSequence", "Iterable", "Iterator", "Collection",
    "Container", "Set", "AbstractSet", "MutableSet", "Callable", "Generator", "Awaitable", "Coroutine",
    "AsyncIterable", "AsyncIterator", "Dict", "List", "Tuple", "FrozenSet", "Type", "Union", "Literal",
})


@dataclass
class Catalogue:
    #: the library's name
    name: str
    entries: list[ApiEntry]
    #: import path -> position (the last entry of a path wins)
    by_path: dict[str, int] = field(init=False)
    #: short name (``keep_where``) -> positions
    by_name: dict[str, list[int]] = field(init=False)
    #: import path of a class -> positions of its methods and properties
    members: dict[str, list[int]] = field(init=False)
    #: import path of a module or class -> positions of the entries directly in it
    children: dict[str, list[int]] = field(init=False)

    def __post_init__(self) -> None:
        self.by_path = {e.import_path: i for i, e in enumerate(self.entries)}
        # reversed: of two entries with one qualified name, the first wins
        self._by_qualname = {e.qualname: i for i, e in reversed(list(enumerate(self.entries)))}
        self.by_name = defaultdict(list)
        self.members = defaultdict(list)
        self.children = defaultdict(list)
        for i, entry in enumerate(self.entries):
            self.by_name[entry.name].append(i)
            self.children[entry.import_path.rpartition(".")[0]].append(i)
            if entry.owner:
                self.members[entry.owner].append(i)

    def find(self, dotted: str) -> ApiEntry | None:
        """An entry by import path or qualified name."""
        index = self.by_path.get(dotted, self._by_qualname.get(dotted))
        return self.entries[index] if index is not None else None

    def ancestors(self, class_path: str) -> list[str]:
        """``class_path`` and its base classes within this library, nearest first."""
        order: list[str] = []
        pending = [class_path]
        while pending:
            current = pending.pop(0)
            if current in order:
                continue
            order.append(current)
            entry = self.find(current)
            if entry is not None:
                pending.extend(b for b in entry.bases if b not in order)
        return order

    def class_of_annotation(self, annotation: str | None) -> str | None:
        """The import path of the library class an annotation names (``Optional[Table]`` -> ``pkg.Table``)."""
        if not annotation:
            return None
        first = _OPTIONAL.sub(r"\1", annotation.strip().strip("'\"")).split("|")[0]
        bare = first.split("[")[0].strip()
        if not bare or ("[" in first and bare.rsplit(".", 1)[-1] in _TYPING_GENERICS):
            return None
        entry = self.find(bare)
        if entry is None:
            candidates = [self.entries[i] for i in self.by_name.get(bare.rsplit(".", 1)[-1], [])]
            entry = next((c for c in candidates if c.kind == ApiKind.CLASS), None)
        return entry.import_path if entry is not None and entry.kind == ApiKind.CLASS else None
