"""The redemption catalogue page of a community: residents see their points and redeem, community staff keep
the items and see who redeemed what. Commits here and only here."""
from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from procure.database import MAX_ID
from procure.errors import NotFound
from procure.projects.listing import bounded_int
from procure.projects.page_forms import act_on_page, page_form
from procure.redemption import operations
from procure.redemption.inputs import KIND_LABELS, ItemForm, NewItemForm, RestockForm
from procure.volunteers import ledger
from procure.volunteers.operations import volunteer_of

bp = Blueprint("redemption", __name__)


@bp.get("/rewards")
@login_required
def index():
    """/rewards?community=<id>, or without it the user's own community's catalogue."""
    community_id = bounded_int(request.args.get("community"), 1, MAX_ID) or current_user.organisation_id
    if not operations.may_see(current_user, community_id):
        raise NotFound()
    return redirect(url_for("redemption.catalogue", community_id=community_id))


def _item_row(item, staff, failed) -> dict:
    """What the page shows of an item, and the forms it offers on it."""
    row = {"id": item.id, "name": item.name, "description": item.description, "kind": KIND_LABELS[item.kind],
           "points_price": item.points_price, "stock": item.stock, "active": item.active, "forms": {}}
    if staff:
        row["forms"]["edit"] = page_form(f"edit:{item.id}", ItemForm, url_for("redemption.edit", item_id=item.id),
                                         failed, {"name": item.name, "description": item.description,
                                                  "kind": item.kind, "points_price": item.points_price,
                                                  "active": item.active})
        row["forms"]["restock"] = page_form(f"restock:{item.id}", RestockForm,
                                            url_for("redemption.restock", item_id=item.id), failed)
    else:
        row["forms"]["redeem"] = page_form(f"redeem:{item.id}", None, url_for("redemption.redeem", item_id=item.id),
                                           failed)
    return row


def _context(community, failed=None) -> dict:
    staff = operations.is_staff(current_user, community.id)
    volunteer = volunteer_of(current_user)
    items = operations.items_of(community.id, with_inactive=True)
    me = None
    if volunteer is not None:
        me = {"balance": volunteer.balance, "hours_total": volunteer.hours_total,
              "stars": ledger.stars(volunteer.hours_total),
              "redemptions": operations.volunteer_redemptions(volunteer)}
    return {"community": {"id": community.id, "name": community.name}, "staff": staff, "me": me,
            "resident": current_user.role == "resident",
            "items": [_item_row(i, staff, failed) for i in items if staff or i.active or _failed_on(failed, i)],
            "add_form": page_form("add", NewItemForm, url_for("redemption.add", community_id=community.id), failed,
                                  {"active": True, "kind": "item"}) if staff else None,
            "redemptions": operations.community_redemptions(community.id) if staff else [],
            "failed": failed}


def _failed_on(failed, item) -> bool:
    """A resident whose redemption of an item was just refused (it went off the shelf) still sees why."""
    return failed is not None and failed.key == f"redeem:{item.id}"


def _page(community, failed=None):
    return render_template("redemption/catalogue.html", **_context(community, failed))


@bp.get("/communities/<int:community_id>/rewards")
@login_required
def catalogue(community_id):
    return _page(operations.get_community(current_user, community_id))


@bp.post("/communities/<int:community_id>/rewards")
@login_required
def add(community_id):
    return act_on_page(lambda: operations.get_community(current_user, community_id), "add",
                       lambda community, data: operations.add_item(community, current_user, data),
                       _("兑换物品已添加"), _page, url_for("redemption.catalogue", community_id=community_id))


def _act_on_item(item_id, key, action, success):
    item = operations.get_item(current_user, item_id)
    community = operations.get_community(current_user, item.community_id)
    return act_on_page(lambda: operations.get_item(current_user, item_id), f"{key}:{item_id}", action, success,
                       lambda _item, failed: _page(community, failed),
                       url_for("redemption.catalogue", community_id=community.id))


@bp.post("/rewards/<int:item_id>/edit")
@login_required
def edit(item_id):
    return _act_on_item(item_id, "edit", lambda item, data: operations.update_item(item, current_user, data),
                        _("兑换物品已保存"))


@bp.post("/rewards/<int:item_id>/restock")
@login_required
def restock(item_id):
    return _act_on_item(item_id, "restock", lambda item, data: operations.restock(item, current_user, data),
                        _("库存已补充"))


@bp.post("/rewards/<int:item_id>/redeem")
@login_required
def redeem(item_id):
    return _act_on_item(item_id, "redeem", lambda item, data: operations.redeem(item, current_user, data),
                        _("兑换成功：积分已扣除，请到社区领取"))
