"""The admin's organisation pages: every organisation with its credit code, the forms that create and change one,
and the form that changes its credit code."""
from flask import Blueprint, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from procure.accounts.admin_only import admins_only
from procure.accounts.models import Organisation
from procure.extensions import db
from procure.organisations import operations
from procure.projects.page_forms import act_on_page
from procure.projects.proposal_form import refused_form

bp = Blueprint("organisations", __name__, url_prefix="/admin/organisations")

KIND_LABELS = {"community": _l("社区"), "government": _l("政府部门"), "provider": _l("承接主体"),
               "evaluator": _l("评估机构")}


bp.before_request(admins_only)


def _form(cls, key, failed, data):
    if failed is not None and failed.key == key:
        return refused_form(cls, failed.formdata, failed.error)
    return cls(data=data)


def _page(failed=None):
    rows = db.session.scalars(db.select(Organisation).order_by(Organisation.kind, Organisation.name)).all()
    new_form = _form(operations.NewOrganisationForm, "new", failed, {})
    edit_forms = {org.id: _form(operations.OrganisationForm, f"edit:{org.id}", failed,
                                {"name": org.name, "kind": org.kind, "division_code": org.division_code,
                                 "community_class": org.community_class or ""})
                  for org in rows}
    forms = {org.id: (refused_form(operations.CreditCodeForm, failed.formdata, failed.error)
                      if failed is not None and failed.key == f"org:{org.id}"
                      else operations.CreditCodeForm(data={"credit_code": org.credit_code or ""}))
             for org in rows}
    return render_template("organisations/index.html", rows=rows, forms=forms, failed=failed,
                           kind_labels=KIND_LABELS, new_form=new_form, edit_forms=edit_forms)


@bp.get("")
def index():
    return _page()


@bp.post("/<int:org_id>/credit-code")
def set_credit_code(org_id):
    return act_on_page(lambda: operations.get_organisation(current_user, org_id), f"org:{org_id}",
                       lambda org, data: operations.set_credit_code(org, current_user, data),
                       _("统一社会信用代码已保存"), lambda org, failed: _page(failed),
                       url_for("organisations.index", _anchor=f"org-{org_id}"))


@bp.post("/new")
def create():
    return act_on_page(lambda: None, "new", lambda _none, data: operations.create_organisation(current_user, data),
                       _("机构已创建"), lambda _none, failed: _page(failed), url_for("organisations.index"))


@bp.post("/<int:org_id>")
def update(org_id):
    return act_on_page(lambda: operations.get_organisation(current_user, org_id), f"edit:{org_id}",
                       lambda org, data: operations.update_organisation(org, current_user, data),
                       _("机构信息已保存"), lambda org, failed: _page(failed),
                       url_for("organisations.index", _anchor=f"org-{org_id}"))
