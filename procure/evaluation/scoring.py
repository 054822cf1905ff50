"""Performance scores: weighted total of the first-level indicators, and the grade by bands."""
from decimal import Decimal

from flask import current_app
from flask_babel import lazy_gettext as _l

GRADE_LABELS = {"excellent": _l("优"), "good": _l("良"), "fair": _l("中"), "poor": _l("差")}


def weighted_total(scores: dict[str, Decimal]) -> Decimal:
    """Σ weight × score / 100, each score on 0–100 and the weights summing to 100."""
    weights = current_app.config["INDICATOR_WEIGHTS"]
    total = sum((Decimal(weights[k]) * Decimal(scores[k]) for k in weights), Decimal(0)) / 100
    return total.quantize(Decimal("0.01"))


def grade_for(total: Decimal) -> str:
    for grade, lower in current_app.config["GRADE_BANDS"]:
        if total >= lower:
            return grade
    return "poor"
