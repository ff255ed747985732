"""APIs a package binds by assignment or attaches after the class body, read statically: aliases
(``unidecode = unidecode_expect_ascii``), instances (``levenshtein = Levenshtein()``), bound methods
of instances (``exp = mp.exp``), methods set on a class later (``Table.where = where``), constants."""

from __future__ import annotations

import textwrap
from pathlib import Path

from apiary.docs import exports
from apiary.docs.catalogue import Catalogue
from apiary.docs.entry import ApiEntry, ApiKind, Param
from apiary.docs.python_package import find_layout, read_package
from apiary.docs.types import TypeResolver


def ingest(root: Path, files: dict[str, str], library: str = "pkg") -> dict[str, ApiEntry]:
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(content))
    report = read_package(find_layout(root), library)
    return {e.import_path: e for e in report.entries}


def catalogue_of(entries: dict[str, ApiEntry]) -> Catalogue:
    return Catalogue("pkg", list(entries.values()))


def test_module_level_alias_of_a_function_is_the_function_under_the_new_name(tmp_path: Path):
    entries = ingest(tmp_path, {
        "pkg/__init__.py": '''
            def transliterate_ascii(string: str, errors: str = "ignore") -> str:
                """Transliterate Unicode text into plain ASCII."""

            transliterate = transliterate_ascii
        ''',
    })
    alias = entries["pkg.transliterate"]
    assert (alias.kind, alias.qualname, alias.alias_of) == (
        ApiKind.FUNCTION,
        "pkg.transliterate",
        "pkg.transliterate_ascii",
    )
    assert alias.signature == "(string: str, errors: str = 'ignore') -> str"
    assert alias.params == entries["pkg.transliterate_ascii"].params
    assert alias.description == "Transliterate Unicode text into plain ASCII."
    assert "pkg.transliterate_ascii" in entries  # the original stays


def test_module_level_alias_of_a_class_lists_it_as_its_base(tmp_path: Path):
    entries = ingest(tmp_path, {
        "pkg/fields.py": '''
            __all__ = ["Integer", "Int"]

            class Integer:
                """An integer field."""
                def __init__(self, *, strict: bool = False): ...
                def deserialize(self, value): ...

            Int = Integer
        ''',
        "pkg/__init__.py": "",
    })
    alias = entries["pkg.fields.Int"]
    assert (alias.kind, alias.alias_of, alias.bases) == (ApiKind.CLASS, "pkg.fields.Integer", ("pkg.fields.Integer",))
    assert alias.signature == "(*, strict: bool = False)"
    assert alias.description == "An integer field."
    assert catalogue_of(entries).ancestors("pkg.fields.Int") == ["pkg.fields.Int", "pkg.fields.Integer"]


def test_instance_with_call_is_callable_and_its_class_methods_resolve_through_it(tmp_path: Path):
    entries = ingest(tmp_path, {
        "pkg/__init__.py": "from .algorithms import *\n",
        "pkg/algorithms/__init__.py": "from .edit import *\n",
        "pkg/algorithms/base.py": '''
            class Base:
                def __call__(self, *sequences):
                    raise NotImplementedError
                def distance(self, *sequences) -> float:
                    """Get distance between sequences."""
        ''',
        "pkg/algorithms/edit.py": '''
            from .base import Base as _Base

            __all__ = ["Levenshtein", "levenshtein"]

            class Levenshtein(_Base):
                """Compute the absolute Levenshtein distance between the two sequences."""
                def __call__(self, s1: str, s2: str) -> int:
                    ...

            levenshtein = Levenshtein()
        ''',
    })
    instance = entries["pkg.levenshtein"]
    assert instance.kind == ApiKind.ALIAS
    assert (instance.qualname, instance.alias_of, instance.bases) == (
        "pkg.algorithms.edit.levenshtein", "pkg.Levenshtein", ("pkg.Levenshtein",))
    assert instance.signature == "(s1: str, s2: str) -> int"
    assert instance.params == (Param("s1", annotation="str"), Param("s2", annotation="str"))
    assert instance.returns is None  # naming it gives a Levenshtein, as for a declared functional name
    assert instance.description == "Compute the absolute Levenshtein distance between the two sequences."
    # textdistance.levenshtein.distance: the member resolves through the instance's class
    catalogue = catalogue_of(entries)
    inferred = TypeResolver(catalogue).of_expression("pkg.levenshtein", head_is_local=False)
    assert inferred.classes == ("pkg.Levenshtein", "pkg.algorithms.base.Base")
    assert catalogue.find("pkg.algorithms.base.Base.distance") is not None
    assert "pkg.algorithms.base.Base" in catalogue.ancestors("pkg.levenshtein")


def test_instance_without_call_is_an_attribute_of_its_class_type(tmp_path: Path):
    entries = ingest(tmp_path, {
        "pkg/__init__.py": '''
            class Context:
                """Context for multiple precision arithmetic."""
                def quad(self, f, *points):
                    """Integrate f over the points."""

            mp = Context()
        ''',
    })
    instance = entries["pkg.mp"]
    assert (instance.kind, instance.returns, instance.bases, instance.signature) == (
        ApiKind.ATTRIBUTE, "pkg.Context", ("pkg.Context",), "")
    assert instance.description == "Context for multiple precision arithmetic."
    assert TypeResolver(catalogue_of(entries)).of_expression("pkg.mp", head_is_local=False).classes == ("pkg.Context",)


def test_name_bound_to_a_method_or_attribute_of_a_module_level_instance(tmp_path: Path):
    entries = ingest(tmp_path, {
        "pkg/__init__.py": '''
            from .ctx import Context

            mp = Context()
            quad = mp.quad
            findroot = mp.findroot
            inf = mp.inf
            missing = mp.no_such_thing
        ''',
        "pkg/calculus.py": '''
            class QuadratureMethods:
                def quad(ctx, f, *points, **kwargs):
                    """Compute the integral of f over the points."""

            class OptimizationMethods:
                pass

            def findroot(ctx, f, x0, solver="secant"):
                """Find a root of f near x0."""

            OptimizationMethods.findroot = findroot
        ''',
        "pkg/ctx.py": '''
            from .calculus import OptimizationMethods, QuadratureMethods

            class Context(QuadratureMethods, OptimizationMethods):
                def __init__(ctx):
                    ctx.inf = float("inf")
        ''',
    })
    quad = entries["pkg.quad"]
    assert (quad.kind, quad.signature, quad.alias_of) == (
        ApiKind.FUNCTION, "(f, *points, **kwargs)", "pkg.calculus.QuadratureMethods.quad")
    assert quad.description == "Compute the integral of f over the points."
    findroot = entries["pkg.findroot"]  # a plain function attached to a base class: bound, ctx dropped
    assert (findroot.kind, findroot.signature, findroot.alias_of) == (
        ApiKind.FUNCTION, "(f, x0, solver='secant')", "pkg.calculus.OptimizationMethods.findroot")
    assert entries["pkg.calculus.OptimizationMethods.findroot"].signature == "(f, x0, solver='secant')"
    inf = entries["pkg.inf"]  # set on the instance in __init__: known to exist, nothing more
    assert (inf.kind, inf.signature, inf.doc) == (ApiKind.ATTRIBUTE, "", "")
    assert "pkg.missing" not in entries


def test_function_attached_after_the_class_from_another_module_is_a_method(tmp_path: Path):
    entries = ingest(tmp_path, {
        "pkg/__init__.py": "from pkg.table import Table\n",
        "pkg/table/__init__.py": '''
            class Table:
                """A table of rows."""
                def __init__(self, rows): ...

            from pkg.table.where import where
            from pkg.table.from_csv import from_csv

            Table.where = where
            Table.from_csv = from_csv
            Table._private = where
        ''',
        "pkg/table/where.py": '''
            def where(self, test):
                """Create a new Table with only those rows that pass a test."""
        ''',
        "pkg/table/from_csv.py": '''
            @classmethod
            def from_csv(cls, path, header=True):
                """Create a new table from a CSV."""
        ''',
        "pkg/extras.py": '''
            from pkg import Table

            def limit(self, n: int) -> "Table":
                """The first n rows."""

            def describe(value):
                """Describe a value."""

            Table.limit = limit
            setattr(Table, "describe", staticmethod(describe))
        ''',
    })
    where = entries["pkg.Table.where"]
    assert (where.kind, where.owner, where.signature, where.qualname) == (
        ApiKind.METHOD, "pkg.Table", "(test)", "pkg.table.Table.where")
    assert where.description == "Create a new Table with only those rows that pass a test."
    assert entries["pkg.Table.from_csv"].signature == "(path, header=True)"
    limit = entries["pkg.Table.limit"]
    assert (limit.kind, limit.owner, limit.signature) == (ApiKind.METHOD, "pkg.Table", "(n: int) -> 'Table'")
    assert entries["pkg.Table.describe"].signature == "(value)"  # a staticmethod keeps its first parameter
    assert "pkg.Table._private" not in entries


def test_registering_decorator_makes_methods_of_its_class(tmp_path: Path):
    entries = ingest(tmp_path, {
        "pkg/__init__.py": "from .calculus import CalculusMethods\n",
        "pkg/calculus.py": '''
            class CalculusMethods:
                pass

            def defun(f):
                setattr(CalculusMethods, f.__name__, f)
                return f
        ''',
        "pkg/extrapolation.py": '''
            from .calculus import defun

            @defun
            def nsum(ctx, f, *intervals, **options):
                """Compute the sum of f over the intervals."""
        ''',
    })
    nsum = entries["pkg.CalculusMethods.nsum"]
    assert (nsum.kind, nsum.owner, nsum.signature) == (
        ApiKind.METHOD,
        "pkg.CalculusMethods",
        "(f, *intervals, **options)",
    )


def test_all_decides_which_assigned_names_are_public(tmp_path: Path):
    entries = ingest(tmp_path, {
        "pkg/__init__.py": '''
            __all__ = ["Hamming", "hamming"]

            class Hamming:
                def __call__(self, *sequences) -> int: ...

            hamming = Hamming()
            hamming_too = Hamming()
            HAMMING_MAX = 3
        ''',
    })
    assert "pkg.hamming" in entries
    assert "pkg.hamming_too" not in entries and "pkg.HAMMING_MAX" not in entries


def test_private_alias_and_alias_of_unknown_are_not_indexed(tmp_path: Path):
    entries = ingest(tmp_path, {
        "pkg/__init__.py": '''
            import os

            def helper(x):
                """Help."""

            _helper = helper
            join = os.path.join
            unknown = not_defined_anywhere
        ''',
    })
    assert "pkg.helper" in entries
    assert not {"pkg._helper", "pkg.join", "pkg.unknown"} & set(entries)
    assert all(e.qualname != "os.path.join" for e in entries.values())


def test_alias_of_an_external_name_listed_in_all_is_an_external_reexport(tmp_path: Path):
    entries = ingest(tmp_path, {
        "pkg/__init__.py": '''
            import os

            __all__ = ["join"]
            join = os.path.join
        ''',
    })
    join = entries["pkg.join"]
    assert (join.kind, join.qualname) == (ApiKind.EXTERNAL, "os.path.join")


def test_constants_enum_members_and_documented_attributes(tmp_path: Path):
    entries = ingest(tmp_path, {
        "pkg/__init__.py": '''
            import enum
            from typing import TypeVar

            T = TypeVar("T")
            KT = TypeVar("KT")
            REMOVE_EXTRA = 2
            logger = object()
            TYPE_CHECKING = False
            __version__ = "1.0"

            class ns(enum.IntEnum):
                """Natsort options."""
                IGNORECASE = IC = 1
                _hidden = 4

            class common:
                integer = make_word()
                """expression that parses an unsigned integer"""
                helper_table = {}
                MAX_DIGITS = 10
        ''',
    })
    assert entries["pkg.REMOVE_EXTRA"].kind == ApiKind.ATTRIBUTE
    ignorecase = entries["pkg.ns.IGNORECASE"]
    assert (ignorecase.kind, ignorecase.owner, ignorecase.returns) == (ApiKind.ATTRIBUTE, "pkg.ns", "pkg.ns")
    assert "pkg.ns.IC" in entries and "pkg.ns._hidden" not in entries
    integer = entries["pkg.common.integer"]
    assert (integer.kind, integer.owner, integer.description) == (
        ApiKind.ATTRIBUTE, "pkg.common", "expression that parses an unsigned integer")
    assert "pkg.common.MAX_DIGITS" in entries
    assert not {"pkg.T", "pkg.KT", "pkg.logger", "pkg.TYPE_CHECKING", "pkg.__version__",
                "pkg.common.helper_table"} & set(entries)


def test_class_level_alias_and_property_call_are_members(tmp_path: Path):
    entries = ingest(tmp_path, {
        "pkg/__init__.py": '''
            from .registry import UnitRegistry

            Quantity = UnitRegistry.Quantity
        ''',
        "pkg/registry.py": '''
            from typing import TypeAlias

            class PlainQuantity:
                def to(self, other):
                    """Return a copy converted to other units."""

            class PlainRegistry:
                Quantity: TypeAlias = PlainQuantity

            class Quantity(PlainRegistry.Quantity):
                pass

            class UnitRegistry:
                Quantity: TypeAlias = Quantity

                def _get_dps(self) -> int:
                    """Decimal digits of precision."""

                dps = property(_get_dps)
        ''',
    })
    member = entries["pkg.UnitRegistry.Quantity"]
    assert (member.kind, member.owner, member.alias_of, member.bases) == (
        ApiKind.CLASS, "pkg.UnitRegistry", "pkg.registry.Quantity", ("pkg.registry.Quantity",))
    # pint.Quantity = UnitRegistry.Quantity: an alias of the class the class-level alias names
    alias = entries["pkg.Quantity"]
    assert (alias.kind, alias.qualname, alias.alias_of) == (ApiKind.CLASS, "pkg.Quantity", "pkg.registry.Quantity")
    # a base written ``PlainRegistry.Quantity`` resolves through the class-level alias, so pint.Quantity.to does
    assert entries["pkg.registry.Quantity"].bases == ("pkg.registry.PlainQuantity",)
    catalogue = catalogue_of(entries)
    assert catalogue.ancestors("pkg.Quantity") == [
        "pkg.Quantity",
        "pkg.registry.Quantity",
        "pkg.registry.PlainQuantity",
    ]
    assert catalogue.find("pkg.registry.PlainQuantity.to") is not None
    dps = entries["pkg.UnitRegistry.dps"]
    assert (dps.kind, dps.returns, dps.description) == (ApiKind.PROPERTY, "int", "Decimal digits of precision.")


def test_factory_instance_is_callable_and_its_local_class_members_live_under_it(tmp_path: Path):
    entries = ingest(tmp_path, {
        "pkg/__init__.py": "from .tz import gettz\n",
        "pkg/tz.py": '''
            def __get_gettz():
                class GettzFunc:
                    """Retrieve a time zone object from a string representation."""
                    def __call__(self, name=None):
                        ...
                    def nocache(self, name=None):
                        """A non-cached version of gettz."""
                return GettzFunc()

            gettz = __get_gettz()
            del __get_gettz
        ''',
    })
    gettz = entries["pkg.gettz"]
    assert (gettz.kind, gettz.signature, gettz.alias_of) == (ApiKind.ALIAS, "(name=None)", None)
    assert gettz.description == "Retrieve a time zone object from a string representation."
    nocache = entries["pkg.gettz.nocache"]
    assert (nocache.kind, nocache.owner, nocache.signature) == (ApiKind.METHOD, "pkg.gettz", "(name=None)")
    assert not any("GettzFunc" in path for path in entries)


def test_unexported_class_returned_by_a_public_function_is_indexed_under_its_own_name(tmp_path: Path):
    entries = ingest(tmp_path, {
        "pkg/__init__.py": "from .api import freeze_time\n__all__ = ['freeze_time']\n",
        "pkg/api.py": '''
            class _Base:
                def stop(self) -> None:
                    """Stop freezing time."""

            class _freeze_time(_Base):
                def start(self) -> int:
                    """Start freezing time."""

            def freeze_time(time_to_freeze=None) -> _freeze_time:
                """Freeze time."""
        ''',
    })
    start = entries["pkg.api._freeze_time.start"]
    assert (start.kind, start.owner, start.signature) == (ApiKind.METHOD, "pkg.api._freeze_time", "() -> int")
    assert entries["pkg.api._freeze_time"].bases == ("pkg.api._Base",)
    assert "pkg.api._Base.stop" in entries  # inherited methods, through its base


def test_a_script_star_importing_the_library_does_not_take_its_paths(tmp_path: Path):
    entries = ingest(tmp_path, {
        "peewee.py": '''
            __all__ = ["Database"]
            class Database:
                def atomic(self): ...
        ''',
        "pwiz.py": "from peewee import *\n",
    }, library="peewee")
    assert "peewee.Database.atomic" in entries and "pwiz.Database" not in entries


def test_fallback_assignment_after_a_failed_import_keeps_the_import(tmp_path: Path):
    entries = ingest(tmp_path, {
        "pkg/__init__.py": "from .ssl_ import SSLContext, wrap\n",
        "pkg/ssl_.py": '''
            try:
                from ssl import SSLContext
            except ImportError:
                SSLContext = None

            def wrap(sock):
                """Wrap a socket."""
        ''',
    })
    assert entries["pkg.SSLContext"].kind == ApiKind.EXTERNAL
    assert "pkg.ssl_.SSLContext" not in entries


def test_a_failure_while_reading_assignments_keeps_the_rest_of_the_library(tmp_path: Path, monkeypatch):
    def broken(*args, **kwargs):
        raise RecursionError("deep")

    monkeypatch.setattr(exports, "_with_assignments", broken)
    entries = ingest(tmp_path, {
        "pkg/__init__.py": '''
            class Table:
                def keep(self): ...
            table = Table()
        ''',
    })
    assert {"pkg", "pkg.Table", "pkg.Table.keep"} <= set(entries) and "pkg.table" not in entries
