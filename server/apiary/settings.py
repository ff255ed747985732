"""The one typed settings tree of the server, and where its values come from.

Sources, weakest first: the TOML file ``<user config dir>/config.toml``, ``initializationOptions``
(the client's settings at start), then the client's ``workspace/configuration`` section "apiary"
(newer: what it reports or pushes after a change). Keys are camelCase on
the wire (``topApis``); snake_case is accepted too. A value of the wrong type or out of range is
dropped with a warning (the weaker source's value, or the default, stays), so one typo never
stops the server.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from enum import Enum
from pathlib import Path
from typing import Any

import tomllib

from apiary.paths import config_dir

log = logging.getLogger(__name__)

GENERATORS = ("default", "apicoder", "cert")
DEVICES = ("auto", "cpu", "cuda")


def _optional_str(value: Any) -> str | None:
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return None
    if not isinstance(value, str):
        raise ValueError("expected a string or null")
    return value


def _choice(options: tuple[str, ...]) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if value not in options:
            raise ValueError(f"expected one of {', '.join(options)}")
        return value

    return check


def _int_in(low: int, high: int) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError(f"expected an integer from {low} to {high}")
        return value

    return check


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("expected true or false")
    return value


def _str_list(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ValueError("expected a list of strings")
    return tuple(v for v in value if v.strip())


class Reload(Enum):
    """What a change of a setting needs rebuilt."""

    NOTHING = "nothing"
    #: the encoder reloaded and every index rebuilt
    ENCODER = "encoder"
    #: new generators (a model may load)
    MODEL = "model"
    #: the libraries configured again (and indexed)
    LIBRARIES = "libraries"


def setting(default: Any, check: Callable[[Any], Any], reload: Reload = Reload.NOTHING) -> Any:
    """A field of `Settings` with the rule its values are read by and what a change reloads."""
    return field(default=default, metadata={"check": check, "reload": reload})


@dataclass(frozen=True)
class Settings:
    #: source paths, module names, wheels, .jsonl API doc files or doc folders
    libraries: tuple[str, ...] = setting((), _str_list, Reload.LIBRARIES)
    #: interpreter whose site-packages hold the imported libraries (None: the server's own)
    python: str | None = setting(None, _optional_str, Reload.LIBRARIES)
    generator: str = setting("default", _choice(GENERATORS), Reload.MODEL)
    model: str | None = setting(None, _optional_str, Reload.MODEL)
    endpoint: str | None = setting(None, _optional_str, Reload.MODEL)
    sketcher: str | None = setting(None, _optional_str, Reload.MODEL)
    device: str = setting("auto", _choice(DEVICES), Reload.MODEL)
    top_apis: int = setting(2, _int_in(0, 20))
    max_latency_ms: int = setting(500, _int_in(10, 600_000))
    #: encoder directory; None is the bundled all-MiniLM-L6-v2
    encoder: str | None = setting(None, _optional_str, Reload.ENCODER)
    #: intent-snippet classifier directory (apiary-train train classifier) that ranks candidates;
    #: None ranks them with the encoder's similarity
    reranker: str | None = setting(None, _optional_str, Reload.MODEL)
    #: cross-encoder directory (apiary-train train crossencoder) that reranks the retriever's best APIs
    #: for a comment; None ranks them with the retriever's fused score
    api_reranker: str | None = setting(None, _optional_str, Reload.MODEL)
    inline_completion: bool = setting(True, _bool)
    auto_discover: bool = setting(True, _bool, Reload.LIBRARIES)


#: each setting's reader: a value of the wrong type or out of range raises ValueError
_CHECKS: dict[str, Callable[[Any], Any]] = {f.name: f.metadata["check"] for f in fields(Settings)}


def reloading(reload: Reload) -> frozenset[str]:
    """The settings whose change needs ``reload``."""
    return frozenset(f.name for f in fields(Settings) if f.metadata["reload"] is reload)


def snake_case(key: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", key).lower()


def camel_case(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def parse_overrides(raw: Any, source: str) -> tuple[dict[str, Any], list[str]]:
    """The valid settings in one source (python names -> values) and a warning per invalid one."""
    if raw is None:
        return {}, []
    if not isinstance(raw, Mapping):
        return {}, [f"{source}: settings must be an object, got {type(raw).__name__}; ignored"]
    values: dict[str, Any] = {}
    warnings: list[str] = []
    for key, value in raw.items():
        name = snake_case(str(key))
        check = _CHECKS.get(name)
        if check is None:
            warnings.append(f"{source}: unknown setting '{key}' ignored")
            continue
        try:
            values[name] = check(value)
        except ValueError as error:
            warnings.append(f"{source}: '{camel_case(name)}' = {value!r} is invalid ({error}); using the default")
    return values, warnings


def layered(sources: Iterable[tuple[str, Any]]) -> tuple[Settings, list[str]]:
    """Settings from ``(source name, raw mapping)`` pairs, weakest first."""
    merged: dict[str, Any] = {}
    warnings: list[str] = []
    for source, raw in sources:
        values, problems = parse_overrides(raw, source)
        merged.update(values)
        warnings.extend(problems)
    return replace(Settings(), **merged), warnings


def config_file() -> Path:
    return config_dir() / "config.toml"


def read_config_file(path: Path | None = None) -> tuple[dict[str, Any], list[str]]:
    """The raw settings of the TOML file (flat keys, or an ``[apiary]`` table); {} when absent."""
    path = path or config_file()
    if not path.is_file():
        return {}, []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        return {}, [f"{path}: cannot read settings ({error}); ignored"]
    table = data.get("apiary", data)
    return (table if isinstance(table, dict) else {}), []


def changed(old: Settings, new: Settings) -> set[str]:
    """Names of the settings that differ: parts reload only for what concerns them."""
    return {f.name for f in fields(Settings) if getattr(old, f.name) != getattr(new, f.name)}


def to_wire(settings: Settings) -> dict[str, Any]:
    return {camel_case(f.name): _plain(getattr(settings, f.name)) for f in fields(Settings)}


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value
