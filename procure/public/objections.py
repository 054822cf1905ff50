"""Residents' objections to a proposal under the community notice (公示), filed on the public page without an
account. The name and contact stay private (the community and the reviewer see them on the logged-in page);
a honeypot field and a per-address limit keep robots out."""
from flask import current_app, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from procure import clock, disclosure
from procure.accounts.models import Role, User
from procure.audit.log import record_public
from procure.extensions import db, limiter
from procure.formfields import storable
from procure.notifications.models import Notification
from procure.projects.models import Objection
from procure.public import bp

CONTENT_MAX = 2000


def _storable(_form, field):
    if isinstance(field.data, str) and not storable(field.data):
        raise ValidationError(_l("包含无法保存的字符（如空字符 NUL）"))


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class PublicObjectionForm(FlaskForm):
    content = TextAreaField(_l("异议内容"), [DataRequired(message=_l("请填写异议内容")),
                                          Length(max=CONTENT_MAX, message=_l("异议内容不能超过 %(max)s 字")),
                                          _storable], filters=[_strip])
    resident_name = StringField(_l("姓名"), [DataRequired(message=_l("请填写姓名")), Length(max=100), _storable],
                                filters=[_strip])
    resident_contact = StringField(_l("联系方式（选填）"), [Optional(), Length(max=100), _storable], filters=[_strip])
    # The honeypot: hidden from people (CSS, aria-hidden, no tab stop); robots that fill every field fill it.
    website = StringField(_l("网站"))


def notify_community(project, objection):
    """Tell the community's staff that a resident objected (the notification names the project only)."""
    users = db.session.scalars(select(User.id).where(User.organisation_id == project.community_id,
                                                      User.role == Role.community, User.active)).all()
    for user_id in users:
        db.session.add(Notification(user_id=user_id, project_id=project.id, kind="objection_filed",
                                    params={"code": project.code, "title": project.title},
                                    key=f"objection_filed:{objection.id}", created_at=clock.now()))


def file(project, form) -> Objection:
    """Store the objection, its audit entry (no user, no content) and the community's notifications;
    flush, never commit."""
    objection = Objection(project_id=project.id, raised_at=clock.now(), content=form.content.data,
                          resident_name=form.resident_name.data, resident_contact=form.resident_contact.data or "",
                          recorded_by_id=None)
    db.session.add(objection)
    db.session.flush()
    record_public(project, "file_objection", data={"objection_id": objection.id})
    notify_community(project, objection)
    db.session.flush()
    return objection


@bp.post("/public/projects/<code>/objections")
@limiter.limit(lambda: current_app.config["PUBLIC_OBJECTION_LIMIT"])
def file_objection(code):
    from procure.public.pages import public_project_or_404, render_project

    project = public_project_or_404(code)
    if not disclosure.on_notice(project):
        return render_template("public/notice_over.html", project={"code": project.code, "title": project.title}), 409
    form = PublicObjectionForm()
    if form.website.data:  # a robot: it is told all went well, and nothing is kept
        return filed(project)
    if not form.validate():
        return render_project(project, form), 422
    file(project, form)
    db.session.commit()
    return filed(project)


def filed(project):
    """Back to the objections, with the confirmation where the resident is looking (not at the page's top)."""
    return redirect(url_for("public.project", code=project.code, filed=1, _anchor="objections"))
