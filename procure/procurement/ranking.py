"""Ranking the valid bids of a tender: comprehensive scoring (综合评分法) or lowest price. Pure: no database.

Comprehensive scoring: a bid's technical score is the mean, over the active panel members, of each
member's sum of criterion points; its price score is the lowest valid price ÷ its price × the price
weight; both are rounded to 2 decimals (half up) and added. Ties go to the lower price, then to a bidder with
priority (graded 优 or 良 the year before: 同等条件下优先), then the higher technical score, then the earlier
submission. Lowest price: by price, then priority, then the earlier submission.
"""
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Ranked:
    bid: object  # anything with .id, .price and .submitted_at (and .provider_id, when some provider has priority)
    rank: int
    technical: Decimal | None = None
    price_score: Decimal | None = None
    total: Decimal | None = None
    priority: bool = False  # the provider was graded 优/良 the year before


def two_places(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def technical_score(member_sums: list[Decimal]) -> Decimal:
    """The mean of the members' criterion sums for one bid."""
    if not member_sums:
        raise ValueError("no scores")
    return two_places(sum(member_sums, Decimal(0)) / len(member_sums))


def price_score(lowest: Decimal, price: Decimal, weight: int) -> Decimal:
    return two_places(Decimal(lowest) / Decimal(price) * weight)


def _first(bid, priority) -> bool:
    """The bid's provider has priority among equals (its .provider_id is read only when some provider has)."""
    return bool(priority) and bid.provider_id in priority


def _submitted(bid) -> datetime:
    return bid.submitted_at


def rank_by_score(bids, member_sums: dict[int, list[Decimal]], weight: int, priority=frozenset()) -> list[Ranked]:
    """`member_sums`: bid id → each active member's sum of points for that bid; `priority`: the provider ids
    that come first among equals."""
    if not bids:
        return []
    lowest = min(b.price for b in bids)
    rows = []
    for bid in bids:
        technical = technical_score(member_sums[bid.id])
        on_price = price_score(lowest, bid.price, weight)
        rows.append((bid, technical, on_price, technical + on_price))
    rows.sort(key=lambda r: (-r[3], r[0].price, not _first(r[0], priority), -r[1], _submitted(r[0]), r[0].id))
    return [Ranked(bid, i, technical, on_price, total, _first(bid, priority))
            for i, (bid, technical, on_price, total) in enumerate(rows, 1)]


def rank_by_price(bids, priority=frozenset()) -> list[Ranked]:
    ordered = sorted(bids, key=lambda b: (b.price, not _first(b, priority), _submitted(b), b.id))
    return [Ranked(bid, i, priority=_first(bid, priority)) for i, bid in enumerate(ordered, 1)]
