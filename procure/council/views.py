"""The council pages: the communities a user may read (/council), and one community's council size, its class's
rules and the history of its changes, with the form for its staff or an admin."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from procure.accounts.models import Role
from procure.council import operations
from procure.council.inputs import CouncilForm
from procure.errors import InvalidInput, NotFound, Refusal
from procure.extensions import db
from procure.projects.guards import council_rules
from procure.projects.labels import COMMUNITY_CLASS_LABELS

bp = Blueprint("council", __name__, url_prefix="/council")


@bp.get("")
@login_required
def index():
    if current_user.role == Role.community:
        return redirect(url_for("council.community", community_id=current_user.organisation_id))
    if current_user.role not in (Role.admin, Role.reviewer, Role.bureau):
        raise NotFound()
    return render_template("council/index.html", communities=operations.communities_for(current_user),
                           class_labels=COMMUNITY_CLASS_LABELS)


def _render(community, form=None, error=None, status=200):
    quorum, majority = council_rules(community)
    if form is None:
        form = CouncilForm(data={"council_size": community.members_total})
    elif isinstance(error, InvalidInput):
        form.validate()
    return render_template("council/community.html", community=community, form=form, error=error,
                           reasons=[r.message for r in getattr(error, "reasons", [])],
                           may_change=operations.may_change(current_user, community),
                           history=operations.history(community), quorum=str(quorum), majority=str(majority),
                           class_labels=COMMUNITY_CLASS_LABELS), status


@bp.get("/<int:community_id>")
@login_required
def community(community_id):
    return _render(operations.get_community(current_user, community_id))


@bp.post("/<int:community_id>")
@login_required
def change(community_id):
    community = operations.get_community(current_user, community_id, for_update=True)
    try:
        operations.set_council_size(current_user, community, request.form, request.form.get("version"))
        db.session.commit()
    except Refusal as error:
        db.session.rollback()
        community = operations.get_community(current_user, community_id)
        return _render(community, CouncilForm(formdata=request.form), error, error.status)
    flash(_("已登记议事会成员 %(size)s 人", size=community.members_total), "success")
    return redirect(url_for("council.community", community_id=community.id))
