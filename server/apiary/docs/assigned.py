"""What the names a package binds by assignment stand for, and the API entries they make.

A library often makes an API public without a ``def`` or ``class`` of that name:

- ``unidecode = unidecode_expect_ascii``, ``Int = Integer``: another name for a function or class;
- ``levenshtein = Levenshtein()``, ``gettz = __get_gettz()``: an instance, called through its class's
  ``__call__`` and used through its class's methods (``textdistance.levenshtein.distance``);
- ``exp = mp.exp``: a bound method (or attribute) of such an instance;
- ``Table.where = where`` after the class, ``setattr(C, f.__name__, f)`` in a decorator, or
  ``Quantity: TypeAlias = Quantity`` / ``dps = property(...)`` in a class body: members of a class;
- ``REMOVE_EXTRA = 2``, enum members, documented class attributes: constants.

All of it is read statically from `ModuleDoc`s (nothing is imported): a name resolves through the
module's imports, definitions and other bindings, a class's members through its bases (in order,
approximately the MRO), and anything the package does not define stays unknown rather than invented.

Representation (the existing `ApiEntry` model, no new fields):

- an alias of a function or class is an entry of the target's kind with its signature and docs and
  ``alias_of`` the target's import path; a class alias also lists the target among its ``bases``,
  so that members resolve through it;
- a callable instance is an ``ALIAS`` of its class (like a declared functional name), with the
  ``__call__`` parameters; a non-callable instance an ``ATTRIBUTE`` whose ``returns`` is its class.
  Both list the class in ``bases``: the instance's members are its class's;
- a constant is an ``ATTRIBUTE``, a class-level property a ``PROPERTY``, a function attached to a
  class a ``METHOD`` without its first parameter (unless it is a ``staticmethod``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from apiary.docs.docstrings import docstring_examples, first_sentence
from apiary.docs.entry import ApiEntry, ApiKind, Param, replaced, signature_text
from apiary.docs.python_module import Binding, Definition, ModuleDoc

Key = tuple[str, str]  # (module, local name)

_ENUM_BASES = {"Enum", "IntEnum", "StrEnum", "Flag", "IntFlag", "ReprEnum"}
_PROPERTY_FACTORIES = {"property", "cached_property", "functools.cached_property"}
_METHOD_FACTORIES = {"staticmethod", "classmethod"}
_NOT_A_TYPE = {"TypeAlias", "typing.TypeAlias", "type", "Type", "typing.Type", "ClassVar", "typing.ClassVar",
               "Final", "typing.Final", "Any", "typing.Any", "Self"}
_OPTIONAL = re.compile(r"^(?:typing\.)?Optional\[(.*)\]$")
#: upper-case names that are flags for type checkers, not constants of the library
_NOT_CONSTANTS = {"TYPE_CHECKING"}
_MAX_DEPTH = 12
_MAX_MRO = 64


@dataclass(frozen=True)
class Ref:
    """Where a dotted name leads."""

    #: "definition", "binding" (module- or class-level), "attachment" (set on a class after it),
    #: "instance_attribute", "module" or "external"
    kind: str
    module: str  # the defining module (for "external": the whole dotted name)
    local: str = ""

    @property
    def key(self) -> Key:
        return (self.module, self.local)


@dataclass(frozen=True)
class Value:
    """What an assigned name stands for."""

    #: "alias" (of ``ref``), "instance" (of ``cls``), "property" (getter ``ref``, if known),
    #: "external" (``ref``, outside the package) or "value" (nothing we can name)
    kind: str
    ref: Ref | None = None
    cls: Key | None = None
    #: reached as a class member: a plain function named this way takes the instance first
    bound: bool = False
    #: wrapped in ``staticmethod``: it keeps its first parameter even as a member
    static: bool = False
    #: the class member it was reached through (``OptimizationMethods.findroot`` for ``mp.findroot``)
    via: Ref | None = None


_UNKNOWN = Value("value")


class Assignments:
    """Resolves assigned names across a package; every answer is memoised, every walk bounded."""

    def __init__(self, modules: dict[str, ModuleDoc], resolve: Callable):
        self.modules = modules
        self._resolve = resolve  # ExportResolver.resolve(module, name) -> Target | None
        self._values: dict[int, Value] = {}
        self._mro: dict[Key, list[Key]] = {}
        #: (class module, "Class.attr") -> (module of the statement, its binding)
        self.attached: dict[Key, tuple[str, Binding]] = {}
        self.class_bindings: dict[Key, list[Binding]] = {}
        for module, doc in modules.items():
            for local, binding in doc.bindings.items():
                if "." in local:
                    self.class_bindings.setdefault((module, local.rpartition(".")[0]), []).append(binding)
        self._collect_attachments()

    # ----- resolution -------------------------------------------------------------------------

    def _collect_attachments(self) -> None:
        for module, doc in self.modules.items():
            for binding in doc.attachments:
                cls = self.class_key(self.lookup(module, binding.owner))
                if cls is not None:
                    self.attached.setdefault((cls[0], f"{cls[1]}.{binding.local_name}"), (module, binding))
        registrars: dict[Key, Key] = {}
        for module, doc in self.modules.items():
            for function, owner in doc.registrars.items():
                cls = self.class_key(self.lookup(module, owner))
                if cls is not None:
                    registrars[(module, function)] = cls
        if not registrars:
            return
        for module, doc in self.modules.items():
            for local, definition in doc.definitions.items():
                for decorator in definition.decorators:
                    ref = self.lookup(module, decorator)
                    cls = registrars.get(ref.key) if ref is not None and ref.kind == "definition" else None
                    if cls is not None:
                        registered = Binding(local, definition.line, "name", local, owner=decorator)
                        self.attached.setdefault((cls[0], f"{cls[1]}.{local}"), (module, registered))

    def lookup(self, module: str, dotted: str, class_scope: str | None = None, skip: str | None = None,
               depth: int = 0) -> Ref | None:
        """Where ``dotted``, as written in ``module`` (in the body of class ``class_scope``), leads."""
        if not dotted or module not in self.modules or depth > _MAX_DEPTH:
            return None
        head, *rest = dotted.split(".")
        ref = None
        if class_scope:  # a class body sees the names bound earlier in it, then the module's
            local = f"{class_scope}.{head}"
            doc = self.modules[module]
            if local != skip and local in doc.definitions:
                ref = Ref("definition", module, local)
            elif local != skip and local in doc.bindings:
                ref = Ref("binding", module, local)
        if ref is None:
            ref = _as_ref(self._resolve(module, head))
        for attribute in rest:
            if ref is None:
                return None
            ref = self.attribute(ref, attribute, depth + 1)
        return ref

    def lookup_absolute(self, dotted: str, depth: int = 0) -> Ref | None:
        """Where an absolute dotted name (``pkg.mod.Class.attr``) leads."""
        parts = dotted.split(".")
        for cut in range(len(parts), 0, -1):
            module = ".".join(parts[:cut])
            if module in self.modules:
                ref: Ref | None = Ref("module", module)
                for attribute in parts[cut:]:
                    if ref is None:
                        return None
                    ref = self.attribute(ref, attribute, depth + 1)
                return ref
        return None

    def attribute(self, ref: Ref, attribute: str, depth: int = 0) -> Ref | None:
        if depth > _MAX_DEPTH:
            return None
        if ref.kind == "module":
            return _as_ref(self._resolve(ref.module, attribute))
        if ref.kind == "external":
            return Ref("external", f"{ref.module}.{attribute}")
        value = self.value_of_ref(ref, depth + 1)
        if value.kind == "instance" and value.cls is not None:
            return self.member(value.cls, attribute, instance=True)
        cls = self.class_key(ref, depth + 1)
        return self.member(cls, attribute, instance=False) if cls is not None else None

    def member(self, cls: Key, attribute: str, instance: bool) -> Ref | None:
        """``attribute`` of class ``cls`` (or of an instance of it), through its bases."""
        order = self.mro(cls)
        for module, local in order:
            doc = self.modules[module]
            name = f"{local}.{attribute}"
            if name in doc.definitions:
                return Ref("definition", module, name)
            if name in doc.bindings:
                return Ref("binding", module, name)
            if (module, name) in self.attached:
                return Ref("attachment", module, name)
        if instance:
            for module, local in order:
                if f"{local}.{attribute}" in self.modules[module].instance_attributes:
                    return Ref("instance_attribute", module, f"{local}.{attribute}")
        return None

    def mro(self, cls: Key) -> list[Key]:
        """The class and its bases within the package, nearest first (breadth-first, not C3)."""
        cached = self._mro.get(cls)
        if cached is not None:
            return cached
        self._mro[cls] = [cls]  # a cycle through bases ends here
        order: list[Key] = []
        pending = [cls]
        while pending and len(order) < _MAX_MRO:
            current = pending.pop(0)
            if current in order:
                continue
            order.append(current)
            definition = self.definition(current)
            for base in definition.bases if definition is not None else ():
                found = self.base_class(current[0], base)
                if found is not None and found not in order:
                    pending.append(found)
        self._mro[cls] = order
        return order

    def base_class(self, module: str, base: str) -> Key | None:
        """The class a base as recorded (``pkg.mod.Base``, resolved through imports; or as written) names."""
        ref = self.lookup_absolute(base) if "." in base else None
        if ref is None:
            ref = self.lookup(module, base)
        return self.class_key(ref)

    def class_key(self, ref: Ref | None, depth: int = 0) -> Key | None:
        """The class ``ref`` names, following aliases."""
        if ref is None or depth > _MAX_DEPTH:
            return None
        if ref.kind == "definition":
            definition = self.definition(ref.key)
            return ref.key if definition is not None and definition.kind == ApiKind.CLASS else None
        if ref.kind in ("binding", "attachment"):
            value = self.value_of_ref(ref, depth + 1)
            return self.class_key(value.ref, depth + 1) if value.kind == "alias" else None
        return None

    def definition(self, key: Key) -> Definition | None:
        doc = self.modules.get(key[0])
        return doc.definitions.get(key[1]) if doc is not None else None

    def binding_of(self, ref: Ref) -> tuple[Binding, str, str | None] | None:
        """The binding a "binding" or "attachment" ref names, the module its expression is read in,
        and the class body it is read in (if any)."""
        if ref.kind == "attachment":
            found = self.attached.get(ref.key)
            return (found[1], found[0], None) if found else None
        doc = self.modules.get(ref.module)
        binding = doc.bindings.get(ref.local) if doc is not None else None
        if binding is None:
            return None
        return binding, ref.module, ref.local.rpartition(".")[0] or None

    def value_of_ref(self, ref: Ref | None, depth: int = 0) -> Value:
        if ref is None or depth > _MAX_DEPTH:
            return _UNKNOWN
        if ref.kind in ("definition", "instance_attribute"):
            return Value("alias", ref)
        if ref.kind == "external":
            return Value("external", ref)
        found = self.binding_of(ref) if ref.kind in ("binding", "attachment") else None
        if found is None:
            return _UNKNOWN
        binding, module, class_scope = found
        value = self.value(binding, module, class_scope, depth + 1)
        if (class_scope or binding.owner) and value.via is None:
            value = replaced(value, via=ref)
        return value

    def value(self, binding: Binding, module: str, class_scope: str | None, depth: int = 0) -> Value:
        """What ``binding`` (read in ``module``, in the body of ``class_scope`` if any) stands for."""
        memo = id(binding)
        known = self._values.get(memo)
        if known is not None:
            return known
        self._values[memo] = _UNKNOWN  # a cycle of names (a = b; b = a) stays unknown
        result = self._evaluate(binding, module, class_scope, depth)
        if class_scope or binding.owner:
            result = replaced(result, bound=True)
        self._values[memo] = result
        return result

    def _evaluate(self, binding: Binding, module: str, class_scope: str | None, depth: int) -> Value:
        skip = binding.local_name if class_scope else None
        result = _UNKNOWN
        if binding.form == "name":
            result = self.value_of_ref(self.lookup(module, binding.target, class_scope, skip, depth), depth + 1)
        elif binding.form == "call":
            last = binding.target.rsplit(".", 1)[-1]
            if binding.target in _PROPERTY_FACTORIES:
                getter = self.lookup(module, binding.first_arg, class_scope, skip, depth) if binding.first_arg else None
                return Value("property", getter if getter is not None and getter.kind == "definition" else None)
            if last in _METHOD_FACTORIES and binding.first_arg:
                wrapped = self.value_of_ref(self.lookup(module, binding.first_arg, class_scope, skip, depth), depth + 1)
                return replaced(wrapped, static=last == "staticmethod")
            cls = self.instance_class(self.lookup(module, binding.target, class_scope, skip, depth), depth + 1)
            if cls is not None:
                result = Value("instance", cls=cls)
        if result.kind == "value" and binding.annotation:
            cls = self.annotation_class(module, binding.annotation)
            if cls is not None:
                result = Value("instance", cls=cls)
        return result

    def instance_class(self, callee: Ref | None, depth: int = 0) -> Key | None:
        """The class of what calling ``callee`` gives: the class itself, a factory's local class, or a
        function's annotated return class."""
        if callee is None or depth > _MAX_DEPTH:
            return None
        if callee.kind in ("binding", "attachment"):
            value = self.value_of_ref(callee, depth + 1)
            return self.instance_class(value.ref, depth + 1) if value.kind == "alias" else None
        if callee.kind != "definition":
            return None
        definition = self.definition(callee.key)
        if definition is None:
            return None
        if definition.kind == ApiKind.CLASS:
            return callee.key
        if definition.kind not in (ApiKind.FUNCTION, ApiKind.METHOD):
            return None
        factory = self.modules[callee.module].factories.get(callee.local)
        if factory is not None:
            return (callee.module, factory)
        return self.annotation_class(callee.module, definition.returns) if definition.returns else None

    def annotation_class(self, module: str, annotation: str | None) -> Key | None:
        bare = bare_annotation(annotation)
        if not bare or bare in _NOT_A_TYPE:
            return None
        return self.class_key(self.lookup(module, bare))

    def call_of(self, cls: Key) -> Definition | None:
        """The ``__call__`` an instance of ``cls`` has, through its bases."""
        for module, local in self.mro(cls):
            call = self.modules[module].calls.get(local)
            if call is not None:
                return call
        return None

    def class_doc(self, cls: Key) -> str:
        for key in self.mro(cls):
            definition = self.definition(key)
            if definition is not None and definition.doc:
                return definition.doc
        return ""

    def is_enum(self, cls: Key) -> bool:
        definition = self.definition(cls)
        return definition is not None and any(b.rsplit(".", 1)[-1] in _ENUM_BASES for b in definition.bases)


def bare_annotation(annotation: str | None) -> str:
    """``Optional["Table"]`` -> ``Table``; ``list[Row]`` -> ``list``; ``A | None`` -> ``A``."""
    if not annotation:
        return ""
    text = annotation.strip().strip("'\"")
    optional = _OPTIONAL.match(text)
    if optional:
        text = optional.group(1)
    return text.split("|")[0].strip().strip("'\"").split("[")[0].strip()


def _as_ref(target) -> Ref | None:
    if target is None:
        return None
    return Ref(target.kind, target.module, target.local_name)


def _may_be_member(binding: Binding, enum: bool) -> bool:
    """Whether ``binding`` can be a member's entry at all (`AssignedEntries._member`): an alias or a
    property needs a name or a call; any other value, to be listed. The others' values are not
    worked out (a dataclass's undocumented fields: most class-level bindings of a big library)."""
    return binding.form in ("name", "call") or _listed(binding, binding.local_name.rsplit(".", 1)[-1], enum)


def _listed(binding: Binding, name: str, enum: bool) -> bool:
    """Whether a member bound to a plain value is an API: an enum's, documented, or a constant."""
    return enum or bool(binding.doc) or is_constant_name(name)


def is_constant_name(name: str) -> bool:
    """``REMOVE_EXTRA``, ``MAX_SIZE2``: a public constant by naming convention (PEP 8)."""
    return len(name) > 1 and name.isupper() and not name.startswith("_") and name not in _NOT_CONSTANTS


def _is_dunder(name: str) -> bool:
    return name.startswith("__") and name.endswith("__")


# ----- entries ----------------------------------------------------------------------------------


class AssignedEntries:
    """Builds the entries of assigned names, given where the package's definitions are public."""

    def __init__(self, assignments: Assignments, library: str, class_paths: dict[Key, str],
                 def_paths: dict[Key, str]):
        self.a = assignments
        self.modules = assignments.modules
        self.library = library
        self.class_paths = class_paths
        self.def_paths = def_paths
        self._attached_by_class: dict[Key, list[tuple[Key, tuple[str, Binding]]]] | None = None

    def path_of(self, ref: Ref | None) -> str | None:
        """The import path of the entry for ``ref`` (a definition or a class member), if it has one."""
        if ref is None:
            return None
        if ref.kind == "definition":
            definition = self.a.definition(ref.key)
            if definition is not None and definition.kind == ApiKind.CLASS and ref.key in self.class_paths:
                return self.class_paths[ref.key]
            if ref.key in self.def_paths:
                return self.def_paths[ref.key]
        parent, _, name = ref.local.rpartition(".")
        owner = self.class_paths.get((ref.module, parent)) if parent else None
        return f"{owner}.{name}" if owner else None

    # -- classes that only an assignment or an annotation makes public

    def claim_aliased_private_classes(self, binding_paths: dict[Key, str]) -> list[Key]:
        """``Public = _Impl`` makes the class public under that name (like ``import _Impl as Public``)."""
        claimed: list[Key] = []
        for key, path in binding_paths.items():
            binding = self.modules[key[0]].bindings[key[1]]
            value = self.a.value(binding, key[0], None)
            cls = self.a.class_key(value.ref) if value.kind == "alias" else None
            if cls is not None and cls not in self.class_paths and "<locals>" not in cls[1]:
                self.class_paths[cls] = path
                claimed.append(cls)
        return claimed

    def claim_reachable_classes(self, children: dict[Key, list[tuple[str, Definition]]]) -> list[Key]:
        """Classes the package does not export but users hold instances of: the annotated return type
        of a public function or method (``freeze_time() -> _freeze_time``, peewee's ``select() ->
        ModelSelect`` outside its ``__all__``), and the bases of public classes (where their inherited
        methods are documented). Each is indexed under its own dotted name (``freezegun.api._freeze_time``)."""
        claimed: list[Key] = []
        pending_defs: list[tuple[str, Definition]] = []
        pending_classes: list[Key] = list(self.class_paths)
        for key in self.def_paths:
            definition = self.a.definition(key)
            if definition is not None and definition.kind != ApiKind.CLASS:
                pending_defs.append((key[0], definition))
        while pending_defs or pending_classes:
            found: list[Key] = []
            while pending_classes:
                cls = pending_classes.pop()
                pending_defs.extend((cls[0], d) for _, d in children.get(cls, ()))
                definition = self.a.definition(cls)
                for base in definition.bases if definition is not None else ():
                    base_class = self.a.base_class(cls[0], base)
                    if base_class is not None:
                        found.append(base_class)
            while pending_defs:
                module, definition = pending_defs.pop()
                if definition.returns and definition.kind != ApiKind.CLASS:
                    cls = self.a.annotation_class(module, definition.returns)
                    if cls is not None:
                        found.append(cls)
            for cls in found:
                if cls not in self.class_paths and "<locals>" not in cls[1]:
                    self.class_paths[cls] = f"{cls[0]}.{cls[1]}"
                    claimed.append(cls)
                    pending_classes.append(cls)
        return claimed

    # -- members: class-level bindings and attributes set on the class after it

    def member_entries(self, classes: dict[Key, str]) -> list[ApiEntry]:
        entries: list[ApiEntry] = []
        for cls, class_path in classes.items():
            module, local = cls
            doc = self.modules[module]
            enum = self.a.is_enum(cls)
            for binding in self.a.class_bindings.get(cls, ()):
                if binding.local_name in doc.definitions:
                    continue  # a def of the same name is what the docs describe
                if not _may_be_member(binding, enum):
                    continue
                value = self.a.value(binding, module, local)
                entry = self._member(value, binding, class_path, f"{module}.{binding.local_name}", doc, enum)
                if entry is not None:
                    entries.append(entry)
            for (owner_module, name), (statement_module, binding) in self._attached_to(cls):
                if name in doc.definitions or name in doc.bindings or not _may_be_member(binding, enum=False):
                    continue
                value = self.a.value(binding, statement_module, None)
                entry = self._member(value, binding, class_path, f"{owner_module}.{name}",
                                     self.modules[statement_module], enum=False)
                if entry is not None:
                    entries.append(entry)
        return entries

    def _attached_to(self, cls: Key) -> Iterable[tuple[Key, tuple[str, Binding]]]:
        if self._attached_by_class is None:
            self._attached_by_class = {}
            for key, found in self.a.attached.items():
                self._attached_by_class.setdefault((key[0], key[1].rpartition(".")[0]), []).append((key, found))
        return self._attached_by_class.get(cls, ())

    def _member(self, value: Value, binding: Binding, class_path: str, qualname: str, doc: ModuleDoc,
                enum: bool) -> ApiEntry | None:
        name = binding.local_name.rsplit(".", 1)[-1]
        path = f"{class_path}.{name}"
        source = f"{doc.path}:{binding.line}"
        if value.kind == "alias" and value.ref is not None and value.ref.kind == "definition":
            target = self.a.definition(value.ref.key)
            if target is None:
                return None
            target_path = self.path_of(value.ref)
            if target.kind == ApiKind.CLASS:
                return self._from_definition(
                    target,
                    path,
                    qualname,
                    ApiKind.CLASS,
                    source,
                    owner=class_path,
                    alias_of=target_path,
                    bases=(target_path,) if target_path else target.bases,
                )
            if target.kind in (ApiKind.FUNCTION, ApiKind.METHOD):
                return self._from_definition(target, path, qualname, ApiKind.METHOD, source, owner=class_path,
                                             alias_of=target_path, params=_as_member(target, value))
            if target.kind == ApiKind.PROPERTY:
                return self._from_definition(target, path, qualname, ApiKind.PROPERTY, source, owner=class_path,
                                             alias_of=target_path)
            return None
        if value.kind == "property":
            getter = self.a.definition(value.ref.key) if value.ref is not None else None
            return documented_entry(name, qualname, path, ApiKind.PROPERTY, self.library, source, owner=class_path,
                          doc=(getter.doc if getter else "") or binding.doc,
                          returns=getter.returns if getter else binding.annotation)
        a_module = value.kind == "alias" and value.ref is not None and value.ref.kind == "module"
        if not _listed(binding, name, enum) or a_module:
            return None
        returns = class_path if enum else self._type_path(value) or binding.annotation
        return documented_entry(name, qualname, path, ApiKind.ATTRIBUTE, self.library, source, owner=class_path,
                      doc=binding.doc, returns=returns)

    def _type_path(self, value: Value) -> str | None:
        if value.kind == "instance" and value.cls is not None:
            return self.class_paths.get(value.cls)
        return None

    # -- module-level names

    def module_entries(self, binding_paths: dict[Key, str], members: Callable[[dict[Key, str]], list[ApiEntry]],
                       resolve_bases: Callable[[str, str], str]) -> list[ApiEntry]:
        entries: list[ApiEntry] = []
        for key, path in binding_paths.items():
            module, local = key
            doc = self.modules[module]
            binding = doc.bindings[local]
            value = self.a.value(binding, module, None)
            qualname = f"{module}.{local}"
            source = f"{doc.path}:{binding.line}"
            listed = local in (doc.all_names or ())
            if value.kind == "instance" and value.cls is not None:
                entries.extend(self._instance(value.cls, binding, path, qualname, source, members, resolve_bases))
            elif value.kind == "alias" and value.ref is not None:
                entry = self._alias(value, binding, path, qualname, source)
                if entry is not None:
                    entries.append(entry)
            elif value.kind == "external" and value.ref is not None and listed:
                entries.append(
                    documented_entry(
                        path.rsplit(".", 1)[-1],
                        value.ref.module,
                        path,
                        ApiKind.EXTERNAL,
                        self.library,
                        f"re-exported from {value.ref.module}",
                    )
                )
            elif value.kind == "value" and not _is_dunder(local) and (listed or binding.doc or is_constant_name(local)):
                entries.append(
                    documented_entry(
                        path.rsplit(".", 1)[-1],
                        qualname,
                        path,
                        ApiKind.ATTRIBUTE,
                        self.library,
                        source,
                        doc=binding.doc,
                        returns=binding.annotation,
                    )
                )
        return entries

    def _alias(self, value: Value, binding: Binding, path: str, qualname: str, source: str) -> ApiEntry | None:
        assert value.ref is not None
        name = path.rsplit(".", 1)[-1]
        if value.ref.kind == "instance_attribute":  # ``inf = mp.inf``: set on the instance, we know no more
            return documented_entry(name, qualname, path, ApiKind.ATTRIBUTE, self.library, source, doc=binding.doc)
        if value.ref.kind != "definition":
            return None
        target = self.a.definition(value.ref.key)
        if target is None:
            return None
        target_path = self.path_of(value.ref)
        if target.kind == ApiKind.CLASS:
            if self.class_paths.get(value.ref.key) == path:
                return None  # the class itself is public under this name (claimed above)
            return self._from_definition(target, path, qualname, ApiKind.CLASS, source, alias_of=target_path,
                                         bases=(target_path,) if target_path else target.bases)
        if target.kind in (ApiKind.FUNCTION, ApiKind.METHOD):
            params = _as_member(target, value) if value.bound or target.kind == ApiKind.METHOD else target.params
            member_path = self.path_of(value.via) if value.bound else None
            return self._from_definition(target, path, qualname, ApiKind.FUNCTION, source,
                                         alias_of=member_path or target_path, params=params)
        if target.kind == ApiKind.PROPERTY:  # ``x = instance.prop``: its value
            return self._from_definition(target, path, qualname, ApiKind.ATTRIBUTE, source, alias_of=target_path)
        return None

    def _instance(self, cls: Key, binding: Binding, path: str, qualname: str, source: str,
                  members: Callable[[dict[Key, str]], list[ApiEntry]],
                  resolve_bases: Callable[[str, str], str]) -> list[ApiEntry]:
        """``name = Class(...)``: callable through ``__call__``; its members are the class's. When the
        class has no public path of its own (private, or local to a factory), its members are indexed
        under the instance (``tz.gettz.nocache``)."""
        class_path = self.class_paths.get(cls)
        extra: list[ApiEntry] = []
        if class_path is not None:
            bases: tuple[str, ...] = (class_path,)
        else:
            definition = self.a.definition(cls)
            written = definition.bases if definition is not None else ()
            public = set(self.class_paths.values())
            bases = tuple(b for b in (resolve_bases(base, cls[0]) for base in written) if b in public)
            extra = members({cls: path}) + self.member_entries({cls: path})
        name = path.rsplit(".", 1)[-1]
        call = self.a.call_of(cls)
        doc = (call.doc if call is not None else "") or binding.doc or self.a.class_doc(cls)
        if call is not None:
            entry = documented_entry(
                name,
                qualname,
                path,
                ApiKind.ALIAS,
                self.library,
                source,
                doc=doc,
                params=call.params,
                signature=signature_text(call.params, call.returns),
                alias_of=class_path,
                bases=bases,
            )
        else:
            entry = documented_entry(name, qualname, path, ApiKind.ATTRIBUTE, self.library, source, doc=doc,
                           returns=class_path, bases=bases)
        return [entry, *extra]

    def _from_definition(self, d: Definition, path: str, qualname: str, kind: ApiKind, source: str, *,
                         owner: str | None = None, alias_of: str | None = None, bases: tuple[str, ...] = (),
                         params: tuple[Param, ...] | None = None) -> ApiEntry:
        params = d.params if params is None else params
        signature = signature_text(params, d.returns) if d.has_signature and kind not in (
            ApiKind.PROPERTY, ApiKind.ATTRIBUTE) else ""
        return documented_entry(path.rsplit(".", 1)[-1], qualname, path, kind, self.library, source, doc=d.doc,
                      params=params if kind not in (ApiKind.PROPERTY, ApiKind.ATTRIBUTE) else (),
                      returns=d.returns, signature=signature, owner=owner, alias_of=alias_of, bases=bases)


def _as_member(target: Definition, value: Value) -> tuple[Param, ...]:
    """A plain function reached as a class member takes the instance first: drop that parameter
    (not for a ``staticmethod``); a method's parameters are already without it."""
    if target.kind == ApiKind.FUNCTION and not (value.static or target.is_static):
        return target.params[1:]
    return target.params


def documented_entry(name: str, qualname: str, path: str, kind: ApiKind, library: str, source: str, *,
                     doc: str = "", params: tuple[Param, ...] = (), returns: str | None = None, signature: str = "",
                     owner: str | None = None, alias_of: str | None = None, bases: tuple[str, ...] = (),
                     on_class: bool = False) -> ApiEntry:
    """An entry read from source, its description and examples taken from its docstring."""
    return ApiEntry(
        name=name,
        qualname=qualname,
        import_path=path,
        kind=kind,
        library=library,
        signature=signature,
        params=params,
        returns=returns,
        doc=doc,
        description=first_sentence(doc),
        examples=docstring_examples(doc),
        owner=owner,
        bases=bases,
        alias_of=alias_of,
        source=source,
        on_class=on_class,
    )
