"""Each volunteer's hours and points per month and year in Shanghai, kept beside the ledger with each entry: they
always equal the ledger's sums (service and corrections only), refill() rebuilds the same from the ledger, and
the star board ranks from them, ties sharing a rank even across a page's edge."""
from datetime import datetime, timezone
from decimal import Decimal

from sqlalchemy import select

from procure.extensions import db
from procure.volunteers import ledger, periods
from procure.volunteers.models import VolunteerPeriod

from test_board import board_rows, serve, volunteer


def kept() -> dict:
    return {(p.volunteer_id, p.period): (p.hours, p.points) for p in db.session.scalars(select(VolunteerPeriod))}


def test_the_periods_follow_the_ledger_in_shanghai_and_refill_rebuilds_them(world, clock):
    a = volunteer(world.community, "a", "王")
    b = volunteer(world.community_b, "b", "李")
    serve(clock, a, 4, at=datetime(2025, 12, 31, 15, 0, tzinfo=timezone.utc))  # 23:00 on 31 December in Shanghai
    serve(clock, a, 2, at=datetime(2025, 12, 31, 17, 0, tzinfo=timezone.utc))  # 01:00 on 1 January in Shanghai
    ledger.append(a, "correction", hours=Decimal("-0.5"), points=Decimal("-0.75"))
    ledger.append(a, "redemption", points=Decimal("-1"))  # spending is no service
    serve(clock, b, 3)
    db.session.commit()
    expected = {(a.id, "2025-12"): (Decimal("4.00"), Decimal("4.00")), (a.id, "2025"): (Decimal("4.00"), Decimal("4.00")),
                (a.id, "2026-01"): (Decimal("2.00"), Decimal("2.00")),
                (a.id, "2026-03"): (Decimal("-0.50"), Decimal("-0.75")),
                (a.id, "2026"): (Decimal("1.50"), Decimal("1.25")),
                (b.id, "2026-03"): (Decimal("3.00"), Decimal("3.00")), (b.id, "2026"): (Decimal("3.00"), Decimal("3.00"))}
    assert kept() == expected
    periods.refill()
    db.session.commit()
    assert kept() == expected


def test_ties_share_a_rank_across_a_pages_edge(app, client, world, clock, monkeypatch):
    monkeypatch.setitem(app.config, "PER_PAGE", 2)
    for key, surname, hours in (("a", "甲", 30), ("b", "乙", 20), ("c", "丙", 20), ("d", "丁", 10)):
        serve(clock, volunteer(world.community, key, surname), hours)
    db.session.commit()
    assert [(r[0], r[1][0], r[3]) for r in board_rows(client)] == [(1, "甲", "30.00"), (2, "乙", "20.00")]
    assert [(r[0], r[1][0], r[3]) for r in board_rows(client, page="2")] == [(2, "丙", "20.00"), (4, "丁", "10.00")]
    assert [(r[0], r[1][0]) for r in board_rows(client, period="year", page="2")] == [(2, "丙"), (4, "丁")]
