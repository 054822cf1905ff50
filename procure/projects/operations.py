"""Creating and editing a proposal, objections and their answers: check, change, audit; flush but never commit.
A state change goes through `fire` (procure.lifecycle), which the views and the API call."""
from flask_babel import lazy_gettext as _l

from procure import clock
from procure.audit.log import record
from procure.changes import check_version, flush, validated
from procure.errors import Conflict, InvalidInput, NotEditable, NotFound
from procure.extensions import db
from procure.formfields import field_errors
from procure.projects.inputs import PROPOSAL_FIELDS, AnswerForm, ObjectionForm, ProjectForm
from procure.projects.models import BudgetLine, Deliberation, Objection, Project
from procure.projects.permissions import authorize_action

# ---- creating and editing a proposal --------------------------------------------------------

# Namespace of the PostgreSQL advisory lock that serialises numbering (any constant unused elsewhere).
CODE_LOCK = 7301


def _next_code(year: int) -> str:
    prefix = f"WXM{year}-"
    if db.session.get_bind().dialect.name == "postgresql":
        # Two proposals created at once would both read the same maximum; hold the year's number until
        # commit. (SQLite needs nothing: a writing request holds the database's write lock from BEGIN.)
        db.session.execute(db.text("SELECT pg_advisory_xact_lock(:ns, :year)"), {"ns": CODE_LOCK, "year": year})
    # A range on the code's unique index (LIKE 'WXM2026-%' would read every project): "." follows "-".
    last = db.session.scalar(db.select(db.func.max(Project.code)).where(Project.code >= prefix,
                                                                       Project.code < prefix[:-1] + "."))
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:04d}"


def _apply_proposal(project, data, deliberation_given):
    for name in PROPOSAL_FIELDS:
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
