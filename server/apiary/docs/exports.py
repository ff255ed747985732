"""Which definitions of a package are public, and the import path a user would write for each.

Follows re-exports through ``__init__`` modules and ``__all__`` (``from ._core import _Fast as Fast``
makes ``pkg.Fast`` public even though ``_core`` is private), picks the shortest public path as the
canonical one, and turns definitions into `ApiEntry` values. Pure: works on `ModuleDoc`s only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from apiary.docs.assigned import AssignedEntries, Assignments, documented_entry
from apiary.docs.docstrings import declared_aliases
from apiary.docs.entry import ApiEntry, ApiKind, replaced, signature_text
from apiary.docs.python_module import Definition, ModuleDoc

log = logging.getLogger(__name__)

_MAX_HOPS = 12


@dataclass(frozen=True)
class Target:
    """What a public name resolves to."""

    kind: str  # "definition" | "binding" (a name bound by assignment) | "module" | "external"
    module: str  # defining module, or the module itself, or the external dotted path
    local_name: str = ""


class ExportResolver:
    def __init__(self, modules: dict[str, ModuleDoc]):
        self.modules = modules
        self._submodules: dict[str, set[str]] = {}
        for dotted in modules:
            parent, _, child = dotted.rpartition(".")
            self._submodules.setdefault(parent, set()).add(child)
        self._namespaces: dict[str, frozenset[str] | None] = {}
        self._by_name: dict[str, dict[str, list[str]] | None] = {}

    def resolve(self, module: str, name: str, hops: int = 0) -> Target | None:
        """Resolve ``module.name`` through imports to where it is defined."""
        doc = self.modules.get(module)
        if doc is None or hops > _MAX_HOPS:
            return None
        if name in doc.definitions:
            return Target("definition", module, name)
        if name in doc.imports:
            found = self.resolve_dotted(doc.imports[name], hops + 1)
            # ``try: from _speedups import f`` / ``except ImportError: f = _slow_f``: the package's own
            # binding names the API; a fallback ``f = None`` does not
            binding = doc.bindings.get(name)
            if (
                binding is None
                or binding.form not in ("name", "call")
                or (found is not None and found.kind != "external")
            ):
                return found
        if name in doc.bindings:
            return Target("binding", module, name)
        if f"{module}.{name}" in self.modules:
            return Target("module", f"{module}.{name}")
        for source in self._star_sources(module, doc, name):
            found = self.resolve(source, name, hops + 1)
            if found is not None:
                return found
        return None

    def _star_sources(self, module: str, doc: ModuleDoc, name: str) -> list[str]:
        """The modules ``module`` star-imports that bind ``name`` at all, in order (resolving it in the
        others finds nothing): a package whose ``__init__`` star-imports hundreds of modules is
        searched only where the name is, not through all of them for every name (transformers: 8.7
        million calls, 10 s, before)."""
        if module not in self._by_name:
            self._by_name[module] = self._star_index(module, doc)
        by_name = self._by_name[module]
        return self._wildcard_sources(doc) if by_name is None else by_name.get(name, [])

    def _star_index(self, module: str, doc: ModuleDoc) -> dict[str, list[str]] | None:
        by_name: dict[str, list[str]] = {}
        for source in self._wildcard_sources(doc):
            namespace = self._namespace(source, frozenset({module}))
            if namespace is None:
                return None
            for bound in namespace:
                by_name.setdefault(bound, []).append(source)
        return by_name

    def _namespace(self, module: str, within: frozenset[str]) -> frozenset[str] | None:
        """Every name ``module`` binds, its star imports' included (None inside a cycle of star
        imports, where the answer is left to the search itself)."""
        if module in self._namespaces:
            return self._namespaces[module]
        if module in within:
            return None
        doc = self.modules[module]
        names = {*doc.definitions, *doc.imports, *doc.bindings, *self._submodules.get(module, ())}
        complete = True
        for source in self._wildcard_sources(doc):
            inner = self._namespace(source, within | {module})
            complete = complete and inner is not None
            names.update(inner or ())
        answer = frozenset(names) if complete else None
        if complete or not within:
            self._namespaces[module] = answer
        return answer

    def resolve_dotted(self, dotted: str, hops: int = 0) -> Target | None:
        if dotted in self.modules:
            return Target("module", dotted)
        module, _, attribute = dotted.rpartition(".")
        if module in self.modules:
            return self.resolve(module, attribute, hops)
        outer = module
        while outer and outer not in self.modules:  # a method path such as pkg.mod.Class.method
            outer = outer.rpartition(".")[0]
        if outer:
            local = dotted[len(outer) + 1 :]
            head = local.split(".")[0]
            target = self.resolve(outer, head, hops)
            if target and target.kind == "definition":
                full = target.local_name + local[len(head) :]
                if full in self.modules[target.module].definitions:
                    return Target("definition", target.module, full)
                if full in self.modules[target.module].bindings:  # ``Registry.Quantity: TypeAlias = ...``
                    return Target("binding", target.module, full)
            return None
        return Target("external", dotted)

    def exported_names(self, module: str, within: frozenset[str] = frozenset()) -> list[str]:
        """The names ``module`` exports (``within``: the star-importing modules this is asked for,
        so that a cycle of star imports ends)."""
        doc = self.modules[module]
        if doc.all_names is not None:
            return list(dict.fromkeys(doc.all_names))
        names = [n for n in doc.definitions if "." not in n and not n.startswith("_")]
        # a name both imported and assigned (a fallback) is exported only as its import would be
        names.extend(n for n in doc.bindings if "." not in n and not n.startswith("_") and n not in doc.imports)
        if doc.is_package or doc.is_stub:
            names.extend(self._implicit_reexports(module, doc))
        for source in self._wildcard_sources(doc):
            if source not in within and source != module:
                names.extend(self.exported_names(source, within | {module}))
        return list(dict.fromkeys(names))

    def _implicit_reexports(self, module: str, doc: ModuleDoc) -> list[str]:
        """Without ``__all__``: a stub re-exports only ``import x as x`` names (PEP 484); a package's
        ``__init__`` re-exports what it imports from its own library."""
        if doc.is_stub:
            return sorted(doc.explicit_reexports)
        top = module.split(".")[0]
        return [
            local for local, target in doc.imports.items()
            if not local.startswith("_") and target.split(".")[0] == top and local not in doc.module_imports
        ]

    def _wildcard_sources(self, doc: ModuleDoc) -> list[str]:
        return [m for m in doc.wildcards if m in self.modules]


def public_paths(
    modules: dict[str, ModuleDoc], resolver: ExportResolver | None = None
) -> dict[tuple[str, str], list[str]]:
    """Every public dotted path of every definition and module: (module, local_name) -> paths."""
    resolver = resolver or ExportResolver(modules)
    paths: dict[tuple[str, str], list[str]] = {}
    for module in modules:
        if not is_public_module(module):
            continue
        paths.setdefault((module, ""), []).append(module)
        for name in resolver.exported_names(module):
            target = resolver.resolve(module, name)
            if target is None:
                continue
            key = (target.module, target.local_name) if target.kind != "external" else ("<external>", target.module)
            paths.setdefault(key, []).append(f"{module}.{name}")
    return paths


def is_public_module(module: str) -> bool:
    return not any(part.startswith("_") and part != "__init__" for part in module.split("."))


def canonical(paths: list[str], home: str = "", plain_modules: frozenset[str] = frozenset()) -> str:
    """The path a user would write: fewest dots, then shortest. A top-level single-file module other
    than the one defining the API (``plain_modules``) comes last at equal depth: it is a script or shim
    re-exporting it (peewee's ``pwiz.py``: ``from peewee import *``), not where users import it from."""
    top = home.split(".", 1)[0]

    def elsewhere(path: str) -> bool:
        head = path.split(".", 1)[0]
        return head != top and head in plain_modules

    return min(paths, key=lambda p: (p.count("."), elsewhere(p), len(p), p))


class MadeEntries:
    """The entries a build made of modules and definitions, for the library's next build in the same
    process: a definition read again (the same object, as `parsed_modules.ReadInMemory` keeps the
    modules of unchanged files) under the same path and owner is the same entry, not made again; so
    is one whose bases resolve as before. What a build makes is all it keeps (`after`). Entries
    made of assignments are made again: the next index derives their texts again."""

    def __init__(self) -> None:
        self._last: dict[tuple, tuple[tuple, ApiEntry]] = {}
        self._made: dict[tuple, tuple[tuple, ApiEntry]] = {}

    def after(self) -> MadeEntries:
        """What the next build starts from: what this one made."""
        following = MadeEntries()
        following._last = self._made
        return following

    def definition_entry(self, doc: ModuleDoc, d: Definition, path: str, library: str,
                         owner: str | None) -> ApiEntry:
        key = (id(d), id(doc), path, library, owner)
        return self._made_of(key, (d, doc), lambda: _definition_entry(doc, d, path, library, owner))

    def module_entry(self, doc: ModuleDoc, path: str, library: str) -> ApiEntry:
        return self._made_of((id(doc), path, library), (doc,), lambda: _module_entry(doc, path, library))

    def with_bases(self, entry: ApiEntry, bases: tuple[str, ...]) -> ApiEntry:
        return self._made_of((id(entry), bases), (entry,), lambda: replaced(entry, bases=bases))

    def _made_of(self, key: tuple, sources: tuple, make: Callable[[], ApiEntry]) -> ApiEntry:
        # the objects an entry is made of are held with it: alive, no others can have the ids in ``key``
        known = self._last.get(key)
        same = known is not None and all(kept is now for kept, now in zip(known[0], sources, strict=True))
        entry = known[1] if same else make()
        self._made[key] = (sources, entry)
        return entry


def build_entries(modules: dict[str, ModuleDoc], library: str, made: MadeEntries | None = None) -> list[ApiEntry]:
    """All public APIs of the package as entries, methods under their class's public path (``made``:
    what the library's last build in this process made, and what this one makes)."""
    made = made if made is not None else MadeEntries()
    # one resolver for the whole build: what it learns of star imports (transformers: 2,386 modules'
    # namespaces) is learnt once, not once per pass
    resolver = ExportResolver(modules)
    paths = public_paths(modules, resolver)
    entries: list[ApiEntry] = []
    class_paths: dict[tuple[str, str], str] = {}
    def_paths: dict[tuple[str, str], str] = {}
    binding_paths: dict[tuple[str, str], str] = {}
    plain_modules = frozenset(m for m, doc in modules.items() if "." not in m and not doc.is_package)
    for (module, local), candidates in paths.items():
        path = canonical(candidates, module if module != "<external>" else "", plain_modules)
        if module == "<external>":
            entries.append(_external_entry(path, local, library))
        elif local == "":
            entries.append(made.module_entry(modules[module], path, library))
        elif local in modules[module].definitions:
            definition = modules[module].definitions[local]
            if definition.kind == ApiKind.CLASS:
                class_paths[(module, local)] = path
            def_paths[(module, local)] = path
            entries.append(made.definition_entry(modules[module], definition, path, library, owner=None))
        elif local in modules[module].bindings:
            binding_paths[(module, local)] = path
    children = _children_by_class(modules)
    try:
        return _with_assignments(
            modules, library, entries, dict(class_paths), def_paths, binding_paths, children, resolver, made
        )
    except Exception:  # noqa: BLE001 - never lose a library to what its assignments say
        log.warning("%s: names bound by assignment were not indexed", library, exc_info=True)
    entries = entries + _members(modules, class_paths, library, children, made)
    resolve_bases = _base_resolver(resolver, class_paths)
    entries = [_with_resolved_bases(e, resolve_bases, made) for e in entries]
    entries.extend(_aliases([e for e in entries if e.kind != ApiKind.MODULE]))
    return _distinct_import_paths(entries)


def _with_assignments(
    modules: dict[str, ModuleDoc],
    library: str,
    entries: list[ApiEntry],
    class_paths: dict[tuple[str, str], str],
    def_paths: dict[tuple[str, str], str],
    binding_paths: dict[tuple[str, str], str],
    children: dict[tuple[str, str], list[tuple[str, Definition]]],
    resolver: ExportResolver,
    made: MadeEntries,
) -> list[ApiEntry]:
    """`build_entries` with the names the package binds by assignment (see `assigned.py`)."""
    assignments = Assignments(modules, resolver.resolve)
    assigned = AssignedEntries(assignments, library, class_paths, def_paths)
    entries = list(entries)
    for cls in [*assigned.claim_aliased_private_classes(binding_paths), *assigned.claim_reachable_classes(children)]:
        doc = modules[cls[0]]
        entries.append(made.definition_entry(doc, doc.definitions[cls[1]], class_paths[cls], library, owner=None))
    entries.extend(_members(modules, class_paths, library, children, made))
    entries.extend(assigned.member_entries(class_paths))
    resolve_bases = _base_resolver(resolver, class_paths, assignments)
    entries = [_with_resolved_bases(e, resolve_bases, made) for e in entries]
    entries.extend(_aliases([e for e in entries if e.kind != ApiKind.MODULE]))

    def members_under(classes: dict[tuple[str, str], str]) -> list[ApiEntry]:
        return [_with_resolved_bases(e, resolve_bases, made)
                for e in _members(modules, classes, library, children, made)]

    entries.extend(assigned.module_entries(binding_paths, members_under, resolve_bases))
    return _distinct_import_paths(entries)


def _members(
    modules: dict[str, ModuleDoc],
    class_paths: dict[tuple[str, str], str],
    library: str,
    children: dict[tuple[str, str], list[tuple[str, Definition]]] | None = None,
    made: MadeEntries | None = None,
) -> list[ApiEntry]:
    # Members looked up by class, not by scanning every definition per class: that was quadratic,
    # minutes for a large stub (thousands of classes, tens of thousands of methods).
    children = _children_by_class(modules) if children is None else children
    made = made if made is not None else MadeEntries()
    members: list[ApiEntry] = []
    for (module, class_local), class_path in class_paths.items():
        for local, definition in children.get((module, class_local), ()):
            path = f"{class_path}.{local.rsplit('.', 1)[-1]}"
            members.append(made.definition_entry(modules[module], definition, path, library, owner=class_path))
            if definition.kind == ApiKind.CLASS:
                members.extend(_members(modules, {(module, local): path}, library, children, made))
    return members


def _children_by_class(modules: dict[str, ModuleDoc]) -> dict[tuple[str, str], list[tuple[str, Definition]]]:
    children: dict[tuple[str, str], list[tuple[str, Definition]]] = {}
    for module, doc in modules.items():
        for local, definition in doc.definitions.items():
            if definition.parent is not None:
                children.setdefault((module, definition.parent), []).append((local, definition))
    return children


def _definition_entry(doc: ModuleDoc, d: Definition, path: str, library: str, owner: str | None) -> ApiEntry:
    signature = signature_text(d.params, d.returns) if d.has_signature else ""
    if d.kind == ApiKind.PROPERTY:
        signature = ""
    return documented_entry(path.rsplit(".", 1)[-1], f"{doc.module}.{d.local_name}", path, d.kind, library,
                            f"{doc.path}:{d.line}", doc=d.doc, params=d.params, returns=d.returns,
                            signature=signature, owner=owner, bases=d.bases, on_class=d.on_class)


def _module_entry(doc: ModuleDoc, path: str, library: str) -> ApiEntry:
    return documented_entry(path.rsplit(".", 1)[-1], doc.module, path, ApiKind.MODULE, library, f"{doc.path}:1",
                            doc=doc.doc)


def _external_entry(path: str, target: str, library: str) -> ApiEntry:
    return ApiEntry(
        name=path.rsplit(".", 1)[-1],
        qualname=target,
        import_path=path,
        kind=ApiKind.EXTERNAL,
        library=library,
        source=f"re-exported from {target}",
    )


def _base_resolver(resolver: ExportResolver, class_paths: dict[tuple[str, str], str],
                   assignments: Assignments | None = None):
    def resolve(base: str, module: str) -> str:
        target = resolver.resolve_dotted(base) if "." in base else resolver.resolve(module, base)
        if target is not None and target.kind == "definition":
            return class_paths.get((target.module, target.local_name), base)
        if assignments is not None and (target is None or target.kind == "binding"):
            # a base named through an assignment: ``facets.PlainRegistry.Quantity`` (``Quantity = PlainQuantity``)
            cls = assignments.base_class(module, base)
            if cls is not None:
                return class_paths.get(cls, base)
        return base

    return resolve


def _with_resolved_bases(entry: ApiEntry, resolve, made: MadeEntries) -> ApiEntry:
    if not entry.bases:
        return entry
    module = entry.qualname.rsplit(".", 1)[0]
    bases = tuple(resolve(b, module) for b in entry.bases)
    return entry if bases == entry.bases else made.with_bases(entry, bases)


def _aliases(entries: list[ApiEntry]) -> list[ApiEntry]:
    """Entries for the other names a docstring declares ("functional name: ``cycle``").

    A declared name is usually how users call a class as a method on its first argument (torchdata's
    ``dp.cycle(2)`` for ``Cycler(dp, 2)``), so the alias takes the class's parameters minus the
    first, and belongs to the type of that first argument (else the class's first base).
    """
    by_path = {e.import_path: e for e in entries}
    aliases: list[ApiEntry] = []
    for entry in entries:
        for alias in declared_aliases(entry.doc):
            if alias == entry.name:
                continue
            params = entry.params[1:] if entry.kind == ApiKind.CLASS else entry.params
            first = entry.params[0] if entry.params else None
            owner = _owner_of_functional_form(entry, first, by_path)
            aliases.append(
                replaced(
                    entry,
                    name=alias,
                    import_path=f"{owner}.{alias}" if owner else alias,
                    kind=ApiKind.ALIAS,
                    params=params,
                    signature=signature_text(params, entry.returns),
                    owner=owner,
                    alias_of=entry.import_path,
                    bases=(),
                )
            )
    return aliases


def _owner_of_functional_form(entry: ApiEntry, first, by_path: dict[str, ApiEntry]) -> str | None:
    if first is not None and first.annotation:
        annotated = first.annotation.split("[", 1)[0]
        for candidate in by_path.values():
            if candidate.kind == ApiKind.CLASS and (candidate.name == annotated or candidate.import_path == annotated):
                return candidate.import_path
    return entry.bases[0] if entry.bases else None


def _distinct_import_paths(entries: list[ApiEntry]) -> list[ApiEntry]:
    """One entry per import path; where an alias collides with a documented method, keep the method
    but give it the alias's docs if it has none."""
    chosen: dict[str, ApiEntry] = {}
    for entry in entries:
        existing = chosen.get(entry.import_path)
        if existing is None:
            chosen[entry.import_path] = entry
        elif existing.kind == ApiKind.ALIAS and entry.kind != ApiKind.ALIAS:
            chosen[entry.import_path] = _fill_docs(entry, existing)
        elif entry.kind == ApiKind.ALIAS and existing.kind != ApiKind.ALIAS:
            chosen[entry.import_path] = _fill_docs(existing, entry)
    return list(chosen.values())


def _fill_docs(entry: ApiEntry, donor: ApiEntry) -> ApiEntry:
    if entry.doc:
        return entry
    return replaced(entry, doc=donor.doc, description=donor.description, examples=donor.examples)
