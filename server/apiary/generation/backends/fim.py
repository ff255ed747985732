"""Fill-in-the-middle: find a tokenizer's FIM tokens and lay out prefix and suffix for its family.

The tokens come from the tokenizer itself (its vocabulary, added and special tokens, and
CodeLlama's ``prefix_token``/``suffix_token``/``middle_token``), never from the model's name: a
fine-tune keeps its base's tokens whatever it is called, and a model without them gets plain
left-to-right completion.

Formats (the model sees the prefix, then the suffix, then writes the middle):

- StarCoder/SantaCoder: ``<fim_prefix>{prefix}<fim_suffix>{suffix}<fim_middle>``
- Qwen2.5-Coder: ``<|fim_prefix|>{prefix}<|fim_suffix|>{suffix}<|fim_middle|>`` (Qwen2.5-Coder README)
- DeepSeek-Coder: ``<｜fim▁begin｜>{prefix}<｜fim▁hole｜>{suffix}<｜fim▁end｜>`` (DeepSeek-Coder README;
  full-width bars, ``▁`` not a space)
- CodeLlama: ``<PRE> {prefix} <SUF>{suffix} <MID>``: Meta's ``infilling_prompt_tokens`` and
  transformers' ``CodeLlamaTokenizer.set_infilling_processor`` (" <PRE> {pre} <SUF>{suf} <MID>"),
  where the space before each marker is the ``▁`` of the ``▁<PRE>`` token itself. Token ids for
  it come from the tokenizer's own infilling (``tokenizer(prefix, suffix=...)``) when it has one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: family -> (prefix, suffix, middle) tokens, and the layout.
_FAMILIES: dict[str, tuple[tuple[str, str, str], str]] = {
    "starcoder": (("<fim_prefix>", "<fim_suffix>", "<fim_middle>"), "psm"),
    "qwen": (("<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>"), "psm"),
    "deepseek": (("<｜fim▁begin｜>", "<｜fim▁hole｜>", "<｜fim▁end｜>"), "psm"),
    "codellama": (("▁<PRE>", "▁<SUF>", "▁<MID>"), "codellama"),
    "codellama-bare": (("<PRE>", "<SUF>", "<MID>"), "codellama"),
}

#: Tokens that end the middle, when the tokenizer has them (plus its eos token).
_END_OF_MIDDLE = (
    "<|endoftext|>",
    "<|fim_pad|>",
    "<|file_sep|>",
    "<|repo_name|>",
    "<fim_pad>",
    "<file_sep>",
    "<EOT>",
    "▁<EOT>",
    "<|EOT|>",
    "<｜end▁of▁sentence｜>",
)


@dataclass(frozen=True)
class FimTokens:
    prefix: str
    suffix: str
    middle: str
    #: "psm" (markers glued to the text) or "codellama" (markers with a leading space).
    style: str = "psm"
    family: str = ""
    #: Tokens that end the middle (in the tokenizer's vocabulary).
    stop_tokens: tuple[str, ...] = ()


def _known_tokens(tokenizer: Any) -> set[str]:
    known: set[str] = set()
    for getter in ("get_vocab", "get_added_vocab"):
        try:
            known.update(getattr(tokenizer, getter)())
        except (AttributeError, NotImplementedError, TypeError):
            pass
    for attr in ("all_special_tokens", "additional_special_tokens", "extra_special_tokens"):
        value = getattr(tokenizer, attr, None)
        if isinstance(value, list | tuple):
            known.update(str(t) for t in value)
    return known


def detect_fim(tokenizer: Any) -> FimTokens | None:
    """The FIM tokens ``tokenizer`` has (all three of one family), or None."""
    known = _known_tokens(tokenizer)
    attrs = tuple(getattr(tokenizer, a, None) for a in ("prefix_token", "suffix_token", "middle_token"))
    candidates = list(_FAMILIES.items())
    if all(isinstance(t, str) for t in attrs):
        candidates.insert(0, ("codellama", (attrs, "codellama")))
    for family, (tokens, style) in candidates:
        if all(t in known for t in tokens):
            stops = [t for t in _END_OF_MIDDLE if t in known]
            eos = getattr(tokenizer, "eos_token", None)
            if isinstance(eos, str) and eos not in stops:
                stops.append(eos)
            return FimTokens(*tokens, style=style, family=family.split("-")[0], stop_tokens=tuple(stops))
    return None


#: Families a user can name for an endpoint whose tokenizer Apiary cannot see.
FIM_FAMILIES = ("starcoder", "qwen", "deepseek", "codellama")


def fim_tokens_for(family: str) -> FimTokens:
    """The FIM tokens of a named family (as text: CodeLlama's markers without their ``▁``), for a
    remote endpoint configured by the user; KeyError for an unknown name."""
    if family not in FIM_FAMILIES:
        raise KeyError(family)
    tokens, style = _FAMILIES["codellama-bare" if family == "codellama" else family]
    ends = {"codellama": ("<EOT>",), "deepseek": ("<｜end▁of▁sentence｜>",)}.get(family, ("<|endoftext|>",))
    return FimTokens(*tokens, style=style, family=family, stop_tokens=ends)


def _spaced(token: str) -> str:
    """A CodeLlama marker with the space before it (the ``▁`` is that space when present)."""
    return token if token.startswith("▁") else " " + token


def build_fim_prompt(fim: FimTokens, prefix: str, suffix: str) -> str:
    """The FIM prompt as text, in ``fim``'s family's layout."""
    if fim.style == "codellama":
        return f"{fim.prefix} {prefix}{_spaced(fim.suffix)}{suffix}{_spaced(fim.middle)}"
    return f"{fim.prefix}{prefix}{fim.suffix}{suffix}{fim.middle}"


def fim_input_ids(tokenizer: Any, fim: FimTokens, prefix: str, suffix: str) -> list[int]:
    """Token ids of the FIM prompt: CodeLlama's own infilling encoder when the tokenizer has one,
    otherwise the text of :func:`build_fim_prompt` (whose markers are special tokens)."""
    if fim.style == "codellama" and hasattr(tokenizer, "set_infilling_processor"):
        return list(tokenizer(prefix, suffix=suffix)["input_ids"])
    return list(tokenizer(build_fim_prompt(fim, prefix, suffix))["input_ids"])


__all__ = ["FIM_FAMILIES", "FimTokens", "build_fim_prompt", "detect_fim", "fim_input_ids", "fim_tokens_for"]
