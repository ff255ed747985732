"""Where Apiary keeps its files: platformdirs' per-user cache and config directories.

``APIARY_CACHE_DIR`` / ``APIARY_CONFIG_DIR`` override them (tests, CI, shared caches).
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "apiary"


def cache_dir() -> Path:
    override = os.environ.get("APIARY_CACHE_DIR")
    return Path(override).expanduser() if override else platformdirs.user_cache_path(APP_NAME)


def config_dir() -> Path:
    override = os.environ.get("APIARY_CONFIG_DIR")
    return Path(override).expanduser() if override else platformdirs.user_config_path(APP_NAME)


def index_dir() -> Path:
    return cache_dir() / "indexes"
