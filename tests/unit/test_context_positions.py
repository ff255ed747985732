import random

import pytest

from apiary.context.positions import (
    LineStarts,
    byte_line_starts,
    column_index,
    column_units,
    line_starts,
    offset_at,
    position_at,
)

ASTRAL = "x = '😀'  # 𝔘nicode"  # 😀 and 𝔘 are outside the BMP: two UTF-16 units each


def test_utf16_columns_count_astral_characters_twice():
    hash_index = ASTRAL.index("#")
    assert column_units(ASTRAL, hash_index) == hash_index + 1
    assert column_units(ASTRAL, len(ASTRAL)) == len(ASTRAL) + 2
    assert column_index(ASTRAL, hash_index + 1) == hash_index
    assert column_index(ASTRAL, column_units(ASTRAL, len(ASTRAL))) == len(ASTRAL)


def test_other_encodings():
    emoji = ASTRAL.index("😀")
    assert column_units(ASTRAL, emoji + 1, "utf-8") == emoji + 4
    assert column_units(ASTRAL, emoji + 1, "utf-32") == emoji + 1
    assert column_index(ASTRAL, emoji + 4, "utf-8") == emoji + 1
    with pytest.raises(ValueError):
        column_units(ASTRAL, 3, "latin-1")


def test_a_position_inside_a_surrogate_pair_rounds_down():
    emoji = ASTRAL.index("😀")
    assert column_index(ASTRAL, emoji + 1) == emoji  # the low half of the pair


def test_offset_at_and_position_at_on_astral_text():
    text = "a = 1\n" + ASTRAL + "\nz"
    hash_offset = text.index("#")
    line, character = position_at(text, hash_offset)
    assert (line, character) == (1, ASTRAL.index("#") + 1)
    assert offset_at(text, line, character) == hash_offset
    assert offset_at(text, 2, 0) == text.index("z")


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"])
def test_line_endings_as_lsp_counts_them(ending):
    text = ending.join(["one", "sé😀cond", "", "last"])
    assert offset_at(text, 1, 0) == text.index("sé")
    assert offset_at(text, 3, 2) == text.index("last") + 2
    assert position_at(text, text.index("last")) == (3, 0)
    assert position_at(text, text.index("cond")) == (1, 4)  # é is one unit, 😀 two


def test_mixed_endings_round_trip_every_offset():
    text = "a\r\nb😀\rc\n\r\nd𝔘e"
    starts = line_starts(text)
    assert len(starts) == 5
    for offset in range(len(text) + 1):
        if offset and text[offset - 1] == "\r" and text[offset : offset + 1] == "\n":
            continue  # between "\r" and "\n": not a position of its own
        line, character = position_at(text, offset)
        assert offset_at(text, line, character) == offset, offset


def test_offset_between_cr_and_lf_is_the_end_of_that_line():
    text = "ab\r\ncd"
    assert position_at(text, 3) == (0, 2)


def test_clamping():
    text = "short\nlonger line\n"
    assert offset_at(text, 0, 99) == 5  # clamps to the line end, never into the next line
    assert offset_at(text, 1, 99) == text.index("\n", 6)
    assert offset_at(text, 7, 3) == len(text)
    assert offset_at(text, 2, 5) == len(text)  # the empty last line
    assert position_at(text, 10_000) == (2, 0)
    assert offset_at("", 0, 0) == 0
    assert position_at("", 0) == (0, 0)


def test_negative_values_raise():
    with pytest.raises(ValueError):
        offset_at("abc", -1, 0)
    with pytest.raises(ValueError):
        offset_at("abc", 0, -1)
    with pytest.raises(ValueError):
        position_at("abc", -1)
    with pytest.raises(ValueError):
        column_index("abc", -2)


def test_line_starts_kept_in_step_with_random_edits_equal_a_fresh_count():
    rng = random.Random(3)
    alphabet = ["a", "\n", "\r", "\r\n", "é", "😀"]
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        start = rng.randint(0, len(text))
        end = rng.randint(start, len(text))
        inserted = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 4)))
        new = text[:start] + inserted + text[end:]
        assert LineStarts.of(text).edited(new, start, end, len(inserted)) == line_starts(new), (
            text,
            start,
            end,
            inserted,
        )
        data, new_data = text.encode(), new.encode()
        byte_start, byte_end = len(text[:start].encode()), len(text[:end].encode())
        edited = LineStarts.of(data).edited(new_data, byte_start, byte_end, len(inserted.encode()))
        assert edited == byte_line_starts(new_data)


def test_positions_read_through_line_starts_agree_with_a_scan():
    text = "ab\r\ncé\r😀x\n"
    starts = LineStarts.of(text)
    assert list(starts) == [0, 4, 7, 10]
    for offset in range(len(text) + 1):
        assert position_at(text, offset, starts=starts) == position_at(text, offset)
    assert offset_at(text, 2, 2, starts=starts) == offset_at(text, 2, 2) == 8  # after the astral character
    assert offset_at(text, 9, 0, starts=starts) == len(text)
