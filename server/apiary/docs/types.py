"""What the library's docs let us infer about the type of a name in scope.

``t = tb.Table(rows)`` makes ``t`` a ``honeycomb.Table``; ``t2 = t.keep_where(f)`` is whatever
``Table.keep_where`` is annotated to return. When a value comes from a name the library re-exports
from elsewhere (so we have no docs for it), we still know which module it came from, which is
often enough to prefer that module's classes' methods.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from apiary.context import ValueOrigin
from apiary.docs.catalogue import Catalogue
from apiary.docs.entry import ApiEntry, ApiKind

_MAX_DEPTH = 8
_OPTIONAL = re.compile(r"^(?:typing\.)?Optional\[(.*)\]$")


@dataclass(frozen=True)
class InferredType:
    #: import paths of the class and its documented ancestors, nearest first
    classes: tuple[str, ...] = ()
    #: the module a value came from when its class is not documented here
    module: str | None = None

    @property
    def known(self) -> bool:
        return bool(self.classes or self.module)


@dataclass
class TypeResolver:
    catalogue: Catalogue
    scope: dict[str, ValueOrigin] = field(default_factory=dict)
    #: classes the file defines -> their bases as dotted paths (``class UserSchema(ma.Schema)``)
    local_classes: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def of_name(self, name: str, depth: int = 0) -> InferredType:
        origin = self.scope.get(name)
        if origin is None or depth > _MAX_DEPTH:
            return InferredType()
        if origin.annotation:
            annotated = self.of_annotation(origin.annotation)
            if annotated.known:
                return annotated
        if origin.resolved and "[]" not in origin.resolved:
            # resolved at the point of binding: `df = df.filter(...)` reads the earlier `df`, where the
            # callee alone ("df.filter") would lead back to this very binding
            resolved = self.of_expression(origin.resolved.removesuffix("()"), head_is_local=False, depth=depth + 1)
            if resolved.known:
                return resolved
        if origin.callee is None:
            return InferredType()
        return self.of_expression(origin.callee, origin.head_is_local, depth + 1)

    def of_expression(self, dotted: str, head_is_local: bool, depth: int = 0) -> InferredType:
        """The type of calling ``dotted`` (``"honeycomb.Table"``, ``"t.keep_where"``, ``"hc.read().head"``)."""
        parts = [p for p in dotted.replace("()", "").split(".") if p]
        if not parts:
            return InferredType()
        if head_is_local:
            current = self.of_name(parts[0], depth + 1)
            rest = parts[1:]
            if not rest:  # a local that is itself called: `make()` -> whatever make returns; unknown
                return current
        else:
            current, rest = self._longest_known_prefix(parts)
        for attribute in rest:
            current = self._member_result(current, attribute)
            if not current.known:
                break
        return current

    def of_annotation(self, annotation: str) -> InferredType:
        text = annotation.strip().strip("'\"")
        optional = _OPTIONAL.match(text)
        if optional:
            text = optional.group(1)
        text = text.split("|")[0].strip().split("[")[0]
        entry = self._class_named(text)
        return self._class_type(entry) if entry else InferredType()

    def _longest_known_prefix(self, parts: list[str]) -> tuple[InferredType, list[str]]:
        for cut in range(len(parts), 0, -1):
            entry = self.catalogue.find(".".join(parts[:cut]))
            if entry is not None:
                return self._value_of(entry), parts[cut:]
        if parts[0] in self.local_classes:
            return self.of_local_class(parts[0]), parts[1:]
        return InferredType(), []

    def of_local_class(self, name: str) -> InferredType:
        """A class the file defines is, to the library, what its library bases are: a subclass of
        ``Schema`` has ``Schema``'s methods."""
        classes: list[str] = []
        for base in self.local_classes.get(name, ()):
            entry = self._class_named(base) if base not in self.local_classes else None
            if entry is not None:
                classes.extend(c for c in self.catalogue.ancestors(entry.import_path) if c not in classes)
        return InferredType(classes=tuple(classes))

    def _value_of(self, entry: ApiEntry) -> InferredType:
        """The type of the value produced by calling (or naming) ``entry``."""
        if entry.kind == ApiKind.CLASS:
            return self._class_type(entry)
        if entry.kind == ApiKind.EXTERNAL:
            return InferredType(module=entry.import_path.rpartition(".")[0])
        if entry.kind == ApiKind.MODULE:
            return InferredType(module=entry.import_path)
        if entry.returns:
            return self.of_annotation(entry.returns)
        if entry.kind == ApiKind.ALIAS and entry.alias_of:  # a functional form returns its class
            target = self.catalogue.find(entry.alias_of)
            return self._class_type(target) if target else InferredType()
        return InferredType()

    def _member_result(self, owner: InferredType, attribute: str) -> InferredType:
        if owner.classes:
            for class_path in owner.classes:
                entry = self.catalogue.find(f"{class_path}.{attribute}")
                if entry is not None:
                    result = self._value_of(entry)
                    return result if result.known else InferredType()
            return InferredType()
        if owner.module:  # an undocumented object from `module`: try its classes' members of that name
            entry = self.catalogue.find(f"{owner.module}.{attribute}") or self._member_in_module(
                owner.module, attribute
            )
            return self._value_of(entry) if entry else InferredType()
        return InferredType()

    def _member_in_module(self, module: str, attribute: str) -> ApiEntry | None:
        for i in self.catalogue.by_name.get(attribute, []):
            entry = self.catalogue.entries[i]
            if entry.owner and entry.owner.startswith(module + "."):
                return entry
        return None

    def _class_named(self, text: str) -> ApiEntry | None:
        entry = self.catalogue.find(text)
        if entry is not None and entry.kind == ApiKind.CLASS:
            return entry
        short = text.rsplit(".", 1)[-1]
        classes = [self.catalogue.entries[i] for i in self.catalogue.by_name.get(short, [])]
        classes = [e for e in classes if e.kind == ApiKind.CLASS]
        return classes[0] if classes else None

    def _class_type(self, entry: ApiEntry) -> InferredType:
        return InferredType(classes=tuple(self.catalogue.ancestors(entry.import_path)))


def scope_types(catalogue: Catalogue, scope: tuple[ValueOrigin, ...],
                local_classes: tuple[tuple[str, tuple[str, ...]], ...] = ()) -> dict[str, InferredType]:
    """The inferred type of every name in scope that the library's docs tell us something about,
    the file's own subclasses of library classes included (their classmethods are reachable)."""
    resolver = TypeResolver(catalogue, {origin.name: origin for origin in scope}, dict(local_classes))
    inferred = {origin.name: resolver.of_name(origin.name) for origin in scope}
    inferred |= {name: resolver.of_local_class(name) for name, _ in local_classes if name not in inferred}
    return {name: t for name, t in inferred.items() if t.known}


def members_of(catalogue: Catalogue, inferred: InferredType) -> list[int]:
    """Positions of the entries reachable as ``value.<name>`` for a value of the inferred type."""
    if inferred.classes:
        return [i for c in inferred.classes for i in catalogue.members.get(c, [])]
    if inferred.module:
        return list(catalogue.children.get(inferred.module, []))
    return []
