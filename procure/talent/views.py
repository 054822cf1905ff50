"""Talent pool pages (社区人才库): the search for community staff, a volunteer's talent profile (for the staff
of their community and for the volunteer themself), and the project page's skill forms. Never public.
Commits here and only here."""
from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from procure.projects.listing import bounded_int, page_window
from procure.projects.page_forms import PageForm, act_on_page
from procure.projects.proposal_form import refused_form
from procure.projects.views import act
from procure.database import MAX_ID
from procure.talent import operations
from procure.talent.inputs import CertificateForm, ProfileForm
from procure.volunteers.skills import skill_choices, skill_keys, skill_labels, skills_of

bp = Blueprint("talent", __name__)


def _no_store(response):
    response.headers["Cache-Control"] = "private, no-store"  # personal data
    return response


# ---- search ------------------------------------------------------------------------------------------

@bp.get("/talent")
@login_required
def search():
    communities = operations.search_communities(current_user)
    args = request.args
    skill = args.get("skill") if args.get("skill") in skill_keys() else ""
    community_id = bounded_int(args.get("community"), 1, MAX_ID)
    community_id = community_id if community_id in {c.id for c in communities} else None
    q = (args.get("q") or "").strip()[:operations.MAX_QUERY]
    admitted_only = args.get("admitted") == "1"
    filters = {k: v for k, v in {"skill": skill, "community": community_id, "q": q,
                                 "admitted": "1" if admitted_only else ""}.items() if v}
    per_page = current_app.config["PER_PAGE"]
    criteria = {"skill": skill or None, "community_id": community_id, "q": q, "admitted_only": admitted_only}
    page = bounded_int(args.get("page"), 1, MAX_ID) or 1
    rows, total = operations.search(current_user, page=page, per_page=per_page, **criteria)
    pages = max(1, -(-total // per_page))
    if page > pages:  # past the end: show the last page
        page = pages
        rows, total = operations.search(current_user, page=page, per_page=per_page, **criteria)
    response = render_template("talent/search.html", rows=rows, total=total, page=page, pages=pages,
                               page_numbers=page_window(page, pages), filters=filters,
                               communities=[(c.id, c.name) for c in communities], skills=skill_choices())
    return _no_store(current_app.make_response(response))


# ---- a volunteer's profile -------------------------------------------------------------------------------

@bp.get("/talent/me")
@login_required
def mine():
    volunteer = operations.own_volunteer(current_user)
    return redirect(url_for("talent.profile", volunteer_id=volunteer.id))


def _form(key, form_class, url, failed, data=None) -> PageForm:
    mine_failed = failed if failed is not None and failed.key == key else None
    if form_class is None:
        form = None
    elif mine_failed:
        form = refused_form(form_class, mine_failed.formdata, mine_failed.error)
    else:
        form = form_class(data=data or {})
    return PageForm(key, form, url, failed=mine_failed)


def _context(volunteer, failed=None) -> dict:
    profile = operations.profile_of(volunteer)
    who = operations.person(volunteer, current_user)
    url = lambda endpoint, **kw: url_for(endpoint, volunteer_id=volunteer.id, **kw)  # noqa: E731
    keys = set(skill_keys())
    data = {}
    if profile is not None:
        words = skills_of(profile.skills)
        data = {"profession": profile.profession, "skills": [w for w in words if w in keys],
                "other_skills": "、".join(w for w in words if w not in keys), "availability": profile.availability}
    certificates = operations.certificates_of(profile)
    forms = {"profile": _form("profile", ProfileForm, url("talent.save_profile"), failed, data),
             "certificate": _form("certificate", CertificateForm, url("talent.add_certificate"), failed),
             "remove": {c["id"]: _form(f"remove:{c['id']}", None, url("talent.remove_certificate",
                                                                       certificate_id=c["id"]), failed)
                        for c in certificates}}
    if who["staff"]:
        forms["check"] = {c["id"]: _form(f"check:{c['id']}", None, url("talent.check_certificate",
                                                                         certificate_id=c["id"]), failed)
                          for c in certificates if not c["checked"]}
        if profile is not None and profile.admitted_at is None:
            forms["admit"] = _form("admit", None, url("talent.admit"), failed)
        if profile is not None and profile.admitted_at is not None:
            forms["withdraw"] = _form("withdraw", None, url("talent.withdraw"), failed)
    shown = None
    if profile is not None:
        shown = {"profession": profile.profession, "skills": skill_labels(profile.skills),
                 "availability": profile.availability, "admitted": profile.admitted_at is not None,
                 "admitted_at": profile.admitted_at, "updated_at": profile.updated_at}
    return {"person": who, "profile": shown, "certificates": certificates, "forms": forms, "failed": failed,
            "documents": [("volunteer_certificate", _("志愿服务证明"))]
            + ([("talent_certificate", _("社区人才库入库证书"))] if shown and shown["admitted"] else [])}


def _page(volunteer, failed=None):
    return render_template("talent/profile.html", **_context(volunteer, failed))


@bp.get("/talent/volunteers/<int:volunteer_id>")
@login_required
def profile(volunteer_id):
    volunteer = operations.get_volunteer(current_user, volunteer_id)
    return _no_store(current_app.make_response(_page(volunteer)))


def _act(volunteer_id, key, action, success):
    return act_on_page(lambda: operations.get_volunteer(current_user, volunteer_id), key, action, success,
                       _page, url_for("talent.profile", volunteer_id=volunteer_id))


@bp.post("/talent/volunteers/<int:volunteer_id>/profile")
@login_required
def save_profile(volunteer_id):
    return _act(volunteer_id, "profile", lambda v, data: operations.save_profile(v, current_user, data),
                _("人才信息已保存"))


@bp.post("/talent/volunteers/<int:volunteer_id>/certificates")
@login_required
def add_certificate(volunteer_id):
    return _act(volunteer_id, "certificate", lambda v, data: operations.add_certificate(v, current_user, data),
                _("证书已添加，待社区核验"))


@bp.post("/talent/volunteers/<int:volunteer_id>/certificates/<int:certificate_id>/remove")
@login_required
def remove_certificate(volunteer_id, certificate_id):
    return _act(volunteer_id, f"remove:{certificate_id}",
                lambda v, data: operations.remove_certificate(v, current_user, certificate_id), _("证书已删除"))


@bp.post("/talent/volunteers/<int:volunteer_id>/certificates/<int:certificate_id>/check")
@login_required
def check_certificate(volunteer_id, certificate_id):
    return _act(volunteer_id, f"check:{certificate_id}",
                lambda v, data: operations.check_certificate(v, current_user, certificate_id), _("证书已核验"))


@bp.post("/talent/volunteers/<int:volunteer_id>/admit")
@login_required
def admit(volunteer_id):
    return _act(volunteer_id, "admit", lambda v, data: operations.admit(v, current_user), _("已纳入社区人才库"))


@bp.post("/talent/volunteers/<int:volunteer_id>/withdraw")
@login_required
def withdraw(volunteer_id):
    return _act(volunteer_id, "withdraw", lambda v, data: operations.withdraw(v, current_user), _("已移出社区人才库"))


# ---- the project page's skills --------------------------------------------------------------------------

@bp.post("/projects/<int:project_id>/skills")
@login_required
def add_project_skill(project_id):
    return act(project_id, "add_project_skill",
               lambda p: operations.add_project_skill(p, current_user, request.form), _("已添加所需技能"))


@bp.post("/projects/<int:project_id>/skills/<int:skill_id>/remove")
@login_required
def remove_project_skill(project_id, skill_id):
    return act(project_id, f"remove_project_skill:{skill_id}",
               lambda p: operations.remove_project_skill(p, current_user, skill_id), _("已删除所需技能"))
