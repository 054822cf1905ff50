"""Provider pages: the register and one provider's page, where the provider keeps its profile and the
bureau verifies it, records violations and sets or lifts debarments. Commits here and only here."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from procure import clock
from procure.accounts.models import Organisation, Role
from procure.attachments import operations as attachments
from procure.errors import NotFound, Refusal
from procure.extensions import db
from procure.performance_evaluation.track_record import track_record
from procure.projects.page_forms import Failed, PageForm, act_on_page
from procure.projects.proposal_form import refused_form, without_blank_rows
from procure.providers import operations
from procure.providers.eligibility import (REQUIREMENT_LABELS, eligibility_reasons, expires_on, requirement_status,
                                           requirements_of)
from procure.providers.inputs import (DEBARMENT_SOURCE_LABELS, INSPECTION_LABELS, REGISTRATION_TYPE_LABELS,
                                      DebarmentForm, ProfileForm, RelationForm, ViolationForm)
from procure.providers.models import Debarment

bp = Blueprint("providers", __name__)

SPARE_TEAM_ROWS = 2


@bp.app_context_processor
def provider_labels():
    return {"REGISTRATION_TYPE_LABELS": REGISTRATION_TYPE_LABELS, "INSPECTION_LABELS": INSPECTION_LABELS,
            "DEBARMENT_SOURCE_LABELS": DEBARMENT_SOURCE_LABELS}


@bp.get("/providers")
@login_required
def index():
    rows = [{"org": org, "profile": profile, "debarment": debarment}
            for org, profile, debarment in operations.register(current_user)]
    return render_template("providers/index.html", rows=rows)


def _form(key, form_class, url, failed, data=None, choices=None) -> PageForm:
    mine = failed if failed is not None and failed.key == key else None
    form = refused_form(form_class, mine.formdata, mine.error) if mine else form_class(data=data or {})
    return PageForm(key, form, url, choices=choices or {}, failed=mine)


def _profile_data(profile) -> dict:
    if profile is None:
        return {"team": [{}] * SPARE_TEAM_ROWS}
    team = [{"name": m.name, "qualification": m.qualification, "role": m.role} for m in profile.team]
    return {"registration_type": profile.registration_type, "founded_on": profile.founded_on,
            "rating": profile.rating or "", "annual_inspection": profile.annual_inspection,
            "service_areas": profile.service_areas, "contact": profile.contact,
            "public_welfare_class_one": profile.public_welfare_class_one, "team": team + [{}] * SPARE_TEAM_ROWS}


def _context(org, failed=None) -> dict:
    profile = operations.profile_of(org)
    own = current_user.role == Role.provider and current_user.organisation_id == org.id
    bureau = current_user.role == Role.bureau
    url = lambda endpoint: url_for(endpoint, org_id=org.id)  # noqa: E731
    forms = {}
    if own:
        forms["profile"] = _form("profile", ProfileForm, url("providers.update_profile"), failed,
                                 _profile_data(profile))
        others = db.session.execute(db.select(Organisation.id, Organisation.name).where(
            Organisation.kind == "provider", Organisation.id != org.id).order_by(Organisation.name)).all()
        forms["relation"] = _form("relation", RelationForm, url("providers.declare_relation"), failed,
                                  choices={"related_org_id": [(i, n) for i, n in others]})
    if bureau:
        forms["debarment"] = _form("debarment", DebarmentForm, url("providers.set_debarment"), failed,
                                   {"starts_on": clock.today()})
        forms["violation"] = _form("violation", ViolationForm, url("providers.add_violation"), failed)
    today = clock.today()
    requirements = [{"name": name, "label": REQUIREMENT_LABELS[name], "row": row,
                     "status": requirement_status(row, today), "expires_on": expires_on(row),
                     "evidence": db.session.get(attachments.Attachment, row.evidence_id)
                     if row is not None and row.evidence_id else None,
                     "failed": failed if failed is not None and failed.key == f"requirement:{name}" else None}
                    for name, row in requirements_of(org).items()]
    return {"org": org, "profile": profile, "own": own, "bureau": bureau, "forms": forms, "failed": failed,
            "requirements": requirements, "upload_accept": ",".join(attachments.sniffing.ALLOWED_EXTENSIONS),
            "reasons": eligibility_reasons(org, clock.today()), "today": clock.today(),
            "track_record": track_record(org),
            "debarments": operations.debarments_of(org), "violations": operations.violations_of(org),
            "relations": [_relation_row(r, org) for r in operations.relations_of(org)]}


def _relation_row(relation, org) -> tuple:
    """(relation, declared by this provider, the other organisation)."""
    here = relation.organisation_id == org.id
    other = db.session.get(Organisation, relation.related_org_id if here else relation.organisation_id)
    return relation, here, other


@bp.get("/providers/<int:org_id>")
@login_required
def detail(org_id):
    org = operations.get_provider(current_user, org_id)
    return render_template("providers/detail.html", **_context(org))


def _act(org_id, key, action, success, formdata=None):
    return act_on_page(lambda: operations.get_provider(current_user, org_id), key, action, success,
                       lambda org, failed: render_template("providers/detail.html", **_context(org, failed)),
                       url_for("providers.detail", org_id=org_id), formdata)


@bp.post("/providers/<int:org_id>/profile")
@login_required
def update_profile(org_id):
    formdata = without_blank_rows(request.form, "team", ("name", "qualification", "role"))
    return _act(org_id, "profile", lambda org, data: operations.update_profile(org, current_user, data),
                _("机构信息已保存，待民政局核验"), formdata)


@bp.post("/providers/<int:org_id>/verify")
@login_required
def verify_profile(org_id):
    return _act(org_id, "verify", lambda org, data: operations.verify_profile(org, current_user), _("机构信息已核验"))


@bp.post("/providers/<int:org_id>/debarments")
@login_required
def set_debarment(org_id):
    return _act(org_id, "debarment", lambda org, data: operations.set_debarment(org, current_user, data),
                _("已列入禁入名单"))


@bp.post("/providers/<int:org_id>/debarments/<int:debarment_id>/lift")
@login_required
def lift_debarment(org_id, debarment_id):
    def lift(org, data):
        debarment = db.session.get(Debarment, debarment_id)
        if debarment is None or debarment.organisation_id != org.id:
            raise NotFound()
        operations.lift_debarment(current_user, debarment_id)
    return _act(org_id, "lift", lift, _("禁入已解除"))


@bp.post("/providers/<int:org_id>/violations")
@login_required
def add_violation(org_id):
    return _act(org_id, "violation", lambda org, data: operations.add_violation(org, current_user, data),
                _("违法记录已登记"))


@bp.post("/providers/<int:org_id>/relations")
@login_required
def declare_relation(org_id):
    return _act(org_id, "relation", lambda org, data: operations.declare_relation(org, current_user, data),
                _("关联关系已声明"))


@bp.post("/providers/<int:org_id>/requirements/<requirement>/evidence")
@login_required
def upload_evidence(org_id, requirement):
    """The provider uploads its evidence of one requirement (the file and its record commit together)."""
    org = operations.get_provider(current_user, org_id)
    try:
        attachments.upload_evidence(org, current_user, requirement, request.files.get("file"),
                                    request.form.get("note", ""))
        db.session.commit()
    except Refusal as error:
        db.session.rollback()
        failed = Failed(f"requirement:{requirement}", MultiDict(request.form), error)
        org = operations.get_provider(current_user, org_id)
        return render_template("providers/detail.html", **_context(org, failed)), error.status
    flash(_("证明材料已上传，待民政局核验"), "success")
    return redirect(url_for("providers.detail", org_id=org_id, _anchor="requirements"))


@bp.post("/providers/<int:org_id>/requirements/<requirement>/verify")
@login_required
def verify_requirement(org_id, requirement):
    return _act(org_id, f"requirement:{requirement}",
                lambda org, data: operations.verify_requirement(org, current_user, requirement, data),
                _("证明材料已核验"))
