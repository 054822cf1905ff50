"""Headline figures for the public home page: the public projects counted, and their approved amounts added
up, by stage, by district and by community class: three grouped reads of procure.projects.counts, which is kept
as projects change, so the figures cost the same for forty projects or four hundred thousand.

Amounts are approved amounts only: a project under the community notice has only asked for money, so it is
counted but adds nothing to the amount."""
from decimal import Decimal

from procure.accounts.divisions import district_names
from procure.accounts.models import COMMUNITY_CLASSES
from procure.projects import counts
from procure.projects.labels import COMMUNITY_CLASS_LABELS
from procure.public.listing import STAGE_OF, STAGES, public_counts_clause

ZERO = Decimal("0.00")


def _row(key, label, count, amount, filter_key, filter_value=None) -> dict:
    return {"key": key, "label": label, "count": count, "amount": amount or ZERO,
            "filter": {filter_key: key if filter_value is None else filter_value}}


def by_stage() -> list[dict]:
    """Every public stage in lifecycle order, with zeros where there is nothing."""
    totals = {stage: [0, ZERO] for stage in STAGES}
    for count, amount, state in counts.sums("all", "", where=public_counts_clause, group_by="state"):
        total = totals[STAGE_OF[state]]
        total[0] += count
        total[1] += amount or ZERO
    rows = [_row(stage, label, *totals[stage], "stage") for stage, (label, _states) in STAGES.items()]
    rows[0]["amount"] = None  # under notice: nothing approved yet
    return rows


def by_district() -> list[dict]:
    """Districts (the first six digits of the communities' division codes), named from Division (or by code)."""
    rows = sorted((code, count, amount) for count, amount, code in counts.sums(
        "area6", None, where=public_counts_clause, group_by="value") if count)
    names = district_names(code for code, _c, _a in rows)
    return [_row(code, names[code], count, amount, "district") for code, count, amount in rows]


def by_class() -> list[dict]:
    rows = {cls: (count, amount) for count, amount, cls in counts.sums(
        "class", None, where=public_counts_clause, group_by="value") if count}
    return [_row(cls, COMMUNITY_CLASS_LABELS[cls], *rows[cls], "community_class")
            for cls in COMMUNITY_CLASSES if cls in rows]


def headline() -> dict:
    stages = by_stage()
    return {"stages": stages, "districts": by_district(), "classes": by_class(),
            "count": sum(s["count"] for s in stages), "amount": sum((s["amount"] or ZERO for s in stages), ZERO)}
