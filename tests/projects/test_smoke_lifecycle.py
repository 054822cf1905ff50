"""Each funding form's road from draft to closed, through the real operations."""
import pytest

from procure.audit.models import AuditEntry
from procure.extensions import db


@pytest.mark.parametrize("form", ["purchase", "subsidy", "reward"])
def test_each_funding_form_reaches_closed(journey, form):
    project = journey.create(funding_form=form)
    journey.drive(project, "closed")
    assert project.state == "closed"
    assert project.grade == "excellent" or project.grade == "good"
    trail = db.session.scalars(db.select(AuditEntry).filter_by(project_id=project.id).order_by(AuditEntry.id)).all()
    transitions = [(e.from_state, e.to_state) for e in trail if e.to_state]
    assert transitions[0] == ("draft", "notice") and transitions[-1] == ("evaluated", "closed")


@pytest.mark.parametrize("state", ["returned", "rejected", "withdrawn", "cancelled", "rectification"])
def test_side_roads(journey, state):
    project = journey.create()
    journey.drive(project, state)
    assert project.state == state


def test_journey_waits_out_a_holiday_notice_period(journey, clock):
    """Published on 30 September 2026 the notice runs past the National Day week."""
    from datetime import datetime, timezone

    clock.moment = datetime(2026, 9, 30, 2, 0, tzinfo=timezone.utc)
    project = journey.create()
    journey.drive(project, "submitted")
    assert clock.moment.date() > datetime(2026, 10, 12).date()
