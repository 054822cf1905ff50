"""The skill vocabulary volunteers, the talent pool and micro-projects share: the keys of the TALENT_SKILLS
setting with their Chinese labels, plus free words a resident types. Stored comma-separated, listed keys first."""
import re

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import String, literal

SKILL_LABELS = {"social_worker": _l("社会工作者"), "doctor": _l("医生"), "nurse": _l("护士"), "lawyer": _l("律师"),
                "electrician": _l("电工"), "plumber": _l("水暖工"), "teacher": _l("教师"),
                "psychologist": _l("心理咨询师"), "accountant": _l("会计"), "it": _l("信息技术"),
                "photography": _l("摄影"), "arts": _l("文艺")}
SEPARATORS = re.compile(r"[,，、;；\s]+")


def skill_keys() -> tuple[str, ...]:
    return tuple(current_app.config["TALENT_SKILLS"])


def skill_label(key: str) -> str:
    """The label of a TALENT_SKILLS key; a free word is its own label."""
    return str(SKILL_LABELS[key]) if key in SKILL_LABELS else key


def skill_choices() -> list[tuple[str, str]]:
    return [(key, skill_label(key)) for key in skill_keys()]


def free_words(text: str) -> list[str]:
    """Free words as typed, split at commas, 、, semicolons or spaces; a word that names a listed skill (by key
    or by its label) becomes that skill's key."""
    by_label = {skill_label(key): key for key in skill_keys()}
    words = []
    for word in SEPARATORS.split(text or ""):
        word = by_label.get(word, word)
        if word and word not in words:
            words.append(word)
    return words


def stored(chosen, typed: str) -> str:
    """The listed skills chosen, then the free words (no duplicates): what Volunteer.skills and
    TalentProfile.skills keep."""
    words = list(chosen or [])
    words += [word for word in free_words(typed) if word not in words]
    return ",".join(words)


def skills_of(text: str) -> list[str]:
    return [word for word in (text or "").split(",") if word]


def skill_labels(text: str) -> list[str]:
    return [skill_label(word) for word in skills_of(text)]


def has_skill(column, key: str):
    """SQL: the comma-separated `column` holds the word `key` (whole, not part of another word)."""
    padded = literal(",", String) + column + literal(",", String)
    return padded.contains(f",{key},", autoescape=True)
