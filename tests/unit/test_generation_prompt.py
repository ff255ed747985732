"""The APICoder prompt: the API block of When Language Model Meets Private Library §3.3, k, and the
token budget that keeps the block and the lines nearest the cursor."""

from __future__ import annotations

from apiary.docs.entry import ApiEntry, ApiKind
from apiary.generation.apicoder import APICoderGenerator, apis_called
from apiary.generation.backends.fake import FakeBackend
from apiary.generation.prompt import BLOCK_END, BLOCK_START, api_block, build_prompt
from apiary.generation.types import CodeContext, GenerationSettings


def entry(name: str, signature: str, description: str) -> ApiEntry:
    return ApiEntry(
        name=name, qualname=name, import_path=f"lib.{name}", library="lib", kind=ApiKind.FUNCTION,
        signature=signature, description=description,
    )


CYCLE = entry(
    "cycle",
    "(count=None)",
    "Cycles the specified input in perpetuity by default, or for the specified number of times.",
)
BATCH = entry("batch", "(batch_size, drop_last=False)", "Creates mini-batches of data.")


def words(text: str) -> int:
    return len(text.split())


def test_block_is_the_papers_format():
    block = api_block([CYCLE, BATCH])
    assert block.splitlines() == [
        BLOCK_START,
        "# cycle(count=None): Cycles the specified input in perpetuity by default, "
        "or for the specified number of times.",
        "# batch(batch_size, drop_last=False): Creates mini-batches of data.",
        BLOCK_END,
    ]
    assert BLOCK_START == "# [start]" and BLOCK_END == "# [end]"


def test_no_apis_no_block():
    assert api_block([]) == ""
    prompt = build_prompt("x = 1\n", [], words, 100)
    assert prompt.text == "x = 1\n"


def test_block_comes_before_the_context():
    prompt = build_prompt("import lib\n# repeat it\ny =", [CYCLE], words, 1000)
    assert prompt.text.startswith(BLOCK_START)
    assert prompt.text.endswith("import lib\n# repeat it\ny =")
    assert prompt.dropped_lines == 0


def test_long_context_keeps_the_block_and_the_lines_nearest_the_cursor():
    context = "\n".join(f"line_{i} = {i}" for i in range(200)) + "\n# the comment\nresult ="
    prompt = build_prompt(context, [CYCLE, BATCH], words, 80)
    assert prompt.api_block in prompt.text and "cycle(count=None)" in prompt.text
    assert prompt.text.endswith("# the comment\nresult =")
    assert "line_0 =" not in prompt.text and "line_199 = 199" in prompt.text
    assert prompt.dropped_lines > 0
    assert words(prompt.text) <= 80


def test_block_never_takes_more_than_half_the_budget():
    many = [entry(f"api{i}", "(a, b, c)", "does a thing with several words in it") for i in range(30)]
    prompt = build_prompt("x =", many, words, 60)
    assert words(prompt.api_block) <= 30
    assert prompt.text.endswith("x =")


def test_a_single_overlong_line_keeps_its_end():
    line = "value = " + " + ".join(f"v{i}" for i in range(500))
    prompt = build_prompt(line, [], words, 20)
    assert prompt.text.endswith("v499") and words(prompt.text) <= 20


def test_generator_puts_the_top_k_block_in_the_prompt_and_reports_apis_used():
    backend = FakeBackend([" dp.cycle(6)\n"])
    context = CodeContext("dp = lib.Wrapper([1])\n# repeat six times\nnew_dp =")
    candidates = APICoderGenerator(backend).generate(context, [CYCLE, BATCH], 1, GenerationSettings())
    sent = backend.requests[0].prompt
    assert sent.startswith(BLOCK_START) and "# batch(" in sent and sent.endswith("new_dp =")
    assert [c.text for c in candidates] == [" dp.cycle(6)"]
    assert candidates[0].apis == ("lib.cycle",) and candidates[0].prompt == sent


def test_generator_fills_in_the_middle_only_when_the_backend_can():
    context = CodeContext("x = lib.Wrapper([1])\ny =", "\nprint(y)\n")
    plain, fim = FakeBackend([" x"]), FakeBackend([" x"], supports_fim=True)
    APICoderGenerator(plain).generate(context, [CYCLE], 1, GenerationSettings())
    APICoderGenerator(fim).generate(context, [CYCLE], 1, GenerationSettings())
    assert plain.requests[0].suffix is None
    assert fim.requests[0].suffix == "\nprint(y)\n"


def test_generator_stops_at_the_end_of_the_statement():
    backend = FakeBackend([" dp.cycle(6)\nprint(new_dp)\n"])
    candidates = APICoderGenerator(backend).generate(CodeContext("new_dp ="), [CYCLE], 1, GenerationSettings())
    assert candidates[0].text == " dp.cycle(6)"
    assert "\nprint" in backend.requests[0].stop


def test_apis_called_needs_a_call_by_name():
    assert apis_called("dp.cycle(3).batch(2)", [CYCLE, BATCH]) == ("lib.cycle", "lib.batch")
    assert apis_called("cycles = 3", [CYCLE]) == ()
