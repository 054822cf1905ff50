"""A provider's track record: grades, the average score and the on-time rate of its milestone reports,
worked out by hand; shown on its page, in its API representation and beside its bids."""
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import event

from conftest import PASSWORD
from procure import clock
from procure.extensions import db
from procure.performance_evaluation.track_record import track_record, track_records
from procure.procurement.models import Contract, Milestone, MilestoneReport


def shanghai(day: date, hour=10) -> datetime:
    """10:00 (by default) in Shanghai on `day`, as UTC."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=timezone(timedelta(hours=8))).astimezone(timezone.utc)


@pytest.fixture
def record_of(journey, world):
    """Make a project implemented by a provider, in a state, with a grade, score and milestones:
    milestones are (due, first report day or None, hour of the report)."""
    def make(provider, state="evaluated", grade=None, score=None, milestones=(), terminated_on=None):
        project = journey.create()
        org = world[provider].organisation
        project.state, project.approved_amount, project.implementer_id = state, project.requested_amount, org.id
        project.grade, project.score = grade, score
        contract = Contract(project_id=project.id, kind="contract", implementer_id=org.id, amount=Decimal("1000"),
                            start_date=date(2025, 1, 1), end_date=date(2026, 12, 31),
                            terminated_at=shanghai(terminated_on) if terminated_on else None,
                            termination_reason="违约" if terminated_on else None)
        db.session.add(contract)
        db.session.flush()
        for position, (due, reported, *hour) in enumerate(milestones):
            milestone = Milestone(contract_id=contract.id, position=position, name=f"节点{position}", percent=50,
                                  due=due)
            db.session.add(milestone)
            db.session.flush()
            if reported:
                at = shanghai(reported, *hour)
                db.session.add_all([MilestoneReport(milestone_id=milestone.id, content="报告", submitted_at=at),
                                    MilestoneReport(milestone_id=milestone.id, content="补充",
                                                    submitted_at=at + timedelta(days=30))])
        db.session.commit()
        return project
    return make


def test_grades_average_and_on_time_rate_by_hand(record_of, world):
    today = clock.today()  # 2026-03-02
    record_of("provider", "evaluated", "excellent", Decimal("92.50"), milestones=[
        (date(2025, 6, 30), date(2025, 6, 30), 23),   # on the due day, 23:00 Shanghai (15:00 UTC): on time
        (date(2025, 9, 30), date(2025, 10, 1), 7),    # the next morning (still 30 Sep in UTC): late
    ])
    record_of("provider", "closed", "fair", Decimal("71.25"), milestones=[
        (date(2025, 12, 31), date(2025, 12, 1)),       # early: on time
        (today - timedelta(days=1), None),              # due yesterday, never reported: counted, late
        (today, None),                                  # due today, not reported yet: not counted
        (today + timedelta(days=30), date(2026, 3, 1)),  # reported before it is due: on time
    ])
    record_of("provider", "evaluated", "good", Decimal("85.00"))
    record_of("provider", "in_delivery", milestones=[(today + timedelta(days=60), None)])  # not due: not counted
    record_of("provider", "cancelled", milestones=[
        (date(2025, 5, 1), None),                       # due before the termination: counted, late
        (date(2025, 8, 1), None),                       # due after it: not counted
    ], terminated_on=date(2025, 6, 1))
    record_of("provider2", "evaluated", "poor", Decimal("55.00"))

    mine = track_record(world["provider"].organisation)
    assert mine["evaluated"] == 3
    assert mine["grades"] == {"excellent": 1, "good": 1, "fair": 1, "poor": 0}
    # (92.50 + 71.25 + 85.00) / 3 = 82.9166… → 82.92
    assert mine["average_score"] == Decimal("82.92")
    assert {p["grade"]: p["score"] for p in mine["projects"]} == {
        "excellent": Decimal("92.50"), "fair": Decimal("71.25"), "good": Decimal("85.00")}
    # counted: 2 + 3 + 1 = 6; on time: 1 + 2 = 3 → 50.00
    assert (mine["milestones_counted"], mine["milestones_on_time"], mine["on_time_rate"]) == (6, 3, Decimal("50.00"))

    other = track_record(world["provider2"].organisation)
    assert other["grades"]["poor"] == 1 and other["average_score"] == Decimal("55.00")
    assert other["on_time_rate"] is None and other["milestones_counted"] == 0
    empty = track_record(world["provider3"].organisation)
    assert empty["evaluated"] == 0 and empty["average_score"] is None and empty["on_time_rate"] is None


def test_a_few_queries_for_many_providers(record_of, world):
    for provider in ("provider", "provider2", "provider3"):
        for grade in ("excellent", "good"):
            record_of(provider, "closed", grade, Decimal("88"), milestones=[(date(2025, 6, 1), date(2025, 5, 1))])
    ids = [world[u].organisation_id for u in ("provider", "provider2", "provider3")]
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        records = track_records(ids)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert len([s for s in statements if s.startswith("SELECT")]) == 2
    assert all(r["evaluated"] == 2 and r["on_time_rate"] == Decimal("100.00") for r in records.values())


def login(client, username):
    client.post("/logout")
    assert client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 302
    return client


def test_shown_on_the_provider_page_and_in_the_api(record_of, world, client, api):
    record_of("provider", "closed", "good", Decimal("84.00"), milestones=[(date(2025, 6, 1), date(2025, 5, 1))])
    org = world["provider"].organisation
    html = login(client, "bureau").get(f"/providers/{org.id}").get_data(as_text=True)
    part = html.split('data-testid="track-record"')[1].split("</section>")[0]
    assert "84.00" in part and "100.00%" in part and ">1<" in part
    body = api.as_("bureau").get(f"/providers/{org.id}").get_json()
    assert body["track_record"]["average_score"] == "84.00" and body["track_record"]["on_time_rate"] == "100.00"
    assert body["track_record"]["grades"]["good"] == 1
    assert body["track_record"]["projects"][0]["score"] == "84.00"


def test_beside_the_bids_for_the_bureau_once_they_are_open(journey, record_of, world, client, clock):
    record_of("provider", "closed", "excellent", Decimal("95.00"))
    project = journey.create()
    journey.drive(project, "tendering")
    from procure.formfields import json_to_formdata
    from procure.procurement import operations as procurement

    journey.do(procurement.submit_bid, project, world["provider"],
               json_to_formdata({"price": "1000", "plan": "方案", "team": "团队"}))
    html = login(client, "bureau").get(f"/projects/{project.id}").get_data(as_text=True)
    assert "bid-track-" not in html  # sealed
    clock.advance(days=30)
    html = client.get(f"/projects/{project.id}").get_data(as_text=True)
    cell = html.split('data-testid="bid-track-')[1].split("</td>")[0]
    assert "95.00" in cell
    own = login(client, "provider").get(f"/projects/{project.id}").get_data(as_text=True)
    assert "bid-track-" not in own


def test_a_worker_keeps_a_record_it_counted_for_the_day(app, record_of, world, clock):
    """With TRACK_RECORD_CACHE_SECONDS, a page of providers reads a record counted before without a statement;
    a new day (which decides the milestones due) or the time running out counts it again."""
    from statements import count

    record_of("provider", "evaluated", "excellent", Decimal("92.50"),
              milestones=[(date(2025, 6, 30), date(2025, 6, 1))])
    org_id = world["provider"].organisation_id
    app.config["TRACK_RECORD_CACHE_SECONDS"] = 300
    try:
        first = track_records([org_id])[org_id]
        assert first["grades"]["excellent"] == 1 and first["on_time_rate"] == Decimal("100.00")
        first["grades"]["excellent"] = 99  # a caller's copy: the kept record stays
        assert count(lambda: track_records([org_id])) == 0
        assert track_records([org_id])[org_id]["grades"]["excellent"] == 1
        record_of("provider", "closed", "poor", Decimal("40.00"))
        assert track_records([org_id])[org_id]["evaluated"] == 1  # kept: the new grade shows within 300 s
        clock.advance(days=1)
        assert count(lambda: track_records([org_id])) > 0
        assert track_records([org_id])[org_id]["evaluated"] == 2
    finally:
        app.config["TRACK_RECORD_CACHE_SECONDS"] = 0
        app.extensions.pop("track_records", None)
