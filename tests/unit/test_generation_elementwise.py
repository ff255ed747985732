"""An example's call on one literal, written over the user's list of such values."""

from __future__ import annotations

from apiary.context import extract_context_from_prefix
from apiary.generation.offline.elementwise import over_each
from apiary.generation.offline.fillers import collect_fillers

CODE = 'import validators\naddresses = ["a@b.com", "not-an-address"]\nports = [80, 8080]\n'


def each(text: str, comment: str, code: str = CODE) -> str | None:
    context = extract_context_from_prefix(f"{code}# {comment}\nresult =")
    return over_each(text, collect_fillers(context, None), context.text_before, comment)


def test_keep_only_filters_the_list_with_the_call():
    assert each("validators.email('someone@example.com')", "keep only valid addresses") == \
        "[address for address in addresses if validators.email(address)]"


def test_remove_filters_out_and_a_plain_request_maps():
    assert each("validators.email('x@y.z')", "remove the bad addresses") == \
        "[address for address in addresses if not validators.email(address)]"
    assert (
        each("validators.email('x@y.z')", "check every address")
        == "[validators.email(address) for address in addresses]"
    )
    assert each("validators.email('x@y.z')", "which are valid? a list of True/False") == \
        "[validators.email(address) for address in addresses]"


def test_the_list_must_hold_the_literals_kind():
    assert each("validators.between(3, min_val=1)", "keep only ports in range") == \
        "[port for port in ports if validators.between(port, min_val=1)]"
    assert each("validators.email(3.5)", "keep only the valid ones") is None  # no list of floats


def test_nothing_to_do_without_an_example_literal_or_a_fresh_list():
    assert each("validators.email(addresses)", "keep only valid addresses") is None
    assert each("validators.email('a@b.com')", "is a@b.com valid") is None  # the comment states the value
    used = CODE + "print(addresses, ports)\n"
    assert each("validators.email('x@y.z')", "keep only valid ones", used) is None
