"""Make the configured backend: an OpenAI-compatible endpoint, an in-process model, or none."""

from __future__ import annotations

import inspect
import logging

from apiary.generation.backends.base import Backend

log = logging.getLogger(__name__)


def load_backend(
    model: str | None = None,
    endpoint: str | None = None,
    device: str = "auto",
    dtype: str = "auto",
    **opts,
) -> Backend | None:
    """The backend the settings ask for: ``endpoint`` (with ``model`` naming the server's model)
    wins over ``model`` (a local directory or cached hub id, loaded in process); None when
    neither is set, and the caller uses the offline default.

    ``opts`` go to the backend's constructor (``timeout_s``, ``fim``, ``max_new_tokens``...); those
    it does not take are logged and ignored. Raises :class:`BackendError` when it cannot load.
    Imports torch and transformers only when a local model is asked for.
    """
    if endpoint:
        from apiary.generation.backends.openai_compat import OpenAICompatBackend

        return OpenAICompatBackend(endpoint, model=model or None, **_accepted(OpenAICompatBackend, opts))
    if model:
        from apiary.generation.backends.hf import HFBackend

        return HFBackend(model, device=device, dtype=dtype, **_accepted(HFBackend, opts))
    return None


def _accepted(cls: type, opts: dict) -> dict:
    params = inspect.signature(cls).parameters
    ignored = sorted(k for k in opts if k not in params)
    if ignored:
        log.warning("%s ignores options %s", cls.__name__, ", ".join(ignored))
    return {k: v for k, v in opts.items() if k in params}


__all__ = ["load_backend"]
