"""The only code that changes a project: check, change, audit; flush but never commit."""
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.exc import StaleDataError

from procure import clock
from procure.audit.log import record
from procure.errors import Conflict, GuardFailed, InvalidInput, NotEditable, NotFound, StaleVersion
from procure.extensions import db
from procure.formfields import field_errors
from procure.projects.guards import reasons_against
from procure.projects.inputs import TRIGGER_FORMS, AnswerForm, ObjectionForm, ProjectForm
from procure.projects.models import BudgetLine, Deliberation, Objection, Project
from procure.projects.permissions import authorize_action, authorize_trigger
from procure.projects.workflow import Workflow
from procure.procurement.models import Bid, Contract, Milestone

COMMENT_KEYS = ("comment", "reason", "summary", "findings", "response", "report")


def validated(form_class, formdata):
    form = form_class(formdata=formdata)
    if not form.validate():
        raise InvalidInput(field_errors(form))
    return form.data


def check_version(project, version):
    try:
        seen = int(version)
    except (TypeError, ValueError, OverflowError):  # OverflowError: JSON Infinity
        raise InvalidInput({"version": ["version is required (an integer) / 请提供版本号"]})
    if seen != project.version:
        raise StaleVersion()


def flush():
    """Flush; a concurrent change to the same project (version compare-and-swap) is a 409."""
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise StaleVersion()


def fire(project: Project, trigger: str, user, formdata, version) -> Project:
    """Fire `trigger`: role and record, state, input, version, guards; then change and audit."""
    authorize_trigger(user, project, trigger)
    data = validated(TRIGGER_FORMS[trigger], formdata)
    check_version(project, version)
    reasons = reasons_against(trigger, project, data)
    if reasons:
        raise GuardFailed(reasons)
    before = project.state
    EFFECTS.get(trigger, lambda *a: None)(project, user, data)
    after = Workflow(project).run(trigger)
    comment = next((data[k] for k in COMMENT_KEYS if data.get(k)), "")
    record(project, user, trigger, from_state=before, to_state=after, comment=comment, data=data)
    flush()
    return project


# ---- what each trigger writes besides the state -------------------------------------------

def _publish_notice(project, user, data):
    project.notice_published_on = clock.today()


def _approve(project, user, data):
    project.approved_amount = data["approved_amount"]
    project.negative_list_checked_at = clock.now()  # the guard has made sure the reviewer confirmed it


def _list(project, user, data):
    from procure.catalogue.operations import add_to_catalogue

    project.catalogue_year = data["catalogue_year"]
    add_to_catalogue(project, user, data["catalogue_year"], data["amendment_reason"])


def _open_tender(project, user, data):
    from flask import current_app

    from procure.procurement.tenders import Tender, TenderCriterion
    from procure.projects.inputs import SCORED_METHODS

    project.procurement_method = data["method"]
    project.bid_deadline = data["bid_deadline"]
    project.single_source_justification = data["justification"] or None
    weight = data["price_weight"] if data["price_weight"] is not None else current_app.config["BID_PRICE_WEIGHT"]
    criteria = data["criteria"] if data["method"] in SCORED_METHODS else []  # lowest price wins otherwise
    tender = db.session.scalar(db.select(Tender).filter_by(project_id=project.id)) or Tender(project_id=project.id)
    tender.requirements, tender.price_weight, tender.published_at = data["requirements"], weight, clock.now()
    tender.criteria = [TenderCriterion(position=i, name=c["name"], description=c["description"] or "",
                                       max_points=c["max_points"]) for i, c in enumerate(criteria)]
    db.session.add(tender)


def _award(project, user, data):
    db.session.get(Bid, data["bid_id"]).status = "awarded"
    project.awarded_at = clock.now()


def _sign_contract(project, user, data):
    bid = db.session.scalar(db.select(Bid).filter_by(project_id=project.id, status="awarded"))
    contract = Contract(project_id=project.id, kind="contract", implementer_id=bid.provider_id,
                        amount=data["amount"], start_date=data["start"], end_date=data["end"],
                        multi_year=data["multi_year"], signed_at=clock.now(), signed_on=data["signed_on"],
                        service_content=data["service_content"], quantity_targets=data["quantity_targets"],
                        quality_targets=data["quality_targets"], deposit=data["deposit"] or Decimal("0.00"),
                        no_subcontracting=data["no_subcontracting"], version=1)
    contract.milestones = [Milestone(position=i, name=m["name"], percent=m["percent"], due=m["due"])
                           for i, m in enumerate(data["milestones"])]
    db.session.add(contract)
    project.implementer_id = bid.provider_id


def _sign_agreement(project, user, data):
    db.session.add(Contract(project_id=project.id, kind="agreement", implementer_id=data["implementer_org_id"],
                            amount=data["amount"], start_date=data["start"], end_date=data["end"],
                            signed_at=clock.now()))
    project.implementer_id = data["implementer_org_id"]


def _cancel(project, user, data):
    from procure.catalogue.operations import remove_from_catalogue

    remove_from_catalogue(project, user, data["reason"])


def _terminate(project, user, data):
    from procure.procurement.contracts import terminate

    terminate(project, user, data)


def _report_completion(project, user, data):
    project.completion_summary = data["summary"]


def _claim_completion(project, user, data):
    project.completion_summary = data["summary"]
    project.implementer_id = project.community_id


def _start_acceptance(project, user, data):
    from procure.acceptance.operations import on_start_acceptance

    on_start_acceptance(project, user, data)


def _request_rectification(project, user, data):
    from procure.acceptance.operations import on_request_rectification

    on_request_rectification(project, user, data)


def _resubmit_for_acceptance(project, user, data):
    from procure.acceptance.operations import on_resubmit

    on_resubmit(project, user, data)


def _accept(project, user, data):
    from procure.acceptance.operations import on_accept
    from procure.performance_evaluation.operations import open_evaluation

    on_accept(project, user, data)
    open_evaluation(project, user)


def _evaluate(project, user, data):
    from procure.performance_evaluation.operations import on_evaluate

    on_evaluate(project, user, data)


EFFECTS = {
    "publish_notice": _publish_notice, "approve": _approve, "list_in_catalogue": _list,
    "open_tender": _open_tender, "award": _award, "sign_contract": _sign_contract,
    "sign_agreement": _sign_agreement, "report_completion": _report_completion,
    "claim_completion": _claim_completion, "start_acceptance": _start_acceptance,
    "request_rectification": _request_rectification, "resubmit_for_acceptance": _resubmit_for_acceptance,
    "accept": _accept, "evaluate": _evaluate, "cancel": _cancel, "terminate": _terminate,
}


# ---- creating and editing a proposal --------------------------------------------------------

# Namespace of the PostgreSQL advisory lock that serialises numbering (any constant unused elsewhere).
CODE_LOCK = 7301


def _next_code(year: int) -> str:
    prefix = f"WXM{year}-"
    if db.session.get_bind().dialect.name == "postgresql":
        # Two proposals created at once would both read the same maximum; hold the year's number until
        # commit. (SQLite needs nothing: a writing request holds the database's write lock from BEGIN.)
        db.session.execute(db.text("SELECT pg_advisory_xact_lock(:ns, :year)"), {"ns": CODE_LOCK, "year": year})
    last = db.session.scalar(db.select(db.func.max(Project.code)).where(Project.code.startswith(prefix)))
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:04d}"


def _apply_proposal(project, data, deliberation_given):
    for name in ("title", "funding_form", "requested_amount", "needs_analysis", "beneficiaries", "goals",
                 "location", "start_date", "end_date"):
        setattr(project, name, data[name] if data[name] != "" else None)
    project.category_code = data["category"] or None
    project.budget_lines = [BudgetLine(position=i, item=line["item"], amount=line["amount"])
                            for i, line in enumerate(data["budget_lines"])]
    if deliberation_given:
        fields = {k: v for k, v in data["deliberation"].items() if k != "csrf_token"}
        if project.deliberation is None:
            project.deliberation = Deliberation(**fields)
        else:
            for key, value in fields.items():
                setattr(project.deliberation, key, value)


def _proposal_form(formdata):
    form = ProjectForm(formdata=formdata)
    if not form.validate():
        raise InvalidInput(field_errors(form))
    return form.data, form.deliberation.form.is_given()


def create_project(user, formdata) -> Project:
    from procure.accounts.models import Role
    from procure.errors import Forbidden

    if user.role != Role.community:
        raise Forbidden()
    data, deliberation_given = _proposal_form(formdata)
    project = Project(code=_next_code(clock.today().year), community_id=user.organisation_id,
                      created_by_id=user.id, state="draft")
    _apply_proposal(project, data, deliberation_given)
    db.session.add(project)
    flush()
    record(project, user, "create", to_state=None, data=data)
    flush()
    return project


def update_project(project, user, formdata, version) -> Project:
    authorize_action(user, project, "edit", wrong_state=NotEditable)
    data, deliberation_given = _proposal_form(formdata)
    check_version(project, version)
    _apply_proposal(project, data, deliberation_given)
    project.updated_at = clock.now()  # touches the row, so its version moves on
    record(project, user, "edit", data=data)
    flush()
    return project



# ---- objections during the community notice -------------------------------------------------

def add_objection(project, user, formdata) -> Objection:
    authorize_action(user, project, "add_objection")
    data = validated(ObjectionForm, formdata)
    objection = Objection(project_id=project.id, raised_at=clock.now(), content=data["content"],
                          resident_name=data["resident_name"] or "", resident_contact=data["resident_contact"] or "",
                          recorded_by_id=user.id)
    db.session.add(objection)
    flush()
    record(project, user, "add_objection", comment=data["content"], data={"objection_id": objection.id})
    flush()
    return objection


def answer_once(project, user, action, model, record_id, formdata, already_message):
    """Answer an objection or a challenge of this project: once, by the part `action` allows."""
    authorize_action(user, project, action)
    row = db.session.get(model, record_id)
    if row is None or row.project_id != project.id:
        raise NotFound()
    data = validated(AnswerForm, formdata)
    if row.answer is not None:
        raise Conflict(already_message)
    row.answer, row.answered_at, row.answered_by_id = data["answer"], clock.now(), user.id
    record(project, user, action, comment=data["answer"], data={f"{model.__name__.lower()}_id": row.id})
    flush()
    return row


def answer_objection(project, user, objection_id, formdata) -> Objection:
    return answer_once(project, user, "answer_objection", Objection, objection_id, formdata, _l("该异议已答复"))
