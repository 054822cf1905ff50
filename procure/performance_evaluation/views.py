"""Performance pages: a party's score sheet and the explanation of a divergence (on the project page), and
the indicator templates (list, tree, a new one copied from another) for the bureau and admins."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from procure.accounts.models import Role
from procure.database import writes
from procure.errors import Forbidden, GuardFailed, InvalidInput, Refusal
from procure.extensions import db
from procure.performance_evaluation import operations
from procure.performance_evaluation.inputs import TemplateForm
from procure.performance_evaluation.scoring import KIND_LABELS
from procure.performance_evaluation.templates import GROUP_LABELS, rows_of, templates, tree_of
from procure.projects.proposal_form import refused_form, without_blank_rows
from procure.projects.views import act

bp = Blueprint("performance", __name__)


@bp.post("/projects/<int:project_id>/evaluation/sheet")
@login_required
def save_scores(project_id):
    submit = request.form.get("submit") == "true"
    return act(project_id, "score_sheet", lambda p: operations.save_scores(p, current_user, request.form),
               _("本方评分已提交") if submit else _("评分草稿已保存"))


@bp.post("/projects/<int:project_id>/evaluation/divergences")
@login_required
def explain_divergence(project_id):
    key = f"divergence:{request.form.get('indicator_id', '')}"
    return act(project_id, key, lambda p: operations.explain_divergence(p, current_user, request.form),
               _("差异说明已保存"))


# ---- indicator templates ------------------------------------------------------------------------------

def _require_manager():
    if current_user.role not in (Role.bureau, Role.admin):
        raise Forbidden()


@bp.get("/indicator-templates")
@login_required
@writes  # the default template, the first time it is needed
def template_index():
    _require_manager()
    rows = templates()
    db.session.commit()  # the default template, the first time it is needed
    return render_template("performance/templates.html", templates=rows)


@bp.get("/indicator-templates/<int:template_id>")
@login_required
def template_detail(template_id):
    _require_manager()
    template = operations.get_template(template_id)
    return render_template("performance/template.html", template=template, tree=tree_of(template),
                           KIND_LABELS=KIND_LABELS, GROUP_LABELS=GROUP_LABELS)


@bp.route("/indicator-templates/new", methods=["GET", "POST"])
@login_required
@writes
def template_new():
    """A new template starts as a copy of another (the default unless `from` names one); one row per node."""
    _require_manager()
    refusal, status = None, 200
    if request.method == "POST":
        formdata = without_blank_rows(request.form, "indicators", ("code",))  # a row without a code is dropped
        try:
            template = operations.create_template(current_user, formdata)
            db.session.commit()
            flash(_("指标模板已创建"), "success")
            return redirect(url_for("performance.template_detail", template_id=template.id))
        except Refusal as error:
            db.session.rollback()
            refusal, status = error, error.status
            form = refused_form(TemplateForm, MultiDict(formdata), error)
    else:
        source_id = request.args.get("from", type=int)
        source = operations.get_template(source_id) if source_id else templates()[0]
        db.session.commit()
        form = TemplateForm(data={"name": _("%(name)s（副本）", name=source.name),
                                  "category_code": source.category_code or "",
                                  "community_class": source.community_class or "",
                                  "indicators": [{**row, "parent": row["parent"] or "", "kind": row["kind"] or ""}
                                                 for row in rows_of(source)]})
    reasons = [r.message for r in refusal.reasons] if isinstance(refusal, GuardFailed) else []
    other = refusal.message if refusal is not None and not isinstance(refusal, (GuardFailed, InvalidInput)) else ""
    return render_template("performance/template_new.html", form=form, reasons=reasons, other=other,
                           KIND_LABELS=KIND_LABELS), status
