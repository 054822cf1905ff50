"""A world full of private data for tests/test_public_privacy.py: projects at every stage, each private field
filled with a unique ASCII marker ("PRIV-<field>-<n>", which neither HTML nor JSON escaping changes), and the
distinctive private numbers and secrets (a sealed bid price, an unpublished contract amount, API tokens, survey
codes) the public must never be shown. Every value is written through the operations a user triggers."""
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from flask import current_app
from wtforms.fields.core import UnboundField

from procure import clock
from procure.accounts.models import ApiToken, Organisation
from procure.demo.journey import Journey, contract_terms, proposal
from procure.extensions import db
from procure.formfields import json_to_formdata
from procure.procurement.models import Bid, Contract
from procure.projects.inputs import TRIGGER_FORMS
from support import renew_requirements

SEALED_PRICE = "31415.92"  # a bid before the deadline
UNNOTICED_PRICE = "29979.25"  # a bid judged but before the award notice
UNPUBLISHED_AMOUNT = "27182.82"  # a signed contract not yet published


def money_forms(amount: str) -> list[str]:
    """How a page, a feed or a table may print an amount: plain, with thousands separators."""
    value = Decimal(amount)
    return [f"{value:.2f}", f"{value:,.2f}"]


@dataclass
class Marks:
    """The private markers (marker → what field of what it sits in) and other secret strings."""

    private: dict = field(default_factory=dict)
    secrets: dict = field(default_factory=dict)  # exact strings (amounts, tokens, codes) → what they are

    def new(self, name: str, where: str) -> str:
        marker = f"PRIV-{name}-{len(self.private) + 1:03d}"
        self.private[marker] = where
        return marker

    def secret(self, value: str, where: str) -> str:
        self.secrets[value] = where
        return value


# Triggers whose free text (not `comment`) is private wherever they are fired: the review's reasons and the
# reasons for withdrawing a draft. (cancel's reason becomes the public catalogue amendment's reason; summary,
# report and evaluate's findings are printed in public documents: they get plain text.)
PRIVATE_REASON_TRIGGERS = {"reject", "withdraw"}


def _has_comment(trigger) -> bool:
    return isinstance(getattr(TRIGGER_FORMS[trigger], "comment", None), UnboundField)


class MarkedJourney(Journey):
    """The journey, with markers in every audit comment it writes and in the private inputs it makes."""

    def __init__(self, cast, manual_clock, marks: Marks):
        super().__init__(cast, manual_clock)
        self.marks = marks

    def fire(self, project, trigger, user, **data):
        if _has_comment(trigger):
            name = "REVIEW-RETURN" if trigger == "return_for_revision" else f"AUDIT-{trigger}"
            data["comment"] = self.marks.new(name, f"AuditEntry.comment ({trigger}) of {project.code}")
        if trigger in PRIVATE_REASON_TRIGGERS:
            data["reason"] = self.marks.new(f"REASON-{trigger}", f"AuditEntry.comment ({trigger}) of {project.code}")
        super().fire(project, trigger, user, **data)

    def start_acceptance(self, p):
        """As the journey does, with both declarations' statements marked (a draw keeps no note)."""
        from procure.evaluators import operations as evaluators
        from procure.evaluators.conflicts import eligible_firms, pick

        self.clock.advance(days=2)
        evaluator = self.cast.evaluator
        if p.evaluator_org_id != evaluator.organisation_id:
            candidates, _excluded = eligible_firms(p)
            seed = next(s for s in (f"seed-{n}" for n in range(1, 10_000))
                        if pick(s, candidates) == evaluator.organisation_id)
            self.do(lambda: evaluators.draw_evaluator(p, self.cast.bureau, json_to_formdata({}), seed=seed))
        self.do(evaluators.declare, p, evaluator, json_to_formdata(
            {"has_conflict": False, "statement": self.marks.new("FIRM-DECLARATION",
                                                                f"ConflictDeclaration.statement of {p.code}")}))
        self.do(evaluators.declare_personal, p, evaluator, json_to_formdata(
            {"has_conflict": False, "statement": self.marks.new("PERSONAL-DECLARATION",
                                                                f"PersonalDeclaration.statement of {p.code}")}))
        self.fire(p, "start_acceptance", self.cast.bureau)

    # -- pieces the sweep needs that the journey does not do -------------------------------------------
    def objection(self, p):
        from procure.projects import operations

        self.do(operations.add_objection, p, self.cast.community, json_to_formdata(
            {"content": "建议增加周末送餐。",
             "resident_name": self.marks.new("OBJECTOR-NAME", f"Objection.resident_name of {p.code}"),
             "resident_contact": self.marks.new("OBJECTOR-CONTACT", f"Objection.resident_contact of {p.code}")}))
        objection = p.objections[-1]
        self.do(operations.answer_objection, p, self.cast.community, objection.id,
                json_to_formdata({"answer": "已纳入实施方案。"}))

    def sealed_bids(self, p, price):
        from procure.procurement import operations as procurement

        for provider, amount in zip(self.cast.providers[:2], (price, "30000.00")):
            self.do(procurement.submit_bid, p, provider, json_to_formdata(
                {"price": amount, "plan": self.marks.new("BID-PLAN", f"Bid.plan of {p.code}"),
                 "team": self.marks.new("BID-TEAM", f"Bid.team of {p.code}")}))

    def award_without_notice(self, p):
        """Bids (marked), the deadline, the panel's scores and the award, but no award notice yet."""
        self.sealed_bids(p, self.marks.secret(UNNOTICED_PRICE, f"a bid price of {p.code} before the award notice"))
        self.clock.advance(days=11)
        self.evaluate_bids(p)
        from procure.procurement import panel

        self.fire(p, "award", self.cast.bureau, bid_id=panel.evaluation_of(p).top.id)

    def unpublished_contract(self, p):
        """Sign (amount below the bid, marked terms) and do not publish."""
        from procure.procurement import panel

        notice = panel.tender_of(p).award_notice_at
        self._after_period(clock.local(notice).date(), current_app.config["CHALLENGE_WORKING_DAYS"])
        start = clock.today() + timedelta(days=3)
        amount = self.marks.secret(UNPUBLISHED_AMOUNT, f"Contract.amount of {p.code} (unpublished)")
        terms = {**contract_terms(Decimal(amount)),
                 "service_content": self.marks.new("CONTRACT-CONTENT", f"Contract.service_content of {p.code}"),
                 "quantity_targets": self.marks.new("CONTRACT-QUANTITY", f"Contract.quantity_targets of {p.code}"),
                 "quality_targets": self.marks.new("CONTRACT-QUALITY", f"Contract.quality_targets of {p.code}")}
        self.fire(p, "sign_contract", self.cast.bureau, amount=amount, start=start.isoformat(),
                  end=(start + timedelta(days=300)).isoformat(),
                  milestones=[{"name": "项目完成", "percent": 100, "due": (start + timedelta(days=300)).isoformat()}],
                  **terms)

    def challenge(self, p):
        from procure.procurement import operations as procurement

        winner = db.session.scalar(db.select(Bid.provider_id).filter_by(project_id=p.id, status="awarded"))
        loser = next(u for u in self.cast.providers[:2] if u.organisation_id != winner)
        self.do(procurement.file_challenge, p, loser, json_to_formdata(
            {"content": self.marks.new("CHALLENGE", f"Challenge.content of {p.code}")}))

    def amend(self, p):
        from procure.procurement import contracts

        contract = db.session.scalar(db.select(Contract).filter_by(project_id=p.id))
        self.do(contracts.amend, p, self.cast.bureau, json_to_formdata(
            {"reason": "服务对象增加，经双方协商延长服务期限。", "end": (contract.end_date + timedelta(days=10)).isoformat()}))

    def delivery_records(self, p):
        """A service record, a milestone report, the community's confirmation and payment requests (one
        refused), all marked."""
        from procure.delivery import operations as delivery
        from procure.procurement import operations as procurement

        user = self._implementer(p)
        contract = db.session.scalar(db.select(Contract).filter_by(project_id=p.id))
        milestone = contract.milestones[0]
        self.do(delivery.log_service, p, user, json_to_formdata(
            {"served_on": clock.today().isoformat(), "milestone_id": milestone.id, "participants": 12, "hours": "2",
             "place": self.marks.new("SERVICE-PLACE", f"ServiceRecord.place of {p.code}"),
             "activity": self.marks.new("SERVICE-ACTIVITY", f"ServiceRecord.activity of {p.code}")}))
        self.do(procurement.report_milestone, p, user, json_to_formdata(
            {"milestone_id": milestone.id,
             "content": self.marks.new("MILESTONE-REPORT", f"MilestoneReport.content of {p.code}")}))
        self.do(delivery.confirm_milestone, p, self.cast.community, milestone.id, json_to_formdata(
            {"result": "met", "comment": self.marks.new("MILESTONE-CONFIRMATION",
                                                        f"MilestoneConfirmation.comment of {p.code}")}))
        request = self.do(delivery.request_payment, p, user, json_to_formdata(
            {"milestone_id": milestone.id, "amount": "1000.00",
             "note": self.marks.new("PAYMENT-REQUEST-NOTE", f"PaymentRequest.note of {p.code}")}))
        self.do(delivery.refuse_payment_request, p, self.cast.bureau, request.id, json_to_formdata(
            {"reason": self.marks.new("PAYMENT-REFUSAL", f"PaymentRequest.reason of {p.code}")}))

    def acceptance_notes(self, p):
        """Under acceptance: a site visit, a checklist finding and the community's confirmation, marked."""
        from procure.acceptance import operations as acceptance

        self.do(acceptance.record_site_visit, p, self.cast.evaluator, json_to_formdata(
            {"visited_on": clock.today().isoformat(), "place": "社区党群服务中心",
             "participants": self.marks.new("VISIT-PARTICIPANTS", f"SiteVisit.participants of {p.code}"),
             "observations": self.marks.new("VISIT-OBSERVATIONS", f"SiteVisit.observations of {p.code}")}))
        items = acceptance.items_of(p)
        self.do(acceptance.judge_item, p, self.cast.evaluator, items[0].id, json_to_formdata(
            {"result": "not_met",
             "finding": self.marks.new("CHECKLIST-FINDING", f"ChecklistItem.finding of {p.code}")}))
        self.do(acceptance.confirm_acceptance, p, self.community_voice(p), json_to_formdata(
            {"agreed": False, "residents_present": 3,
             "opinion": self.marks.new("CONFIRMATION-OPINION", f"CommunityConfirmation.opinion of {p.code}")}))

    def marked_survey(self, p, count=None):
        """Open the survey, issue codes (secret) and have residents answer with marked comments."""
        from procure.survey import operations as survey

        count = count or current_app.config["SURVEY_MIN_RESPONSES"]
        if survey.survey_of(p) is None:
            self.do(survey.open_survey, p, self.cast.community, json_to_formdata({}))
        slug = survey.survey_of(p).slug
        codes = self.do(survey.issue_tokens, p, self.cast.community, json_to_formdata({"count": count + 1}))
        for code in codes:
            self.marks.secret(code, f"a survey code of {p.code}")
        for code in codes[:count]:
            self.do(survey.respond, slug, json_to_formdata(
                {"token": code, "overall": "very_satisfied",
                 "comment": self.marks.new("SURVEY-COMMENT", f"SurveyResponse.answers.comment of {p.code}")}))

    def draft_sheets(self, p):
        """The three parties' sheets saved (not submitted), each leaf's note marked."""
        from procure.performance_evaluation import operations as performance

        state = performance.state_of(p)
        for party, user in (("third_party", self.cast.evaluator), ("bureau", self.cast.bureau),
                            ("community", self.community_voice(p))):
            rows = [{**row, "note": self.marks.new("SHEET-NOTE", f"LeafScore.note ({party}, draft) of {p.code}")}
                    for row in self.sheet(state, party)[:2]] + self.sheet(state, party)[2:]
            self.do(performance.save_scores, p, user, json_to_formdata({"submit": False, "scores": rows}))


def mark_parties(world, marks: Marks):
    """Organisations' contacts and legal representatives, users' names, the providers' and firms' registers."""
    from procure.evaluators import operations as evaluators
    from procure.providers import operations as providers

    for org in db.session.scalars(db.select(Organisation)):
        org.contact = marks.new("ORG-CONTACT", f"Organisation.contact of {org.name}")
        if org.kind in ("provider", "evaluator"):
            org.legal_representative = marks.new("LEGAL-REP", f"Organisation.legal_representative of {org.name}")
    for username, user in world.users.items():
        user.display_name = marks.new("USER-NAME", f"User.display_name of {username}")
        user.username = marks.new("USERNAME", f"User.username of {username}")
    db.session.commit()
    for org, user in zip(world.providers, ("provider", "provider2", "provider3")):
        providers.update_profile(org, world[user], json_to_formdata({
            "registration_type": "social_service_agency", "annual_inspection": "qualified",
            "service_areas": "养老服务、社区融合",
            "contact": marks.new("PROVIDER-CONTACT", f"ProviderProfile.contact of {org.name}"),
            "team": [{"name": marks.new("TEAM-NAME", f"TeamMember.name of {org.name}"),
                      "qualification": marks.new("TEAM-QUALIFICATION", f"TeamMember.qualification of {org.name}"),
                      "role": "项目主管"}]}))
        providers.verify_profile(org, world["bureau"])
    third = world.providers[2]
    providers.add_violation(third, world["bureau"], json_to_formdata(
        {"occurred_on": (clock.today() - timedelta(days=200)).isoformat(), "major": False,
         "description": marks.new("VIOLATION", f"Violation.description of {third.name}")}))
    providers.set_debarment(third, world["bureau"], json_to_formdata(
        {"reason": "违反合同约定，列入禁止名单。", "source": "other",
         "ends_on": (clock.today() + timedelta(days=365)).isoformat()}))
    providers.declare_relation(third, world["provider3"], json_to_formdata(
        {"related_org_id": world.providers[0].id,
         "description": marks.new("CONTROL-RELATION", f"ControlRelation.description of {third.name}")}))
    for index, firm in enumerate(world.evaluators):
        evaluators.update_profile(firm, world["bureau"], json_to_formdata(
            {"accreditation": "社会组织评估资质", "active": True,
             "staff": [{"name": marks.new("EVALUATOR-STAFF", f"EvaluatorStaff.name of {firm.name}"),
                        "qualification": marks.new("EVALUATOR-STAFF-QUALIFICATION",
                                                   f"EvaluatorStaff.qualification of {firm.name}"),
                        "user_id": world["evaluator" if index == 0 else "evaluator2"].id}]}))
    evaluators.record_engagement(world.evaluators[1], world["bureau"], json_to_formdata(
        {"counterpart_id": world.community_far.id, "started_on": (clock.today() - timedelta(days=100)).isoformat(),
         "description": marks.new("FIRM-ENGAGEMENT", f"FirmEngagement.description of {world.evaluators[1].name}")}))
    db.session.commit()
    for username in ("bureau", "community"):
        token = ApiToken.issue(world[username], 12)
        marks.secret(token, f"an API token of {username}")
    db.session.commit()
    marks.secret(world["bureau"].password_hash, "User.password_hash")


@dataclass
class PrivacyWorld:
    marks: Marks
    projects: dict  # name → Project
    public: list  # names of the projects with a public page


def mark_volunteers(world, marks: Marks):
    """Volunteers on the star board (one consenting, one not) whose names, numbers, phones, skills and talent
    profiles are private: the board may show only a masked name of the consenting one."""
    from procure.codes import make_id_number
    from procure.talent import operations as talent
    from procure.volunteers import ledger
    from procure.volunteers.operations import register_volunteer

    for n, consent in ((1, True), (2, False)):
        id_number = marks.secret(make_id_number(f"33010219800101{n}12"), f"Volunteer.id_number of volunteer {n}")
        v = register_volunteer(json_to_formdata({
            "real_name": marks.new("VOLUNTEER-NAME", f"Volunteer.real_name of volunteer {n}"),
            "id_number": id_number, "phone": marks.secret(f"1398765432{n}", f"Volunteer.phone of volunteer {n}"),
            "skills_other": marks.new("VSKILL", f"a free skill word in Volunteer.skills of volunteer {n}"),
            "consent_public": consent, "username": marks.new("VOLUNTEER-LOGIN", f"the username of volunteer {n}"),
            "password": "a-long-password"}), staff=world["community"])
        ledger.append(v, "service", hours=Decimal("120.00"), points=Decimal("120.00"))
        talent.save_profile(v, world["community"], json_to_formdata({
            "profession": marks.new("PROFESSION", f"TalentProfile.profession of volunteer {n}"),
            "availability": marks.new("AVAILABILITY", f"TalentProfile.availability of volunteer {n}")}))
        talent.add_certificate(v, world["community"], json_to_formdata({
            "name": marks.new("CERT-NAME", f"ProfessionalCertificate.name of volunteer {n}"),
            "number": marks.new("CERT-NUMBER", f"ProfessionalCertificate.number of volunteer {n}")}))
    db.session.commit()


def build(world, manual_clock) -> PrivacyWorld:
    marks = Marks()
    mark_parties(world, marks)
    j = MarkedJourney(world.cast(), manual_clock, marks)
    projects = {}

    def make(name, title=None, **overrides):
        renew_requirements(world.providers, clock.today())  # the clock runs past a year of verification
        project = j.create(title=title or f"社区服务项目 {name}", **overrides)
        projects[name] = project
        return project

    # The long roads first: the clock moves on with each, and the sealed bids come last (before their deadline).
    p = make("closed", contact_name=marks.new("CONTACT-NAME", "Project.contact_name of a public proposal"),
             contact_phone=marks.new("CONTACT-PHONE", "Project.contact_phone of a public proposal"))
    j.drive(p, "notice")
    j.objection(p)  # filed under notice, kept when the project moves on
    j.drive(p, "closed")
    p = make("evaluated")
    j.drive(p, "accepted")
    j.marked_survey(p)
    j.drive(p, "evaluated")
    p = make("sheets_in_progress")
    j.drive(p, "under_acceptance")
    j.marked_survey(p)
    j.drive(p, "accepted")
    j.draft_sheets(p)
    j.drive(make("reward_accepted", funding_form="reward"), "accepted")
    p = make("under_acceptance")
    j.drive(p, "under_acceptance")
    j.acceptance_notes(p)
    j.marked_survey(p)
    p = make("rectification")
    j.drive(p, "under_acceptance")
    j.request_rectification(p, findings=marks.new("RECTIFICATION-FINDINGS", "Rectification.findings (and the "
                                                  "checklist finding) of a project in rectification"))
    p = make("in_delivery")
    j.drive(p, "in_delivery")
    j.delivery_records(p)
    j.drive(make("subsidy_delivery", funding_form="subsidy"), "in_delivery")
    p = make("amended")
    j.drive(p, "contracted")
    j.amend(p)
    p = make("contract_unpublished")
    j.drive(p, "awarded")
    j.unpublished_contract(p)
    p = make("awarded_notice")
    j.drive(p, "awarded")
    j.challenge(p)
    p = make("awarded_before_notice")
    j.drive(p, "tendering")
    j.award_without_notice(p)
    j.drive(make("cancelled"), "cancelled")
    j.drive(make("cataloged"), "cataloged")
    for state in ("approved", "under_review", "submitted", "returned", "rejected"):
        j.drive(make(state), state)
    p = make("notice")
    j.drive(p, "notice")
    j.objection(p)
    draft = {"title": marks.new("DRAFT-TITLE", "Project.title of a draft"),
             "needs_analysis": marks.new("DRAFT-NEEDS", "Project.needs_analysis of a draft"),
             "goals": marks.new("DRAFT-GOALS", "Project.goals of a draft"),
             "location": marks.new("DRAFT-LOCATION", "Project.location of a draft")}
    draft["deliberation"] = {**proposal()["deliberation"],
                             "minutes": marks.new("DRAFT-MINUTES", "Deliberation.minutes of a draft")}
    make("draft", **draft)
    p = make("withdrawn", title=marks.new("WITHDRAWN-TITLE", "Project.title of a draft withdrawn"))
    j.drive(p, "withdrawn")
    p = make("tendering")
    j.drive(p, "tendering")
    j.sealed_bids(p, marks.secret(SEALED_PRICE, f"a sealed bid price of {p.code}"))
    from procure.catalogue import operations as catalogues
    from procure.catalogue.models import Catalogue

    for catalogue in db.session.scalars(db.select(Catalogue)).all():  # published: the public catalogue pages
        if catalogue.state == "draft":  # a catalogue bought from is already in force
            j.do(catalogues.publish, catalogue, world["bureau"])
    db.session.commit()
    mark_volunteers(world, marks)  # last: their hours fall in the clock's month, the board's default period
    public = [name for name, project in projects.items() if _is_public(project)]
    return PrivacyWorld(marks, projects, public)


def _is_public(project) -> bool:
    from procure.disclosure import is_public

    db.session.refresh(project)
    return is_public(project)
