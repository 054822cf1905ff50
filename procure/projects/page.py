"""The project page: its forms (blank, or as a refused submission left them) and everything it shows."""
from datetime import timedelta
from decimal import Decimal

from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from procure import clock
from procure.acceptance import page as acceptance_page
from procure.accounts.models import Organisation, Role
from procure.attachments.operations import UPLOAD_RULES, service_record_files
from procure.attachments.page import FAILED_KEY as ATTACHMENT_FORM
from procure.attachments.page import page_context as attachments_context
from procure.attachments.page import evidence_key
from procure.delivery import operations as delivery
from procure.evaluators import page as evaluators_page
from procure.evaluators.models import ConflictDeclaration
from procure.extensions import db
from procure.lifecycle import action_options
from procure.payments.models import Payment
from procure.payments.schedule import schedule as payment_schedule
from procure.performance_evaluation import page as performance_page
from procure.performance_evaluation.track_record import bid_track_records
from procure.procurement import operations as procurement
from procure.procurement import panel
from procure.procurement.contracts import TERM_LABELS
from procure.procurement.contracts import warnings as contract_warnings
from procure.procurement.models import Challenge, Contract
from procure.procurement.tender_page import award_choices, tender_context, tender_defaults, tender_forms
from procure.projects import guards
from procure.projects.inputs import AmendmentForm
from procure.projects.inputs import (CONFIRMATION_LABELS, ConfirmationForm, PaymentApprovalForm,
                                     PaymentRequestForm, ReasonForm, ServiceRecordForm)
from procure.projects.inputs import (PAYMENT_KIND_CHOICES, TRIGGER_FORMS, AnswerForm, BidForm, ChallengeForm,
                                     MilestoneReportForm, ObjectionForm, PaymentForm)
from procure.projects.page_forms import Failed, PageForm, page_form  # noqa: F401  (Failed: for the views)
from procure.projects.permissions import ACTIONS, relations
from procure.projects.proposal_form import class_cap
from procure.desk.timeline import entries_before, signing_entry
from procure.projects.states import TRIGGER_LABELS
from procure.survey import page as survey_page
from procure.talent import page as talent_page
from procure.workdays.service import Calendar

DANGER = {"withdraw", "cancel", "reject", "terminate"}
# The packages that add their own forms and data to the project page (each: page_part, SECTION).
PAGE_PARTS = (evaluators_page, acceptance_page, performance_page, survey_page, talent_page)
# Where the forms for a project's parts sit on its page: (anchor, label, form keys).
TASK_SECTIONS = [
    ("objections", _l("居民异议"), ("objection", "answers")),
    ("procurement", _l("采购"), ("bid", "challenge", "challenge_answers")),
    ("tender", _l("采购评审"), ("appoint_panel", "panel_conflict", "scores", "award_notice")),
    ("contract", _l("合同与节点"), ("milestone_report", "publish_contract", "amend_contract")),
    evaluators_page.SECTION, acceptance_page.SECTION, performance_page.SECTION, survey_page.SECTION,
    talent_page.SECTION,
    ("payments", _l("付款"), ("payment",)),
    ("delivery", _l("服务与进度"), ("service_record", "confirmations", "payment_request", "payment_decisions")),
]


def _bid_choice(bid) -> str:
    return _("%(name)s · 报价 %(price)s 元", name=bid.provider.name, price=f"{bid.price:,.2f}")


def _org_choices(kind) -> list[tuple[int, str]]:
    rows = db.session.execute(select(Organisation.id, Organisation.name).where(Organisation.kind == kind)
                              .order_by(Organisation.name).limit(1000))
    return [(org_id, name) for org_id, name in rows]


def _trigger_form(user, project, trigger, failed, contract, bids, declarations) -> PageForm:
    url = url_for("projects.fire", project_id=project.id, trigger=trigger)
    data, choices = {}, {}
    today = clock.today()
    if trigger == "approve":
        data = {"approved_amount": project.requested_amount}
    elif trigger == "list_in_catalogue":
        data = {"catalogue_year": today.year}
    elif trigger == "open_tender":
        data = tender_defaults()
    elif trigger == "award":
        choices["bid_id"], data = award_choices(project, bids)
    elif trigger == "sign_contract":
        awarded = next((b for b in bids if b.status == "awarded"), None)
        data = {"amount": awarded.price if awarded else None, "start": today + timedelta(days=1), "signed_on": today,
                "deposit": Decimal("0.00")}
    elif trigger == "sign_agreement":
        choices["implementer_org_id"] = _org_choices("provider")
        data = {"amount": project.approved_amount, "start": today + timedelta(days=1)}
    trigger_form = page_form(f"fire:{trigger}", TRIGGER_FORMS[trigger], url, failed, data, choices=choices,
                           title=str(TRIGGER_LABELS[trigger]))
    if trigger == "sign_contract" and not trigger_form.form.milestones.entries:
        trigger_form.form.milestones.append_entry()
    return trigger_form


def _sub_forms(user, project, parts, failed, contract, bids, declarations, challenges, plan) -> dict:
    """The forms for a project's parts (objections, bids …) that this user's part and the state allow."""
    forms = {}
    pid = project.id

    def allowed(action):
        states, who = ACTIONS[action]
        return project.state in states and bool(who & parts)

    if allowed("add_objection"):
        forms["objection"] = page_form("objection", ObjectionForm, url_for("projects.add_objection", project_id=pid),
                                        failed, title=_("登记居民异议"))
        forms["answers"] = {o.id: page_form(f"answer_objection:{o.id}", AnswerForm,
                                             url_for("projects.answer_objection", project_id=pid, objection_id=o.id),
                                             failed)
                            for o in project.objections if o.answer is None}
    if allowed("submit_bid") and project.bid_deadline and clock.now() < project.bid_deadline:
        own = next((b for b in bids if b.provider_id == user.organisation_id), None)
        data = {"price": own.price, "plan": own.plan, "team": own.team} if own else {}
        forms["bid"] = page_form("bid", BidForm, url_for("projects.submit_bid", project_id=pid), failed, data,
                                  title=_("修改响应文件") if own and own.status == "submitted" else _("提交响应文件"))
        if own and own.status == "submitted":
            forms["withdraw_bid"] = page_form("withdraw_bid", None, url_for("projects.withdraw_bid", project_id=pid),
                                               failed)
    if allowed("file_challenge") and procurement.challenge_window_open(project):
        forms["challenge"] = page_form("challenge", ChallengeForm, url_for("projects.file_challenge", project_id=pid),
                                        failed, title=_("提出质疑"))
    if allowed("answer_challenge"):
        forms["challenge_answers"] = {
            c.id: page_form(f"answer_challenge:{c.id}", AnswerForm,
                             url_for("projects.answer_challenge", project_id=pid, challenge_id=c.id), failed)
            for c in challenges if c.answer is None}
    if allowed("report_milestone") and contract and contract.milestones:
        first_open = next((m for m in contract.milestones if not m.reports), contract.milestones[0])
        choices = {"milestone_id": [(m.id, f"{m.name}（{m.percent}%）" + (_("，已报告") if m.reports else ""))
                                    for m in contract.milestones]}
        forms["milestone_report"] = page_form(
            "milestone_report", MilestoneReportForm, url_for("projects.report_milestone", project_id=pid), failed,
            {"milestone_id": first_open.id}, choices=choices, title=_("报告节点完成情况"))
    if allowed("record_payment"):
        forms["payment"] = _payment_form(project, failed, contract, plan)
    forms.update(_delivery_forms(project, parts, failed, contract))
    forms.update(_contract_forms(project, parts, failed, contract))
    return forms


def _payment_form(project, failed, contract, plan) -> PageForm:
    """The bureau's payment form, filled in with the first line of the schedule payable now (its kinds and
    the contract's milestones to choose from)."""
    first = next((line for line in plan.lines if line.payable > 0), None)
    kinds = list(dict.fromkeys(line.kind for line in plan.lines)) or list(PAYMENT_KIND_CHOICES)
    choices = {"milestone_id": [("", _("（不对应节点）"))] + [(m.id, f"{m.name}（{m.percent}%）")
                                                          for m in (contract.milestones if contract else [])]}
    data = {"paid_on": clock.today(), "kind": first.kind if first else kinds[0],
            "milestone_id": first.milestone_id if first else None, "amount": first.payable if first else None}
    form = page_form("payment", PaymentForm, url_for("projects.record_payment", project_id=project.id), failed,
                     data, choices=choices, title=_("登记付款"))
    form.form.kind.choices = [(kind, PAYMENT_KIND_CHOICES[kind]) for kind in kinds]  # this project's kinds only
    return form


def _contract_forms(project, parts, failed, contract) -> dict:
    """Publish the contract (once) and amend it, for the bureau while the contract is in force."""
    forms, pid = {}, project.id
    if contract is None or contract.terminated_at is not None:
        return forms

    def allowed(action):
        states, who = ACTIONS[action]
        return project.state in states and bool(who & parts)

    if allowed("publish_contract") and contract.published_at is None:
        forms["publish_contract"] = page_form("publish_contract", None,
                                               url_for("projects.publish_contract", project_id=pid), failed)
    if allowed("amend_contract"):
        forms["amend_contract"] = page_form("amend_contract", AmendmentForm,
                                             url_for("projects.amend_contract", project_id=pid), failed,
                                             title=_("合同变更"))
    return forms


def _delivery_forms(project, parts, failed, contract) -> dict:
    """The delivery forms: log a service, confirm reported milestones, request and decide payments."""
    forms, pid = {}, project.id
    milestones = list(contract.milestones) if contract else []
    confirmed = delivery.confirmations(project)

    def allowed(action):
        states, who = ACTIONS[action]
        return project.state in states and bool(who & parts)

    def milestone_choices(rows):
        return {"milestone_id": [(m.id, f"{m.name}（{m.percent}%）") for m in rows]}

    if allowed("log_service"):
        forms["service_record"] = page_form(
            "service_record", ServiceRecordForm, url_for("projects.log_service", project_id=pid), failed,
            {"served_on": clock.today()}, choices={"milestone_id": [("", _("（不对应节点）"))]
                                                   + milestone_choices(milestones)["milestone_id"]},
            title=_("登记服务记录"))
    if allowed("confirm_milestone"):
        forms["confirmations"] = {
            m.id: page_form(f"confirm_milestone:{m.id}", ConfirmationForm,
                             url_for("projects.confirm_milestone", project_id=pid, milestone_id=m.id), failed)
            for m in milestones if m.reports and m.id not in confirmed}
    reported = [m for m in milestones if m.reports]
    if allowed("request_payment") and reported:
        forms["payment_request"] = page_form(
            "payment_request", PaymentRequestForm, url_for("projects.request_payment", project_id=pid), failed,
            {"milestone_id": reported[0].id}, choices=milestone_choices(reported), title=_("申请节点付款"))
    if allowed("decide_payment_request"):
        forms["payment_decisions"] = {
            r.id: {"approve": page_form(f"approve_payment_request:{r.id}", PaymentApprovalForm,
                                         url_for("projects.approve_payment_request", project_id=pid, request_id=r.id),
                                         failed, {"paid_on": clock.today()}),
                   "refuse": page_form(f"refuse_payment_request:{r.id}", ReasonForm,
                                        url_for("projects.refuse_payment_request", project_id=pid, request_id=r.id),
                                        failed)}
            for r in delivery.payment_requests(project) if r.state == "requested"}
    evidence_states, evidence_by = UPLOAD_RULES["service_record"]
    if project.state in evidence_states and evidence_by & parts:
        forms["evidence"] = {r.id: page_form(evidence_key(r.id), None, url_for("attachments.upload", project_id=pid),
                                              failed)
                             for r in delivery.service_records(project)}
    return forms


def delivery_context(project, contract) -> dict:
    return {"delivery": {
        "records": delivery.service_records(project), "confirmations": delivery.confirmations(project),
        "progress": delivery.progress(project), "requests": delivery.payment_requests(project),
        "labels": CONFIRMATION_LABELS, "shown": contract is not None and bool(contract.milestones),
        "evidence": service_record_files(project),
    }}


def council_context(community, meeting=None) -> dict:
    """The community's registered council and its class's rules, and how the recorded meeting fares by them."""
    quorum, majority = guards.council_rules(community)
    return {"size": community.members_total, "quorum": str(quorum), "majority": str(majority),
            "quorate": meeting is not None and guards.quorate(meeting, quorum, community.members_total),
            "agreed": meeting is not None and guards.agreed(meeting, majority)}


def detail_context(user, project, failed=None) -> dict:
    parts = relations(user, project)
    contract = db.session.scalar(select(Contract).filter_by(project_id=project.id))
    bids = procurement.bids_visible_to(user, project)
    challenges = db.session.scalars(select(Challenge).filter_by(project_id=project.id).order_by(Challenge.id)).all()
    declarations_query = select(ConflictDeclaration).filter_by(project_id=project.id)
    if user.role == Role.evaluator:
        declarations_query = declarations_query.filter_by(evaluator_org_id=user.organisation_id)
    declarations = db.session.scalars(declarations_query.order_by(ConflictDeclaration.id)).all()
    scores = {}  # performance.page replaces this
    payments = db.session.scalars(select(Payment).filter_by(project_id=project.id).order_by(Payment.paid_on,
                                                                                           Payment.id)).all()
    timeline, earlier = entries_before(user, project)
    actions = []
    for trigger, reasons in action_options(user, project):
        page_form = _trigger_form(user, project, trigger, failed, contract, bids, declarations) if not reasons \
            else None
        actions.append({"trigger": trigger, "reasons": [r.message for r in reasons], "page_form": page_form,
                        "danger": trigger in DANGER})
    plan = payment_schedule(project)
    forms = _sub_forms(user, project, parts, failed, contract, bids, declarations, challenges, plan)
    bid_evaluation = panel.evaluation_of(project)
    forms.update(tender_forms(user, project, parts, failed, bid_evaluation))
    part_context = {}
    for module in PAGE_PARTS:
        part_forms, context = module.page_part(user, project, parts, failed)
        forms.update(part_forms)
        part_context.update(context)
    placed = [a["page_form"] for a in actions if a["page_form"]]
    for value in forms.values():
        for item in (value.values() if isinstance(value, dict) else [value]):
            placed += list(item.values()) if isinstance(item, dict) else [item]
    milestone_names = {m.id: m.name for m in (contract.milestones if contract else [])}
    task_links = [(anchor, label) for anchor, label, keys in TASK_SECTIONS if any(forms.get(k) for k in keys)]
    return {
        "project": project, "parts": parts, "contract": contract, "bids": bids, "challenges": challenges,
        "declarations": declarations, "scores": scores, "payments": payments, "milestone_names": milestone_names,
        "bid_records": bid_track_records(user, project, bids),
        "timeline": timeline, "earlier_entries": earlier,
        "signer": signing_entry(project) if contract else None,
        "actions": actions, "forms": forms, "failed": failed, "task_links": task_links,
        # A refusal whose form is no longer offered (the state moved on, the deadline passed) shows on top.
        "unplaced_failure": failed if failed and failed.key != ATTACHMENT_FORM
        and not any(pf.failed for pf in placed) else None,
        "private_objections": bool({"community", "reviewer"} & parts),
        "notice_period": Calendar().period(project.notice_published_on, current_app.config["NOTICE_WORKING_DAYS"]),
        "paid": plan.paid, "payable": plan.ceiling, "payment_schedule": plan,
        "budget_total": sum((line.amount for line in project.budget_lines), start=0),
        "cap": class_cap(project.community),
        "council": council_context(project.community, project.deliberation),
        "sealed": project.state == "tendering" and project.bid_deadline and clock.now() <= project.bid_deadline,
        "weights": current_app.config["INDICATOR_WEIGHTS"],
        "may_edit": project.state in ACTIONS["edit"][0] and "community" in parts,
        **attachments_context(user, project, failed),
        **delivery_context(project, contract),
        **tender_context(user, project, parts, bid_evaluation, challenges),
        "contract_warnings": contract_warnings(contract, project) if contract else [],
        "CONTRACT_TERM_LABELS": TERM_LABELS,
        **part_context,
    }
