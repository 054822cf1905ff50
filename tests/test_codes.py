"""Unified social credit codes (GB 32100-2015) and administrative division codes (GB/T 2260)."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from procure.codes import (USCC_ALPHABET, area_prefix, covers, is_valid_division, is_valid_uscc, make_uscc,
                           uscc_check_char)

# The weights as the standard lists them, position 1 to 17.
STANDARD_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def reference_check(first17: str) -> str:
    """The check character computed straight from the standard's description."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, STANDARD_WEIGHTS))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def test_the_alphabet_has_31_characters_without_i_o_s_v_z():
    assert len(USCC_ALPHABET) == 31 and len(set(USCC_ALPHABET)) == 31
    assert not set("IOSVZ") & set(USCC_ALPHABET)


@pytest.mark.parametrize("code", [
    "91350100M000100Y43",   # the example printed with the standard
    "91110000600037341L",
    "12100000400000624D",
    "51330100MJ00000011",   # a 民政 social organisation code completed by make_uscc below
])
def test_valid_codes(code):
    if code == "51330100MJ00000011":
        code = make_uscc(code[:17])
    assert is_valid_uscc(code)
    assert is_valid_uscc(code.lower()) and is_valid_uscc(f"  {code}\n")


@pytest.mark.parametrize("code,why", [
    ("91350100M000100Y44", "wrong check character"),
    ("91350100M000100Y4", "17 characters"),
    ("91350100M000100Y433", "19 characters"),
    ("91350100M000100I43", "I is not in the alphabet"),
    ("91350100M000100O43", "O is not in the alphabet"),
    ("9135010OM000100Y43", "O for zero"),
    ("91350100M000100Y4Z", "Z as check character"),
    ("91350100M0001-0Y43", "a dash"),
    ("91350100Ｍ000100Y43", "a full-width letter"),
    ("", "empty"),
    (None, "nothing"),
    ("913501 0M000100Y43", "a space inside"),
])
def test_invalid_codes(code, why):
    assert not is_valid_uscc(code), why


def test_check_character_matches_the_standard_for_the_known_code():
    assert uscc_check_char("91350100M000100Y4") == reference_check("91350100M000100Y4") == "3"


@settings(max_examples=200, deadline=None)
@given(first17=st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17), position=st.integers(0, 17),
       replacement=st.sampled_from(USCC_ALPHABET))
def test_any_single_changed_character_is_detected(first17, position, replacement):
    code = make_uscc(first17)
    assert code[17] == reference_check(first17)
    assert is_valid_uscc(code)
    changed = code[:position] + replacement + code[position + 1:]
    assert is_valid_uscc(changed) == (changed == code)


@settings(max_examples=100, deadline=None)
@given(first17=st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17), position=st.integers(0, 15))
def test_adjacent_transpositions_are_detected(first17, position):
    code = make_uscc(first17)
    swapped = code[:position] + code[position + 1] + code[position] + code[position + 2:]
    assert is_valid_uscc(swapped) == (swapped == code)


@pytest.mark.parametrize("code,valid", [
    ("330100", True), ("330102001001", True), ("33010", False), ("3301000", False), ("33010200100", False),
    ("33010A", False), ("", False), (None, False), ("３３０１００", False), ("330100\n", False),
])
def test_division_codes(code, valid):
    assert is_valid_division(code) is valid


@pytest.mark.parametrize("code,prefix", [
    ("330000", "33"),             # a province
    ("330100", "3301"),           # a prefecture
    ("330102", "330102"),         # a county / district
    ("330102001000", "330102001"),  # a street (township)
    ("330102001001", "330102001001"),  # a community
    ("330100000000", "3301"),
    ("110000", "11"),             # a municipality
])
def test_area_prefix(code, prefix):
    assert area_prefix(code) == prefix


@pytest.mark.parametrize("area,division,inside", [
    ("330100", "330102001001", True),     # the city covers its communities
    ("330100", "330201001001", False),    # another city of the province
    ("330000", "330201001001", True),     # the province covers both
    ("330102", "330102001002", True),
    ("330102", "330103001001", False),    # a neighbouring district
    ("330102001000", "330102001001", True),
    ("330102001000", "330102002001", False),
    ("330102001001", "330102001001", True),  # a community covers itself
    ("330102001001", "330102001002", False),
    ("", "330102001001", False),          # no area covers nothing
    ("330100", "", False),
    ("330100", None, False),
])
def test_covers(area, division, inside):
    assert covers(area, division) is inside
