"""National codes: administrative divisions (GB/T 2260), unified social credit codes (GB 32100) and resident ID numbers
(GB 11643)."""
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


# Positions 1–2 of a credit code: the registration authority and the organisation category it registers.
USCC_CATEGORIES = {
    "11": "机关", "12": "事业单位", "13": "中央编办直接管理机构编制的群众团体", "19": "机构编制其他",
    "31": "律师执业机构", "32": "公证处", "33": "基层法律服务所", "34": "司法鉴定机构", "35": "仲裁委员会",
    "39": "司法行政其他", "51": "社会团体", "52": "民办非企业单位", "53": "基金会", "54": "村民委员会",
    "55": "居民委员会", "59": "民政其他", "71": "宗教活动场所", "72": "宗教院校", "79": "宗教其他",
    "81": "基层工会", "89": "工会其他", "91": "企业", "92": "个体工商户", "93": "农民专业合作社",
    "N1": "组级集体经济组织", "N2": "村级集体经济组织", "N3": "乡镇级集体经济组织", "N9": "农业其他", "Y1": "其他",
}


def uscc_prefix(code: str) -> str:
    """Positions 1–2 (registration authority and organisation category) of a credit code."""
    return (code or "").strip().upper()[:2]


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


# Resident identity card numbers (GB 11643-1999): 6-digit division, 8-digit birth date, 3-digit sequence and a
# check character; weights 2^(17-i) mod 11, check = "10X98765432"[Σ digit·weight mod 11].
ID_WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]
ID_CHECK = "10X98765432"
_ID_SHAPE = re.compile(r"[0-9]{17}[0-9X]")


def id_check_char(first17: str) -> str:
    return ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS)) % 11]


def is_valid_id_number(number: str) -> bool:
    """True when `number` has the shape of an 18-character ID number, a real birth date and the right check."""
    from datetime import date

    number = (number or "").strip().upper()
    if not _ID_SHAPE.fullmatch(number):
        return False
    try:
        date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return id_check_char(number[:17]) == number[17]


def make_id_number(first17: str) -> str:
    """Complete 17 digits with their check character (demo data and tests)."""
    return first17 + id_check_char(first17)


def mask_id_number(number: str) -> str:
    """330102199001011234 → 3301**********1234: staff never see an ID number whole."""
    number = number or ""
    return number[:4] + "*" * max(0, len(number) - 8) + number[-4:] if len(number) > 8 else "*" * len(number)
