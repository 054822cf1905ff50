"""The points ledger's arithmetic: caps, multipliers, stars, masking, and taking points never below zero."""
from decimal import Decimal

import pytest

from procure.accounts.models import User
from procure.extensions import db
from procure.volunteers import ledger
from procure.volunteers.models import PointEntry, Volunteer


@pytest.fixture
def volunteer(world):
    user = User(username="resident1", role="resident", organisation_id=world.community.id, display_name="居民",
                password_hash="x")
    db.session.add(user)
    db.session.flush()
    volunteer = Volunteer(user_id=user.id, community_id=world.community.id, real_name="张三",
                          id_number="330102199001011234", phone="13900000000")
    db.session.add(volunteer)
    db.session.commit()
    return volunteer


def test_hours_are_capped_and_points_follow_the_multiplier(app):
    assert ledger.credited_hours(Decimal("3.5")) == Decimal("2.00")
    assert ledger.credited_hours(Decimal("1.25")) == Decimal("1.25")
    assert ledger.credited_hours(Decimal("-1")) == Decimal("0.00")
    assert ledger.points_for(Decimal("2.00"), "elderly") == Decimal("3.00")
    assert ledger.points_for(Decimal("1.25"), "environment") == Decimal("1.25")


@pytest.mark.parametrize("hours,expected", [(0, 0), (99.99, 0), (100, 1), (299, 1), (300, 2), (600, 3), (999, 3),
                                            (1000, 4), (1500, 5), (9000, 5)])
def test_stars_at_the_thresholds(app, hours, expected):
    assert ledger.stars(Decimal(str(hours))) == expected


def test_names_are_masked():
    assert ledger.mask_name("张三") == "张*"
    assert ledger.mask_name("欧阳娜娜") == "欧***"
    assert ledger.mask_name("李") == "李*"


def test_entries_move_the_sums_and_spending_never_overdraws(volunteer, world):
    ledger.append(volunteer, "service", hours=Decimal("2.00"), points=Decimal("3.00"), user=world["community"])
    ledger.append(volunteer, "redemption", points=Decimal("-2.50"), user=world["community"])
    db.session.commit()
    assert (volunteer.balance, volunteer.hours_total) == (Decimal("0.50"), Decimal("2.00"))  # hours stay
    with pytest.raises(ledger.Overdrawn):
        ledger.append(volunteer, "redemption", points=Decimal("-0.51"))
    db.session.rollback()
    entries = db.session.scalars(db.select(PointEntry).filter_by(volunteer_id=volunteer.id)).all()
    assert [e.points for e in entries] == [Decimal("3.00"), Decimal("-2.50")]
    assert sum(e.points for e in entries) == volunteer.balance
