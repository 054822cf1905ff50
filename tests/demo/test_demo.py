"""The demo city (`flask demo load`): accounts, organisations, projects in every state, honest dates."""
import shutil
import subprocess
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import click
import pytest
from flask import current_app

from conftest import DEMO_PASSWORD as PASSWORD, KEEP, truncate_data, snapshot
from procure import clock
from procure.accounts.models import COMMUNITY_CLASSES, Organisation, User
from procure.accounts.passwords import authenticate
from procure.audit.models import AuditEntry
from procure.clock import ManualClock
from procure.codes import is_valid_uscc
from procure.demo import TIMES, installed_clock, load, timeline
from procure.demo.projects import PROJECTS
from procure.extensions import db
from procure.payments.models import Payment
from procure.procurement.models import Bid, Challenge, Contract
from procure.procurement.tenders import Tender
from procure.projects.models import FUNDING_FORMS, Objection, Project
from procure.projects.permissions import visible_projects
from procure.projects.states import State
from procure.workdays.service import Calendar

SCORED = ("open_tender", "invited_tender", "competitive_consultation")

ACCOUNTS = {"admin": "admin", "community1": "community", "community2": "community", "reviewer1": "reviewer",
            "bureau1": "bureau", "provider1": "provider", "provider2": "provider", "evaluator1": "evaluator",
            "evaluator2": "evaluator", "evaluator3": "evaluator"}
# Dates that are plans, not events: they may lie ahead.
PLANNED = {("projects", "start_date"), ("projects", "end_date"), ("contracts", "start_date"),
           ("contracts", "end_date"), ("milestones", "due"), ("projects", "bid_deadline"),
           ("rectifications", "deadline"), ("catalogues", "notice_ends_on"), ("surveys", "closes_on"),
           ("evaluator_profiles", "accredited_until"), ("debarments", "starts_on"), ("debarments", "ends_on"),
           ("activities", "starts_at"), ("activities", "ends_at"), ("professional_certificates", "valid_until")}


def user(username) -> User:
    return db.session.scalar(db.select(User).filter_by(username=username))


def projects(**filters) -> list[Project]:
    return db.session.scalars(db.select(Project).filter_by(**filters).order_by(Project.code)).all()


def real_today() -> date:
    return clock.local(datetime.now(timezone.utc)).date()


@pytest.fixture(scope="class")
def loaded(demo_city):
    return demo_city


class TestLoadedDemo:
    """Read-only checks on one load of the demo (loading takes a few seconds)."""

    @pytest.fixture(autouse=True)
    def ctx(self, app, loaded):
        """Overrides the conftest fixture: the data stays for the whole class."""
        with app.app_context():
            yield loaded
            db.session.rollback()

    def test_the_loader_restores_the_previous_clock(self, app, loaded):
        assert app.config["CLOCK"] is loaded

    def test_the_named_accounts_log_in_with_the_demo_password(self):
        for username, role in ACCOUNTS.items():
            account = authenticate(username, PASSWORD)
            assert account is not None, username
            assert account.role == role
        assert authenticate("community1", "wrong") is None

    def test_every_community_has_a_worker_and_a_council(self):
        communities = db.session.scalars(db.select(Organisation).filter_by(kind="community")).all()
        assert len(communities) >= 12
        assert {c.community_class for c in communities} == set(COMMUNITY_CLASSES)
        for community in communities:
            assert community.members_total and len(community.division_code) == 12
            assert any(u.role == "community" for u in community.users), community.name
        assert user("community1").organisation_id != user("community2").organisation_id

    def test_each_community_registered_its_council_and_one_changed_it_with_a_reason(self):
        entries = db.session.scalars(db.select(AuditEntry).filter_by(action="set_council_size")
                                     .order_by(AuditEntry.id)).all()
        communities = db.session.scalars(db.select(Organisation).filter_by(kind="community")).all()
        assert {e.data["community_id"] for e in entries} == {c.id for c in communities}
        assert all(e.user.role == "community" and e.user.organisation_id == e.data["community_id"] for e in entries)
        change = entries[-1]
        assert change.data["before"] is not None and change.comment and change.user.username == "community1"
        assert user("community1").organisation.members_total == change.data["after"]

    def test_every_proposal_names_its_registered_council(self):
        for project in projects():
            if project.deliberation is not None:
                assert project.deliberation.members_total == project.community.members_total, project.title
                assert project.deliberation.minutes.strip()

    def test_the_street_office_confirms_and_scores_for_a_community_rewarded(self):
        from procure.acceptance.models import CommunityConfirmation
        from procure.performance_evaluation.models import PerformanceEvaluation, ScoreSheet

        rewarded = [p for p in projects() if p.funding_form == "reward" and p.state in ("evaluated", "closed")]
        assert rewarded
        for project in rewarded:
            confirmation = db.session.scalar(db.select(CommunityConfirmation).filter_by(project_id=project.id))
            sheet = db.session.scalar(db.select(ScoreSheet).join(PerformanceEvaluation).where(
                PerformanceEvaluation.project_id == project.id, ScoreSheet.party == "community"))
            for done_by in (db.session.get(User, confirmation.confirmed_by_id), db.session.get(User, sheet.user_id)):
                assert done_by.role == "reviewer" and len(done_by.organisation.division_code) == 12, project.title

    def test_community1_class_cap_allows_50000(self):
        cls = user("community1").organisation.community_class
        assert current_app.config["CLASS_CAPS"][cls] >= 50000

    def test_government_bureau_and_street_offices(self):
        government = db.session.scalars(db.select(Organisation).filter_by(kind="government")).all()
        assert sorted(g.division_code for g in government) == ["330100", "330102001000", "330105002000"]
        for username in ("admin", "reviewer1", "bureau1"):
            assert user(username).organisation.division_code == "330100"

    def test_providers_have_valid_unrelated_credit_codes(self):
        providers = db.session.scalars(db.select(Organisation).filter_by(kind="provider")).all()
        assert len(providers) >= 6
        for org in providers:
            assert is_valid_uscc(org.credit_code), org.name
            assert org.credit_code[0] == "5" and org.credit_code[1] in "123"
            assert org.users, org.name
        representatives = [org.legal_representative for org in providers]
        assert all(representatives) and len(set(representatives)) == len(representatives)
        assert user("provider1").organisation_id != user("provider2").organisation_id

    def test_providers_proved_each_requirement_and_one_renewal_waits(self, client):
        from procure.demo.providers import RENEWED
        from procure.providers.eligibility import requirement_status, requirements_of

        from support import login

        providers = db.session.scalars(db.select(Organisation).filter_by(kind="provider")).all()
        waiting = {}
        for org in providers:
            for name, row in requirements_of(org).items():
                assert row is not None and row.evidence_id is not None, (org.name, name)
                status = requirement_status(row, clock.today())
                if status != "verified":
                    waiting[(org.name, name)] = status
        renewed = next(o for o in providers if o.id == user(f"provider0{7}").organisation_id)
        assert waiting == {(renewed.name, "social_security_record"): "unverified"} and RENEWED == "neighbour"
        login(client, "bureau1", PASSWORD)
        page = client.get(f"/providers/{renewed.id}").get_data(as_text=True)
        assert 'data-testid="requirement-social_security_record" data-status="unverified"' in page
        assert "依法缴纳社会保障资金记录良好」缺少经民政局核验的证明材料" in page

    def test_evaluation_firms_are_in_the_register(self):
        from procure.evaluators.models import EvaluatorProfile

        firms = db.session.scalars(db.select(Organisation).filter_by(kind="evaluator")).all()
        assert len(firms) >= 3
        assert all(is_valid_uscc(f.credit_code) and f.credit_code.startswith("9") for f in firms)
        accounts = {user(f"evaluator{n}").organisation_id for n in (1, 2, 3)}
        assert len(accounts) == 3 and accounts <= {f.id for f in firms}
        profiles = {p.organisation_id: p for p in db.session.scalars(db.select(EvaluatorProfile))}
        assert set(profiles) == {f.id for f in firms}
        for profile in profiles.values():
            assert profile.accreditation and profile.specialties and profile.accredited_until
            assert len(profile.staff) >= 2 and profile.staff_count >= len(profile.staff)
        linked = {s.user_id for p in profiles.values() for s in p.staff if s.user_id}
        assert accounts == {db.session.get(User, i).organisation_id for i in linked}
        lapsed = [p for p in profiles.values() if p.accredited_until < real_today()]
        assert len(lapsed) == 1 and not lapsed[0].organisation.users

    def test_every_state_and_funding_form_is_present(self):
        all_projects = projects()
        assert len(all_projects) >= 30
        assert {p.state for p in all_projects} == {s.value for s in State}
        assert {p.funding_form for p in all_projects} == set(FUNDING_FORMS)
        assert all(any("\u4e00" <= ch <= "\u9fff" for ch in p.title) for p in all_projects)
        assert len({p.title for p in all_projects}) == len(all_projects)

    def test_projects_are_within_cap_and_budget(self):
        caps = current_app.config["CLASS_CAPS"]
        for p in projects():
            assert 8000 <= p.requested_amount <= caps[p.community.community_class], p.title
            assert sum(line.amount for line in p.budget_lines) == p.requested_amount, p.title
            assert p.category_code and p.needs_analysis and p.beneficiaries and p.location
            # What the notice needs besides (issue 14): both kinds of beneficiaries counted, lead, contact, team.
            assert p.beneficiaries_count > 0 and p.indirect_beneficiaries and p.indirect_beneficiaries_count >= 0
            assert p.goals and p.lead_name and p.contact_name and p.contact_phone and p.team, p.title

    def test_community1_and_community2_own_projects_in_several_states(self):
        mine = {p.state for p in projects(community_id=user("community1").organisation_id)}
        assert {"draft", "notice"} <= mine and len(mine) >= 5
        assert len(projects(community_id=user("community2").organisation_id)) >= 3

    def test_city_reviewer_and_bureau_see_both_communities(self):
        wanted = {user("community1").organisation_id, user("community2").organisation_id}
        for username in ("reviewer1", "bureau1"):
            seen = db.session.scalars(visible_projects(user(username))).all()
            assert wanted <= {p.community_id for p in seen}
            assert len(seen) == len(projects())

    def test_nothing_is_dated_in_the_future(self):
        now, today = datetime.now(timezone.utc), real_today()
        for table in db.metadata.sorted_tables:
            if table.name in KEEP:
                continue
            for row in db.session.execute(table.select()).mappings():
                for column, value in row.items():
                    if (table.name, column) in PLANNED:
                        continue
                    if isinstance(value, datetime):
                        assert value <= now, (table.name, column, value)
                    elif isinstance(value, date):
                        assert value <= today, (table.name, column, value)
        for p in projects():
            if p.bid_deadline and p.state != "tendering":
                assert p.bid_deadline <= now, p.title

    def test_a_tender_is_still_open_and_a_notice_still_running(self):
        now = datetime.now(timezone.utc)
        assert any(p.bid_deadline > now for p in projects(state="tendering"))
        assert any(p.bid_deadline <= now for p in projects(state="tendering"))  # waiting for the award
        calendar, days = Calendar(), current_app.config["NOTICE_WORKING_DAYS"]
        running = [p for p in projects(state="notice")
                   if not calendar.period_over(p.notice_published_on, days, today=real_today())]
        assert running and any(p.community_id == user("community1").organisation_id for p in running)

    def test_every_project_has_a_true_timeline(self):
        for p in projects():
            trail = db.session.scalars(db.select(AuditEntry).filter_by(project_id=p.id)
                                       .order_by(AuditEntry.id)).all()
            assert trail[0].action == "create" and trail[0].at == p.created_at
            moments = [e.at for e in trail]
            assert moments == sorted(moments), p.title
            state = "draft"
            for entry in (e for e in trail if e.to_state):
                assert entry.from_state == state, (p.title, entry.action)
                state = entry.to_state
            assert state == p.state, p.title

    def test_histories_vary(self):
        def projects_with(action):
            return {e.project_id for e in db.session.scalars(db.select(AuditEntry).filter_by(action=action))}

        assert len(projects_with("request_rectification")) >= 2
        assert projects_with("resubmit_for_acceptance") - {p.id for p in projects(state="rectification")}
        assert projects_with("return_for_revision") & projects_with("resubmit")
        grades = Counter(p.grade for p in projects() if p.grade)
        assert {"excellent", "good", "fair"} <= set(grades)
        assert {p.kind for p in db.session.scalars(db.select(Payment))} == {"advance", "milestone", "acceptance",
                                                                            "final", "reward"}
        assert db.session.scalar(db.select(Challenge).where(Challenge.answer.is_not(None)))
        assert db.session.scalar(db.select(Objection).where(Objection.answer.is_(None)))

    def test_bidders_and_implementers_rotate(self):
        bidders = set(db.session.scalars(db.select(Bid.provider_id)))
        implementers = {p.implementer_id for p in projects() if p.implementer_id and p.funding_form != "reward"}
        evaluators = {p.evaluator_org_id for p in projects() if p.evaluator_org_id}
        assert user("provider1").organisation_id in bidders & implementers
        assert user("provider2").organisation_id in bidders | implementers
        assert len(bidders) >= 5 and len(implementers) >= 4 and len(evaluators) == 3

    def test_a_second_load_changes_nothing(self, app, loaded):
        before = snapshot()
        assert load(PASSWORD) is False
        db.session.commit()
        assert snapshot() == before
        assert app.config["CLOCK"] is loaded


def test_refuses_to_mix_with_other_data(ctx):
    db.session.add(Organisation(kind="government", name="□□市民政局", division_code="330200"))
    db.session.commit()
    before = snapshot()
    with pytest.raises(click.ClickException) as refused:
        load(PASSWORD)
    assert "非演示数据" in refused.value.message and "not the demo's" in refused.value.message
    db.session.rollback()
    assert snapshot() == before
    assert current_app.config["CLOCK"] is ctx


def test_an_admin_outside_the_demo_city_is_other_data(ctx):
    org = Organisation(kind="government", name="□□市民政局", division_code="330200")
    db.session.add(org)
    db.session.flush()
    db.session.add(User(username="admin", role="admin", organisation_id=org.id, display_name="admin",
                        password_hash="x"))
    db.session.commit()
    with pytest.raises(click.ClickException):
        load(PASSWORD)


def test_installed_clock_puts_back_what_was_there(app):
    manual = ManualClock(datetime(2026, 1, 5, tzinfo=timezone.utc))
    app.config.pop("CLOCK", None)
    with installed_clock(app, manual):
        assert app.config["CLOCK"] is manual
    assert "CLOCK" not in app.config
    previous = ManualClock(datetime(2026, 3, 2, tzinfo=timezone.utc))
    app.config["CLOCK"] = previous
    with pytest.raises(RuntimeError), installed_clock(app, manual):
        raise RuntimeError("a failed load")
    assert app.config["CLOCK"] is previous


@pytest.mark.parametrize("moment", [
    "2026-11-25T17:16", "2026-11-23T00:30",  # a weekday evening, a Monday morning (Shanghai)
    "2026-02-20T02:00", "2026-02-24T01:00",  # during and just after the Spring Festival holiday
    "2026-10-06T02:00", "2026-10-09T09:00",  # during and just after the National Day holiday
    "2027-03-10T02:00",  # a year the holiday calendar does not know yet
    # Where the latest start that fits ended the story a week early and closed the challenge window:
    "2026-11-14T03:00", "2026-11-16T05:00", "2026-12-07T16:10",
    # An inquiry opened the day before the National Day holiday: its three working days end after it.
    "2026-06-30T20:00",
    # The next catalogue is published that day (1 December in Shanghai) or a month later.
    "2026-11-30T20:00", "2026-12-31T17:00",
])
def test_plans_end_in_the_past_whatever_the_day(ctx, moment):
    """Whenever the demo is loaded, each story ends by its day, one tender is still open, two
    notices are still running, and one tender waits for its award."""
    now = datetime.fromisoformat(moment).replace(tzinfo=timezone.utc)
    today = clock.local(now).date()
    calendar = timeline.QuietCalendar()
    plans = [timeline.plan(spec, now - timedelta(days=spec.days_ago), TIMES[i % len(TIMES)], calendar)
             for i, spec in enumerate(PROJECTS)]
    for p in plans:
        assert p.end <= now - timedelta(days=p.spec.days_ago), p.spec.title
        assert p.service[0] <= p.service[1]
    deadlines = [timeline.bid_deadline(p.marks["open_tender"], timeline.tender_days(p.spec), calendar, p.spec.method)
                 for p in plans if p.spec.state == "tendering"]
    assert any(d > now for d in deadlines) and any(d < now for d in deadlines)
    notices, days = [p for p in plans if p.spec.state == "notice"], current_app.config["NOTICE_WORKING_DAYS"]
    assert notices and all(
        not calendar.period_over(timeline.day_of(p.marks["publish_notice"]), days, today=today) for p in notices)
    config = current_app.config
    # The award notice (the end of the award step) went out a few working days ago: the challenge window runs.
    challenged = spec_plan(plans, "南门村社区外来务工人员子女“小候鸟”关爱服务")
    ends = calendar.add(timeline.day_of(challenged.marks["award"]), config["CHALLENGE_WORKING_DAYS"])
    assert timeline.day_of(challenged.marks["challenge"]) <= ends and today <= ends
    # The panel is appointed after the bid deadline; the contract left unpublished is already overdue.
    evaluating = spec_plan(plans, "翠湖社区高龄老人居家探访及智慧助老")
    deadline = timeline.bid_deadline(evaluating.marks["open_tender"], timeline.tender_days(evaluating.spec), calendar,
                                   evaluating.spec.method)
    assert deadline < evaluating.marks["panel"] < evaluating.marks["score"] <= now
    unpublished = spec_plan(plans, "老街社区无物业小区居民自治")
    signed = timeline.day_of(unpublished.marks["sign_contract"])
    assert calendar.add(signed, config["CONTRACT_PUBLISH_WORKING_DAYS"]) < today


def spec_plan(plans, title):
    return next(p for p in plans if p.spec.title == title)


class TestDemoProcurement:
    """Issue 3 in the demo (one more load): the purchase catalogue, tender notices, the panel's blind scoring,
    awards, notices and challenge windows, contract terms, publication and amendments, delivery with service
    records and payment requests."""

    @pytest.fixture(autouse=True)
    def ctx(self, app, loaded):
        with app.test_request_context():  # "waiting for me" words its notes in the reader's language
            yield loaded
            db.session.rollback()

    @staticmethod
    def purchases():
        return [p for p in projects(funding_form="purchase") if p.procurement_method]

    def test_tender_notices_state_requirements_and_criteria_by_method(self):
        from procure.procurement.panel import tender_of

        methods = set()
        for p in self.purchases():
            tender = tender_of(p)
            methods.add(p.procurement_method)
            assert p.location in tender.requirements and "供应商资格" in tender.requirements, p.title
            if p.procurement_method in SCORED:
                names = [c.name for c in tender.criteria]
                assert names == ["服务方案", "团队与资质", "类似项目经验"], p.title
                assert sum(c.max_points for c in tender.criteria) + tender.price_weight == 100
                assert all(c.description for c in tender.criteria)
            else:
                assert tender.criteria == [], p.title
        assert {"open_tender", "competitive_consultation", "inquiry", "single_source"} <= methods
        weights = {tender_of(p).price_weight for p in self.purchases() if p.procurement_method in SCORED}
        assert len(weights) >= 2  # the price's points vary by method
        assert all(bid.team and bid.plan for bid in db.session.scalars(db.select(Bid)))

    def test_a_tender_is_being_evaluated_with_one_member_still_to_score(self):
        from procure.procurement.panel import evaluation_of
        from procure.desk.waiting import waiting_for

        now = datetime.now(timezone.utc)
        evaluating = [p for p in projects(state="tendering") if p.bid_deadline <= now and evaluation_of(p).members]
        assert evaluating
        p = evaluating[0]
        evaluation = evaluation_of(p)
        assert len(evaluation.active) == 2 and len(evaluation.bids) >= 3 and not evaluation.complete
        bids = {b.id for b in evaluation.bids}
        done, waiting = sorted(evaluation.active, key=lambda m: -len(m.scored))
        assert done.scored == bids and waiting.scored == set()
        assert waiting.member.appointed_at > p.bid_deadline
        pending = {w.project.id: w.notes for w in waiting_for(waiting.member.user)[0]}
        assert pending.get(p.id) == ["待评审打分"]
        assert p.id not in {w.project.id for w in waiting_for(done.member.user)[0]}

    def test_every_award_goes_to_the_first_ranked_bid_and_not_always_the_cheapest(self):
        from procure.procurement.panel import evaluation_of

        cheapest = set()
        awarded = [p for p in self.purchases() if p.awarded_at]
        assert len(awarded) >= 10
        for p in awarded:
            evaluation = evaluation_of(p)
            winner = next(b for b in evaluation.bids if b.status == "awarded")
            assert evaluation.top.id == winner.id, p.title
            if evaluation.scored_method:
                assert evaluation.complete and len(evaluation.active) == 2, p.title
                assert all(m.member.appointed_at > p.bid_deadline for m in evaluation.members)
                cheapest.add(winner.price == min(b.price for b in evaluation.bids))
        assert cheapest == {True, False}

    def test_award_notices_and_challenges_keep_their_working_days(self):
        from procure.procurement import deadlines
        from procure.procurement.panel import tender_of

        late, today = [], real_today()
        for p in (p for p in self.purchases() if p.awarded_at):
            notice = tender_of(p).award_notice_at
            assert notice and notice > p.awarded_at, p.title
            if deadlines.is_late(deadlines.award_notice_due(p), clock.local(notice).date()):
                late.append(p.title)
            ends = deadlines.challenge_window_ends(tender_of(p))
            for challenge in db.session.scalars(db.select(Challenge).filter_by(project_id=p.id)):
                assert notice < challenge.filed_at and clock.local(challenge.filed_at).date() <= ends
        assert len(late) == 1  # one notice went out late, to show the warning
        in_window = [p for p in projects(state="awarded")
                     if today <= deadlines.challenge_window_ends(tender_of(p))
                     and db.session.scalar(db.select(Challenge.id).filter_by(project_id=p.id))]
        assert in_window

    def test_contracts_state_their_terms_and_are_published_in_time_but_two(self):
        from procure.procurement import deadlines
        from procure.procurement.models import Contract, ContractAmendment

        contracts = db.session.scalars(db.select(Contract).filter_by(kind="contract")).all()
        assert len(contracts) >= 10
        late, unpublished = [], []
        for c in contracts:
            assert c.service_content and c.quantity_targets and c.quality_targets and c.no_subcontracting
            assert c.rights_obligations and c.breach_liability and c.dispute_resolution
            tender = db.session.scalar(db.select(Tender).filter_by(project_id=c.project_id))
            budget = db.session.get(Project, c.project_id).approved_amount
            assert tender is None or tender.bid_deposit * 100 <= budget * current_app.config["BID_DEPOSIT_MAX_PERCENT"]
            assert 0 < c.deposit * 100 <= c.amount * current_app.config["DEPOSIT_MAX_PERCENT"]
            assert c.signed_on == clock.local(c.signed_at).date()
            if c.published_at is None:
                unpublished.append(c)
            elif deadlines.is_late(deadlines.contract_publish_due(c), clock.local(c.published_at).date()):
                late.append(c)
        assert len(late) == 1 and len(unpublished) == 1
        assert deadlines.is_late(deadlines.contract_publish_due(unpublished[0]), real_today())
        assert all(c.published_at for c in db.session.scalars(db.select(Contract).filter_by(kind="agreement")))
        amendment = db.session.scalar(db.select(ContractAmendment))
        assert amendment.reason and set(amendment.changes) == {"end"} and amendment.version == 2

    def test_contracts_in_delivery_with_records_confirmations_and_payment_requests(self):
        from procure.delivery.models import MilestoneConfirmation, PaymentRequest, ServiceRecord
        from procure.payments.operations import paid_total, payable_total
        from procure.desk.waiting import waiting_for

        delivering = projects(state="in_delivery", funding_form="purchase")
        assert len(delivering) >= 2
        states = set()
        for p in delivering:
            assert len(db.session.scalars(db.select(ServiceRecord).filter_by(project_id=p.id)).all()) >= 3
            requests = db.session.scalars(db.select(PaymentRequest).filter_by(project_id=p.id)).all()
            assert requests and all(db.session.scalar(db.select(MilestoneConfirmation).filter_by(
                milestone_id=r.milestone_id, result="met")) for r in requests)
            states |= {r.state for r in requests}
            if any(r.state == "approved" for r in requests):
                assert 0 < paid_total(p) < payable_total(p)
        assert states == {"approved", "requested"}
        notes = [n for w in waiting_for(user("bureau1"))[0] for n in w.notes]
        assert any("付款申请待审批" in n for n in notes)

    def test_the_data_would_send_reminders_but_none_are_sent_yet(self):
        from procure.notifications.models import Notification
        from procure.notifications.reminders import due_reminders

        kinds = {r.kind for r in due_reminders()}
        assert "contract_unpublished" in kinds
        assert db.session.scalar(db.select(Notification.id).where(Notification.project_id.is_not(None))) is None


    def test_every_listed_project_is_an_item_of_its_years_catalogue(self):
        from procure.catalogue.models import Catalogue

        catalogues = {c.year: c for c in db.session.scalars(db.select(Catalogue))}
        # A cancelled project leaves its catalogue (from a draft simply, else by a recorded amendment).
        listed = [p for p in projects() if p.catalogue_year is not None and p.state != "cancelled"]
        assert listed and set(catalogues) == {p.catalogue_year for p in listed}
        for p in listed:
            item = next(i for i in catalogues[p.catalogue_year].current_items if i.project_id == p.id)
            assert item.budget == p.approved_amount and item.category_code == p.category_code
        # Each year's catalogue is published on its day (the December before), after its last listing; later
        # listings wait in next year's catalogue, a draft until its day comes.
        from procure.demo.timeline import QuietCalendar, catalogue_published

        now = datetime.now(timezone.utc)
        for catalogue in catalogues.values():
            assert (catalogue.state == "draft") == (catalogue_published(catalogue.year, QuietCalendar()) > now)
        # Bought only from a catalogue in force: each tender, agreement and reward claim after it came into force.
        bought = db.session.execute(db.select(AuditEntry.at, Project.catalogue_year).join(Project).where(
            AuditEntry.action.in_(("open_tender", "sign_agreement", "claim_completion")))).all()
        assert bought
        for at, year in bought:
            assert catalogues[year].state == "in_force" and catalogues[year].in_force_at < at
        for catalogue in catalogues.values():
            if catalogue.state != "draft":
                assert not catalogue.amendments
                assert all(i.project.catalogue_year == catalogue.year for i in catalogue.current_items)
                ids = [i.project_id for i in catalogue.current_items]
                last_listing = db.session.scalar(db.select(db.func.max(AuditEntry.at)).where(
                    AuditEntry.project_id.in_(ids), AuditEntry.action == "list_in_catalogue"))
                assert last_listing < catalogue.published_at


def titled(title) -> Project:
    return db.session.scalar(db.select(Project).filter_by(title=title))


def firm_user(org_id) -> User:
    return db.session.scalar(db.select(User).filter_by(organisation_id=org_id, role="evaluator"))


class TestDemoEvaluation:
    """Issue 4 in the demo (one more load): the firm register and its draws, acceptance with rectification
    rounds, the residents' survey, blind scoring, divergences, grades, final payments, the debarment after a
    差 and the acceptance and evaluation documents."""

    @pytest.fixture(autouse=True)
    def ctx(self, app, loaded):
        with app.test_request_context(method="POST"):  # it issues documents: a request that writes
            yield loaded
            db.session.rollback()

    @staticmethod
    def draws(project=None):
        from procure.evaluators.models import EvaluatorDraw

        query = db.select(EvaluatorDraw).order_by(EvaluatorDraw.project_id, EvaluatorDraw.number)
        return db.session.scalars(query.filter_by(project_id=project.id) if project else query).all()

    def test_draws_are_reproducible_and_record_exclusions_with_reasons(self):
        from procure.evaluators.conflicts import pick
        from procure.evaluators.models import EvaluatorProfile, FirmEngagement

        draws = self.draws()
        assert len(draws) >= 12
        lapsed = db.session.scalar(db.select(EvaluatorProfile.organisation_id).where(
            EvaluatorProfile.accredited_until < real_today()))
        engaged = set()
        for draw in draws:
            assert draw.result_org_id in draw.candidates and lapsed not in draw.candidates
            assert {"org_id": lapsed, "reasons": ["accreditation_expired"]} in draw.excluded
            if draw.method == "random":
                assert pick(draw.seed, draw.candidates) == draw.result_org_id
            engaged |= {e["org_id"] for e in draw.excluded if "recent_engagement" in e["reasons"]}
        recorded = set(db.session.scalars(db.select(FirmEngagement.firm_id)))
        assert len(engaged) >= 2 and engaged <= recorded

    def test_a_firm_picked_by_hand_with_a_written_reason(self):
        manual = [d for d in self.draws() if d.method == "manual"]
        assert len(manual) == 1 and manual[0].seed is None and len(manual[0].reason) >= 30
        entry = db.session.scalar(db.select(AuditEntry).filter_by(project_id=manual[0].project_id,
                                                                  action="assign_evaluator"))
        assert entry.comment == manual[0].reason and entry.data["result_org_id"] == manual[0].result_org_id

    def test_a_late_conflict_recused_the_firm_and_a_second_draw_followed(self):
        from procure.evaluators.models import ConflictDeclaration

        late = db.session.scalars(db.select(ConflictDeclaration).filter_by(has_conflict=True)).all()
        assert len(late) == 1 and late[0].late and late[0].conflict_type == "financial" and late[0].statement
        project = db.session.get(Project, late[0].project_id)
        first, second = self.draws(project)
        assert first.result_org_id == late[0].evaluator_org_id != second.result_org_id
        assert {"org_id": first.result_org_id, "reasons": ["declared_conflict"]} in second.excluded
        assert project.evaluator_org_id == second.result_org_id and project.state in ("evaluated", "closed")
        actions = [e.action for e in db.session.scalars(db.select(AuditEntry).filter_by(project_id=project.id)
                                                        .order_by(AuditEntry.id))]
        assert actions.index("start_acceptance") < actions.index("recuse_evaluator") < actions.index("accept")
        assert project.community_id == user("community1").organisation_id

    def test_a_delivered_project_waits_for_the_drawn_firms_declaration(self):
        from procure.evaluators.conflicts import firm_declaration
        from procure.desk.waiting import waiting_for

        drawn = [p for p in projects(state="delivered") if p.evaluator_org_id]
        assert len(drawn) == 1 and len(projects(state="delivered")) >= 2  # another still waits for its draw
        project = drawn[0]
        assert firm_declaration(project, project.evaluator_org_id).declared_at is None
        pending = {w.project.id: w.notes for w in waiting_for(firm_user(project.evaluator_org_id))[0]}
        assert "待声明利益冲突情况" in pending.get(project.id, [])

    def test_acceptance_in_progress_with_a_site_visit_and_a_partly_judged_checklist(self):
        from procure.acceptance.operations import accept_reasons, items_of, visits_of

        project = next(p for p in projects(state="under_acceptance"))
        items = items_of(project)
        results = [i.result for i in items]
        assert visits_of(project) and "met" in results and "partly_met" in results and None in results
        assert {r.code for r in accept_reasons(project, None)} >= {"items_unjudged", "items_not_met"}

    def test_rectification_overdue_and_a_failed_round_before_re_acceptance(self):
        from procure.acceptance.operations import rounds_of, response_overdue
        from procure.notifications.reminders import due_reminders

        waiting = projects(state="rectification")
        assert waiting and all(response_overdue(rounds_of(p)[-1]) for p in waiting)
        overdue = [r for r in due_reminders() if r.kind == "rectification_overdue"]
        assert {r.project_id for r in overdue} == {p.id for p in waiting}
        rounds = {p.title: [r.outcome for r in rounds_of(p)] for p in projects() if len(rounds_of(p)) > 1}
        assert list(rounds.values()) == [["failed", "passed"]]

    def test_blind_scoring_with_the_survey_still_open(self):
        from procure.performance_evaluation.operations import evaluate_reasons, state_of
        from procure.survey.operations import is_open, response_count, survey_of

        # The accepted project whose survey is still open with too few answers (another may be open with enough).
        project = next(p for p in projects(state="accepted") if survey_of(p) and is_open(survey_of(p), p)
                       and response_count(p) < current_app.config["SURVEY_MIN_RESPONSES"])
        assert 0 < response_count(project) < current_app.config["SURVEY_MIN_RESPONSES"]
        assert project.community_id == user("community2").organisation_id
        community = state_of(project, user("community2"))
        assert not community.revealed and community.submitted == {"third_party"}
        assert set(community.sheets) == {"community"} and community.sheets["community"].submitted_at is None
        assert state_of(project, user("bureau1")).sheets == {}  # the bureau has not scored: sees no sheet
        codes = {r.code for r in evaluate_reasons(project, {})}
        assert {"scores_missing", "survey_too_few"} <= codes

    def test_a_divergence_awaits_its_explanation(self):
        from procure.performance_evaluation.operations import evaluate_reasons, state_of

        waiting = [p for p in projects(state="accepted") if state_of(p).revealed]
        assert len(waiting) == 1
        state = state_of(waiting[0])
        assert len(state.unexplained) == 1 and state.unexplained[0].indicator.kind == "ratio"
        assert [r.code for r in evaluate_reasons(waiting[0], {})] == ["divergence_unexplained"]

    def test_grades_surveys_and_final_payments(self):
        from procure.performance_evaluation.operations import final_payment, state_of
        from procure.performance_evaluation.scoring import final_instalment, grade_for
        from procure.survey.operations import response_count

        done = [p for p in projects() if p.state in ("evaluated", "closed")]
        grades = Counter(p.grade for p in done)
        assert grades["fair"] == 1 and grades["poor"] == 1 and grades["excellent"] + grades["good"] >= 7
        assert grades["excellent"] >= 2 and grades["good"] >= 2
        assert len({p.score for p in done}) >= 6  # the parties' own views make each total its own
        for p in done:
            assert response_count(p) >= current_app.config["SURVEY_MIN_RESPONSES"], p.title
            state = state_of(p)
            assert state.evaluation.grade == p.grade == grade_for(p.score) and state.revealed, p.title
            assert (state.evaluation.rectification_plan != "") == (p.grade == "fair"), p.title
            due = final_payment(p)
            # A reward is the approved amount by REWARD_PERCENT; a contract's or agreement's final instalment
            # is paid by FINAL_PAYMENT_PERCENT.
            percent = current_app.config["REWARD_PERCENT" if p.funding_form == "reward" else "FINAL_PAYMENT_PERCENT"]
            assert due.percent == percent[p.grade] and due.due == final_instalment(due.base, p.grade, percent)
            finals = db.session.scalars(db.select(Payment.amount).filter_by(project_id=p.id).where(
                Payment.kind.in_(("final", "reward")))).all()
            if p.state == "evaluated":
                assert finals == [] and due.paid < due.due, p.title
            else:
                assert len(finals) == 1 and due.paid == due.due, p.title
                if p.funding_form == "purchase":  # the last milestone's share, by the grade
                    assert finals[0] == due.due < due.base or p.grade in ("excellent", "good"), p.title
        fair = next(p for p in done if p.grade == "fair")
        assert fair.state == "closed" and final_payment(fair).due == (final_payment(fair).base * Decimal("0.9")
                                                                      ).quantize(Decimal("0.01"))

    def test_each_funding_form_is_paid_by_its_schedule(self):
        """Contracts: the advance they state, the milestones as confirmed, the last one by grade; agreements: the
        advance, the share due on acceptance, the final share by grade; rewards: nothing before the evaluation,
        then the approved amount by grade. No line was paid before it was due, nor beyond what it came to."""
        from procure.payments.schedule import schedule

        def kinds(p):
            return list(db.session.scalars(db.select(Payment.kind).filter_by(project_id=p.id).order_by(Payment.id)))

        closed = {form: projects(state="closed", funding_form=form) for form in FUNDING_FORMS}
        assert all(closed.values())
        for p in (p for group in closed.values() for p in group):
            plan = schedule(p)
            assert plan.payable == plan.held == 0 and plan.paid == plan.ceiling - plan.withheld, p.title
        contract = lambda p: db.session.scalar(db.select(Contract).filter_by(project_id=p.id))  # noqa: E731
        advanced = [p for p in closed["purchase"] if contract(p).advance_percent]
        assert advanced and all(kinds(p) == ["advance", "milestone", "final"] for p in advanced)
        assert any(kinds(p) == ["milestone", "final"] for p in closed["purchase"])  # no advance stated, none paid
        poor = schedule(next(p for p in closed["purchase"] if p.grade == "poor")).final
        assert poor.due == (poor.base * Decimal("0.7")).quantize(Decimal("0.01")) == poor.paid < poor.base
        assert all(kinds(p) == ["advance", "acceptance", "final"] for p in closed["subsidy"])
        percent = current_app.config["REWARD_PERCENT"]
        for p in closed["reward"]:
            [paid] = db.session.scalars(db.select(Payment).filter_by(project_id=p.id)).all()
            assert paid.kind == "reward"
            assert paid.amount == (p.approved_amount * percent[p.grade] / 100).quantize(Decimal("0.01")), p.title
        assert any(p.grade != "excellent" for p in closed["reward"])  # one paid less than approved
        for p in projects(funding_form="reward"):
            if p.state != "closed":
                assert kinds(p) == [], p.title
        [waiting] = projects(funding_form="reward", state="evaluated")
        assert schedule(waiting).payable == (waiting.approved_amount * percent[waiting.grade] / 100
                                             ).quantize(Decimal("0.01")) > 0
        for p in projects(funding_form="subsidy", state="in_delivery"):
            assert kinds(p) == ["advance"] and schedule(p).lines[1].reason.code == "acceptance_pending"
        for p in projects():
            for line in schedule(p).lines:
                assert line.paid <= (line.base if line.due is None else line.due), (p.title, line.kind)
                assert line.due is not None or line.paid == 0, (p.title, line.kind)
        assert db.session.scalar(db.select(Payment.id).filter_by(kind="instalment")) is None

    def test_a_poor_grade_debars_the_provider_from_next_year_without_breaking_later_stories(self):
        from procure.providers.models import Debarment

        poor = next(p for p in projects() if p.grade == "poor")
        debarment = db.session.scalar(db.select(Debarment).filter_by(organisation_id=poor.implementer_id))
        evaluated = db.session.scalar(db.select(AuditEntry.at).filter_by(project_id=poor.id, action="evaluate"))
        assert debarment.source == "evaluation_poor" and poor.code in debarment.reason
        assert debarment.starts_on == date(clock.local(evaluated).year + 1, 1, 1)
        assert db.session.scalar(db.select(AuditEntry).filter_by(action="set_debarment")).data["project_id"] == poor.id
        later = db.session.scalars(db.select(Bid).where(Bid.provider_id == poor.implementer_id,
                                                        Bid.submitted_at > evaluated)).all()
        assert later == []
        assert db.session.scalar(db.select(Organisation).filter_by(id=poor.implementer_id)).users

    def test_the_elderly_care_template_scores_its_projects(self):
        from procure.performance_evaluation.models import IndicatorTemplate
        from procure.performance_evaluation.operations import state_of
        from procure.performance_evaluation.templates import rows_of, tree_problems

        template = db.session.scalar(db.select(IndicatorTemplate).filter_by(category_code="A0101"))
        assert template and not tree_problems(rows_of(template)) and max(i.level for i in template.indicators) == 3
        evaluated = [p for p in projects() if state_of(p)]
        using = {p.title for p in evaluated if state_of(p).evaluation.template_id == template.id}
        assert len(using) >= 2 and all(p.category_code.startswith("A0101") for p in evaluated if p.title in using)
        assert any(state_of(p).evaluation.template.is_default for p in evaluated)

    @pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) missing")
    def test_the_acceptance_certificate_and_the_evaluation_report_render(self):
        from procure.documents.issuance import issue

        project = titled("幸福里社区长者助餐服务")
        firm = db.session.get(Organisation, project.evaluator_org_id).name
        code, title, grade, score = project.code, project.title, project.grade, project.score
        _record, pdf = issue("acceptance_certificate", user("bureau1"), project=project)
        text = pdf_text(pdf)
        for expected in ("验收证书", code, title, firm, "随机抽取", "合格"):
            assert expected in text, expected
        _record, pdf = issue("evaluation_report", user("bureau1"), project=titled(title))
        text = pdf_text(pdf)
        assert grade == "excellent"
        for expected in ("绩效评价报告", code, title, "养老服务绩效评价指标", f"{score}", "优"):
            assert expected in text, expected

    @pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) missing")
    def test_the_proposal_award_notice_contract_and_catalogue_render(self):
        from procure.catalogue.models import Catalogue
        from procure.documents.issuance import issue

        project = titled("幸福里社区长者助餐服务")
        contract = db.session.scalar(db.select(Contract).filter_by(project_id=project.id))
        code, title, winner = project.code, project.title, db.session.get(Organisation, contract.implementer_id).name
        amount = f"{contract.amount:,.2f}"
        expected = {"proposal": ("项目申报书", code, title, f"{project.requested_amount:,.2f}"),
                    "award_notice": ("通知书", code, title, winner, amount),
                    "contract": ("合同", code, title, winner, amount)}
        for kind, fields in expected.items():
            _record, pdf = issue(kind, user("bureau1"), project=titled(title))
            text = pdf_text(pdf)
            for field in fields:
                assert field in text, (kind, field)
        catalogue = db.session.scalar(db.select(Catalogue).filter_by(year=project.catalogue_year))
        _record, pdf = issue("catalogue", user("bureau1"), catalogue=catalogue)
        assert "年度购买服务目录" in pdf_text(pdf) and title in pdf_text(pdf)


def pdf_text(pdf: bytes) -> str:
    """pdftotext's output without white space (it comes and goes between CJK characters)."""
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return "".join(out.split())


class TestDemoVolunteers:
    """Issue 6 in the demo (one more load): some 300 volunteers, a year of activities and hours, the star board,
    each community's redemption catalogue, the talent pool, and the residents' accounts."""

    @pytest.fixture(autouse=True)
    def ctx(self, app, loaded):
        with app.app_context():
            yield loaded
            db.session.rollback()

    @staticmethod
    def volunteers():
        from procure.volunteers.models import Volunteer

        return db.session.scalars(db.select(Volunteer).order_by(Volunteer.id)).all()

    def test_a_few_hundred_volunteers_with_a_year_of_history(self):
        from procure.codes import is_valid_id_number
        from procure.volunteers.models import Activity, SignUp

        volunteers = self.volunteers()
        assert len(volunteers) >= 250
        assert all(is_valid_id_number(v.id_number) for v in volunteers)
        assert len({v.id_number for v in volunteers}) == len(volunteers)
        assert 0.6 <= sum(v.consent_public for v in volunteers) / len(volunteers) <= 0.8
        assert {v.community_id for v in volunteers} == {c.id for c in db.session.scalars(
            db.select(Organisation).filter_by(kind="community"))}
        activities = db.session.scalars(db.select(Activity)).all()
        now = datetime.now(timezone.utc)
        past = [a for a in activities if a.ends_at <= now]
        assert min(a.starts_at for a in past) < now - timedelta(days=330)
        assert min(a.starts_at for a in past if "每周" not in a.title) > now - timedelta(days=366)
        assert len(past) >= 14 * 12 * 2 and any(a.project_id for a in past)
        assert len(set(a.category for a in past)) == len(current_app.config["VOLUNTEER_CATEGORIES"])
        assert any(a.starts_at > now and a.state == "published" for a in activities)  # residents may sign up
        statuses = Counter(db.session.scalars(db.select(SignUp.status)))
        assert statuses["completed"] >= 2000 and statuses["no_show"] and statuses["cancelled"]
        cap = current_app.config["VOLUNTEER_HOURS_CAP"]
        hours = set(db.session.scalars(db.select(SignUp.hours).where(SignUp.hours.is_not(None))))
        assert max(hours) == cap and min(hours) < cap  # capped, and some left early

    def test_ledger_sums_equal_every_volunteers_balance_and_hours(self):
        from procure.volunteers.models import PointEntry

        sums = {vid: (points, hours) for vid, points, hours in db.session.execute(
            db.select(PointEntry.volunteer_id, db.func.sum(PointEntry.points), db.func.sum(PointEntry.hours))
            .group_by(PointEntry.volunteer_id))}
        for v in self.volunteers():
            points, hours = sums.get(v.id, (Decimal("0"), Decimal("0")))
            assert (v.balance, v.hours_total) == (Decimal(points), Decimal(hours)), v.id
        kinds = Counter(db.session.scalars(db.select(PointEntry.kind)))
        assert kinds["service"] >= 2000 and kinds["redemption"] >= 20 and kinds["correction"] >= 2

    def test_corrections_approved_refused_and_waiting_went_through_the_operations(self):
        from procure.volunteers.models import CorrectionRequest

        states = Counter(db.session.scalars(db.select(CorrectionRequest.state)))
        assert states["approved"] and states["refused"] and states["requested"]
        actions = Counter(db.session.scalars(db.select(AuditEntry.action).where(AuditEntry.project_id.is_(None))))
        assert actions["approve_correction"] == states["approved"]
        assert actions["refuse_correction"] == states["refused"]
        assert actions["redeem_reward"] >= 20 and actions["sign_up"] and actions["publish_activity"]
        assert actions["admit_talent"] and actions["check_professional_certificate"]

    def test_the_board_masks_names_and_shows_stars(self, client):
        from procure.volunteers import ledger

        html = client.get("/public/volunteers/board?period=year").get_data(as_text=True)
        assert html.count("*</td>") >= 10
        assert "★" in html
        for v in self.volunteers():
            assert v.real_name not in html and v.phone not in html and v.id_number not in html
        stars = Counter(ledger.stars(v.hours_total) for v in self.volunteers() if v.consent_public)
        assert sum(n for level, n in stars.items() if level >= 1) >= 10
        assert sum(n for level, n in stars.items() if level >= 2) >= 3  # the regulars of the weekly rounds
        assert "★★" in client.get("/public/volunteers/board?period=all").get_data(as_text=True)

    def test_each_community_has_a_redemption_catalogue(self):
        from procure.redemption.models import Redemption, RewardItem

        items = db.session.scalars(db.select(RewardItem)).all()
        for community in db.session.scalars(db.select(Organisation).filter_by(kind="community")):
            mine = [i for i in items if i.community_id == community.id]
            assert len(mine) >= 3 and any(i.stock > 0 and i.active for i in mine), community.name
        assert db.session.scalar(db.select(db.func.count(Redemption.id))) >= 20

    def test_the_talent_pool_and_project_skills(self):
        from procure.talent.models import ProfessionalCertificate, ProjectSkill, TalentProfile

        profiles = db.session.scalars(db.select(TalentProfile)).all()
        assert len(profiles) >= 30 and sum(p.admitted_at is not None for p in profiles) >= 15
        assert db.session.scalar(db.select(ProfessionalCertificate).where(
            ProfessionalCertificate.checked_at.is_not(None)))
        assert len({s.project_id for s in db.session.scalars(db.select(ProjectSkill))}) >= 2

    def test_resident1_logs_in_and_sees_their_points(self, client):
        from procure.volunteers.models import Volunteer

        assert authenticate("resident2", PASSWORD) is not None and authenticate("resident3", PASSWORD) is not None
        resident = user("resident1")
        assert resident.role == "resident" and resident.organisation.name == "幸福里社区"
        volunteer = db.session.scalar(db.select(Volunteer).filter_by(user_id=resident.id))
        assert volunteer.balance > 0 and volunteer.hours_total > 0
        others = [u for u in db.session.scalars(db.select(User).filter_by(role="resident"))
                  if not u.username.startswith("resident")]
        assert len(others) >= 250 and authenticate(others[0].username, PASSWORD) is None
        assert client.post("/login", data={"username": "resident1", "password": PASSWORD}).status_code == 302
        html = client.get("/me/volunteer").get_data(as_text=True)
        assert f'data-testid="balance">{volunteer.balance}<' in html
