"""Fetch a pinned library's wheel and sdist into a cache, without running any of its code.

Wheels come through ``pip download --no-deps --only-binary :all:`` (a wheel needs no build step).
An sdist is fetched from the package index's JSON simple API (PEP 691) and checked against the
index's SHA-256: ``pip download`` of an sdist would run its build backend, i.e. the library's code.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

from apiary_training.suite.definition import normalize

DEFAULT_INDEX = "https://pypi.org/simple"
#: pip resolves and downloads one wheel; the index answers one page
PIP_TIMEOUT_S = 300
HTTP_TIMEOUT_S = 60
MAX_ARCHIVE_BYTES = 64 * 1024 * 1024


class FetchError(RuntimeError):
    """A download failed; the message names the package and why."""


def fetch_wheel(requirement: str, directory: Path) -> Path:
    """The wheel of ``name==version``, downloaded once into ``directory``."""
    found = _cached(requirement, directory, ".whl")
    if found:
        return found
    directory.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--only-binary",
        ":all:",
        "-q",
        "-d",
        str(directory),
        requirement,
    ]
    try:
        subprocess.run(command, check=True, capture_output=True, text=True, timeout=PIP_TIMEOUT_S)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
        detail = getattr(error, "stderr", "") or str(error)
        raise FetchError(f"pip download {requirement}: {detail.strip()[-500:]}") from error
    found = _cached(requirement, directory, ".whl")
    if not found:
        raise FetchError(f"pip download {requirement} gave no wheel")
    return found


def fetch_sdist(requirement: str, directory: Path, index_url: str | None = None) -> Path | None:
    """The sdist of ``name==version`` (None when the index has none), downloaded once and verified."""
    found = _cached(requirement, directory, ".tar.gz")
    if found:
        return found
    name, version = requirement.split("==", 1)
    index = (index_url or os.environ.get("PIP_INDEX_URL") or DEFAULT_INDEX).rstrip("/")
    page = json.loads(_get(f"{index}/{normalize(name)}/", "application/vnd.pypi.simple.v1+json"))
    for file in page.get("files", []):
        if _is_sdist_of(file.get("filename", ""), name, version):
            data = _get(file["url"], "application/octet-stream")
            expected = file.get("hashes", {}).get("sha256")
            if expected and hashlib.sha256(data).hexdigest() != expected:
                raise FetchError(f"{file['filename']}: SHA-256 does not match the index")
            directory.mkdir(parents=True, exist_ok=True)
            target = directory / file["filename"]
            partial = target.with_name(target.name + ".part")
            partial.write_bytes(data)
            os.replace(partial, target)
            return target
    return None


def _get(url: str, accept: str) -> bytes:
    if not url.startswith("https://") and not url.startswith("http://"):
        raise FetchError(f"refusing a non-HTTP address: {url}")
    request = urllib.request.Request(url, headers={"Accept": accept, "User-Agent": "apiary-suite"})
    try:
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_S) as response:  # noqa: S310 (checked above)
            data = response.read(MAX_ARCHIVE_BYTES + 1)
    except OSError as error:
        raise FetchError(f"{url}: {error}") from error
    if len(data) > MAX_ARCHIVE_BYTES:
        raise FetchError(f"{url}: larger than {MAX_ARCHIVE_BYTES // 2**20} MB")
    return data


def _is_sdist_of(filename: str, name: str, version: str) -> bool:
    if not filename.endswith(".tar.gz"):
        return False
    stem = filename[: -len(".tar.gz")]
    project, _, file_version = stem.rpartition("-")
    return normalize(project) == normalize(name) and file_version == version


def _cached(requirement: str, directory: Path, suffix: str) -> Path | None:
    name, version = requirement.split("==", 1)
    if not directory.is_dir():
        return None
    for path in sorted(directory.iterdir()):
        if not path.name.endswith(suffix):
            continue
        stem = path.name[: -len(suffix)]
        parts = stem.split("-")
        if len(parts) >= 2 and normalize(parts[0]) == normalize(name) and parts[1] == version:
            return path
    return None
