"""Performance scores, pure arithmetic: a leaf's score (0–100) from a party's input, the parties' combined
score, the weighted total and group scores over a template's tree, the grade, and divergence. The settings
(RATIO_BANDS, GRADE_BANDS, DIVERGENCE_THRESHOLD) are read from the app's config by the callers' defaults."""
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from flask import current_app
from flask_babel import lazy_gettext as _l

# The grades' labels sit with the projects' labels and the final instalment's share with payments, both below
# the evaluation; pages, the API and the documents read them from here too.
from procure.payments.shares import final_instalment  # noqa: F401
from procure.projects.labels import GRADE_LABELS  # noqa: F401

GRADE_NAMES = {"excellent": "优", "good": "良", "fair": "中", "poor": "差"}  # in stored texts
KIND_LABELS = {"ratio": _l("完成比率（实际 ÷ 计划）"), "scale": _l("分级评分"), "yes_no": _l("是 / 否"),
               "satisfaction": _l("居民满意度（问卷）")}
CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def cents(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def ratio_score(planned, actual, bands=None) -> Decimal:
    """actual ÷ planned scored by bands: (lower bound in percent, share of the points), highest first."""
    bands = bands if bands is not None else current_app.config["RATIO_BANDS"]
    planned, actual = Decimal(planned), Decimal(actual)
    if planned <= 0:
        raise ValueError("planned must be positive")
    percent = actual / planned * HUNDRED
    for lower, share in bands:
        if percent >= lower:
            return cents(Decimal(share) * HUNDRED)
    return Decimal("0.00")


def scale_score(value, scale_max) -> Decimal:
    return cents(Decimal(value) / Decimal(scale_max) * HUNDRED)


def yes_no_score(value) -> Decimal:
    return Decimal("100.00") if Decimal(value) == 1 else Decimal("0.00")


def combined(scores) -> Decimal | None:
    """The parties' mean score of a leaf (2 dp, half up); None without any score."""
    scores = [Decimal(s) for s in scores if s is not None]
    return cents(sum(scores, Decimal(0)) / len(scores)) if scores else None


def diverges(scores, threshold=None) -> bool:
    threshold = threshold if threshold is not None else current_app.config["DIVERGENCE_THRESHOLD"]
    scores = [Decimal(s) for s in scores if s is not None]
    return len(scores) > 1 and max(scores) - min(scores) > Decimal(threshold)


def grade_for(total, bands=None) -> str:
    for grade, lower in (bands if bands is not None else current_app.config["GRADE_BANDS"]):
        if Decimal(total) >= Decimal(lower):
            return grade
    return "poor"


@dataclass(frozen=True)
class Node:
    """A node of an indicator tree as the maths needs it: code, parent's code, weight among siblings."""

    code: str
    parent: str | None
    weight: Decimal


@dataclass(frozen=True)
class Result:
    total: Decimal
    groups: dict  # level-1 code → its contribution to the total (2 dp)
    grade: str


def path_factor(node: Node, by_code: dict) -> Decimal:
    """Π(weights along the path from the group down to `node`) / 100^depth: the node's share of the total."""
    factor = Decimal(1)
    while node is not None:
        factor = factor * Decimal(node.weight) / HUNDRED
        node = by_code.get(node.parent) if node.parent else None
    return factor


def total_of(nodes: list[Node], leaf_scores: dict[str, Decimal], bands=None) -> Result:
    """Σ leaf score × its path factor; each group's part likewise. Rounded once at the end (2 dp)."""
    by_code = {n.code: n for n in nodes}
    groups: dict[str, Decimal] = {n.code: Decimal(0) for n in nodes if n.parent is None}
    for code, score in leaf_scores.items():
        node = by_code[code]
        top = node
        while top.parent:
            top = by_code[top.parent]
        groups[top.code] += Decimal(score) * path_factor(node, by_code)
    total = cents(sum(groups.values(), Decimal(0)))
    return Result(total, {code: cents(value) for code, value in groups.items()}, grade_for(total, bands))
