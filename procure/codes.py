"""National codes: administrative divisions (GB/T 2260) and unified social credit codes (GB 32100)."""
import re

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]
_USCC_SHAPE = re.compile(rf"^[{USCC_ALPHABET}]{{18}}$")
_DIVISION_SHAPE = re.compile(r"[0-9]{6}|[0-9]{12}")  # ASCII digits only: \d takes "３" too
# Prefix lengths of the levels: province, prefecture, county, township, village/community.
_LEVELS = (2, 4, 6, 9, 12)


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def is_valid_uscc(code: str) -> bool:
    """True when `code` has the shape of a credit code and its check character matches."""
    code = (code or "").strip().upper()
    return bool(_USCC_SHAPE.match(code)) and uscc_check_char(code[:17]) == code[17]


def make_uscc(first17: str) -> str:
    """Complete 17 characters with their check character (demo data and tests)."""
    return first17 + uscc_check_char(first17)


def is_valid_division(code: str) -> bool:
    return bool(_DIVISION_SHAPE.fullmatch(code or ""))  # fullmatch: "$" lets a trailing newline in


def area_prefix(code: str) -> str:
    """The prefix shared by every division inside `code`: 330100 → 3301, 330102001000 → 330102001."""
    for length in _LEVELS:
        if length <= len(code) and set(code[length:]) <= {"0"}:
            return code[:length]
    return code


def covers(area_code: str, division_code: str) -> bool:
    """Whether the area `area_code` contains the division `division_code`."""
    return bool(area_code) and (division_code or "").startswith(area_prefix(area_code))
