"""FIM tokens come from the tokenizer, and each family's prompt has its documented layout."""

from __future__ import annotations

import pytest

pytest.importorskip("transformers")

from tiny_models import tiny_tokenizer  # noqa: E402

from apiary.generation.backends.fim import (  # noqa: E402
    FIM_FAMILIES,
    FimTokens,
    build_fim_prompt,
    detect_fim,
    fim_input_ids,
    fim_tokens_for,
)


@pytest.fixture(scope="module")
def tokenizers():
    return {
        family: tiny_tokenizer(family)
        for family in ("plain", "starcoder", "qwen", "deepseek", "codellama-bare")
    }


@pytest.mark.parametrize(
    "family, tokens",
    [
        ("starcoder", ("<fim_prefix>", "<fim_suffix>", "<fim_middle>")),
        ("qwen", ("<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>")),
        ("deepseek", ("<｜fim▁begin｜>", "<｜fim▁hole｜>", "<｜fim▁end｜>")),
        ("codellama-bare", ("<PRE>", "<SUF>", "<MID>")),
    ],
)
def test_detects_each_family_from_its_special_tokens(tokenizers, family, tokens):
    fim = detect_fim(tokenizers[family])
    assert fim is not None
    assert (fim.prefix, fim.suffix, fim.middle) == tokens
    assert fim.family == family.split("-")[0]
    assert "<|endoftext|>" in fim.stop_tokens  # the eos token ends the middle


def test_no_fim_tokens_no_fim(tokenizers):
    assert detect_fim(tokenizers["plain"]) is None


def test_incomplete_set_is_not_fim():
    from transformers import PreTrainedTokenizerFast

    base = tiny_tokenizer("plain")
    tok = PreTrainedTokenizerFast(
        tokenizer_object=base.backend_tokenizer,
        eos_token="<|endoftext|>",
        additional_special_tokens=["<fim_prefix>"],
    )
    assert detect_fim(tok) is None


def test_fim_stop_tokens_include_the_family_pad(tokenizers):
    assert "<fim_pad>" in detect_fim(tokenizers["starcoder"]).stop_tokens
    assert "<|fim_pad|>" in detect_fim(tokenizers["qwen"]).stop_tokens
    assert "<EOT>" in detect_fim(tokenizers["codellama-bare"]).stop_tokens


def test_codellama_tokenizer_attributes():
    from transformers import CodeLlamaTokenizer

    tok = CodeLlamaTokenizer()  # a vocabulary of its special tokens only: nothing downloaded
    fim = detect_fim(tok)
    assert fim is not None and fim.family == "codellama" and fim.style == "codellama"
    assert (fim.prefix, fim.suffix, fim.middle) == ("▁<PRE>", "▁<SUF>", "▁<MID>")
    assert "▁<EOT>" in fim.stop_tokens
    # ids from the tokenizer's own infilling encoder: <s> ▁<PRE> {prefix} ▁<SUF> {suffix} ▁<MID>
    ids = fim_input_ids(tok, fim, "def f(", "return 1")
    pre, suf, mid = tok.convert_tokens_to_ids(["▁<PRE>", "▁<SUF>", "▁<MID>"])
    assert ids[0] == tok.bos_token_id and ids[1] == pre and ids[-1] == mid
    assert ids.index(pre) < ids.index(suf) < ids.index(mid)


def test_tokens_from_a_plain_attribute_set():
    class Tok:  # any object with CodeLlama's attributes and a vocabulary
        prefix_token, suffix_token, middle_token = "<A>", "<B>", "<C>"
        eos_token = "</s>"

        def get_vocab(self):
            return {"<A>": 0, "<B>": 1, "<C>": 2, "</s>": 3}

    fim = detect_fim(Tok())
    assert (fim.prefix, fim.suffix, fim.middle, fim.style) == ("<A>", "<B>", "<C>", "codellama")
    assert fim.stop_tokens == ("</s>",)


@pytest.mark.parametrize(
    "family, expected",
    [
        ("starcoder", "<fim_prefix>def f(<fim_suffix>)\n<fim_middle>"),
        ("qwen", "<|fim_prefix|>def f(<|fim_suffix|>)\n<|fim_middle|>"),
        ("deepseek", "<｜fim▁begin｜>def f(<｜fim▁hole｜>)\n<｜fim▁end｜>"),
        ("codellama-bare", "<PRE> def f( <SUF>)\n <MID>"),
    ],
)
def test_prompt_layouts(tokenizers, family, expected):
    fim = detect_fim(tokenizers[family])
    assert build_fim_prompt(fim, "def f(", ")\n") == expected


def test_codellama_layout_with_sentencepiece_markers():
    fim = FimTokens("▁<PRE>", "▁<SUF>", "▁<MID>", style="codellama")
    # the ▁ is the space before each marker
    assert build_fim_prompt(fim, "a", "b") == "▁<PRE> a▁<SUF>b▁<MID>"


@pytest.mark.parametrize("family", ["starcoder", "qwen", "deepseek", "codellama-bare"])
def test_input_ids_have_the_markers_in_order(tokenizers, family):
    tok = tokenizers[family]
    fim = detect_fim(tok)
    ids = fim_input_ids(tok, fim, "x = compute(", ")\nprint(x)\n")
    p, s, m = tok.convert_tokens_to_ids([fim.prefix, fim.suffix, fim.middle])
    assert ids.count(p) == ids.count(s) == ids.count(m) == 1
    assert ids.index(p) < ids.index(s) < ids.index(m) == len(ids) - 1
    text = tok.decode(ids)
    assert "x = compute(" in text and "print(x)" in text


def test_named_families_for_endpoints():
    assert set(FIM_FAMILIES) == {"starcoder", "qwen", "deepseek", "codellama"}
    assert (
        build_fim_prompt(fim_tokens_for("qwen"), "a", "b") == "<|fim_prefix|>a<|fim_suffix|>b<|fim_middle|>"
    )
    assert build_fim_prompt(fim_tokens_for("codellama"), "a", "b") == "<PRE> a <SUF>b <MID>"
    with pytest.raises(KeyError):
        fim_tokens_for("gpt2")
