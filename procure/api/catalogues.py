"""The annual purchase catalogue: read it (with totals), download it as XLSX, publish it, bring it into force."""
from flask import Response, g, jsonify, stream_with_context

from procure.api import bp
from procure.api.jsonutil import plain
from procure.catalogue import export, operations
from procure.catalogue.models import Catalogue
from procure.extensions import db


def catalogue_summary(c: Catalogue) -> dict:
    return {"year": c.year, "state": c.state, "version": c.version, "published_at": plain(c.published_at),
            "notice_ends_on": plain(c.notice_ends_on), "in_force_at": plain(c.in_force_at),
            "item_count": c.item_count, "total": plain(c.budget_total)}


def catalogue_json(c: Catalogue) -> dict:
    data = operations.grouped(c)
    groups = []
    for group in data["groups"]:
        items = [{"project_id": i.project_id, "project_code": i.project.code, "title": i.project.title,
                  "community": i.project.community.name, "funding_form": i.project.funding_form,
                  "category_code": i.category_code,
                  "procurement_item_code": data["categories"][i.category_code].procurement_item_code,
                  "budget": plain(i.budget), "added_in_version": i.added_in_version} for i in group["items"]]
        groups.append({"category_code": group["category"].code, "category_name": group["category"].name,
                       "subtotal": plain(group["subtotal"]), "items": items})
    return {**catalogue_summary(c), "groups": groups,
            "amendments": [{"version": a.version, "reason": a.reason, "at": plain(a.at), "project_id": a.project_id}
                           for a in c.amendments],
            "can_publish": not operations.publish_reasons(c),
            "in_force_reasons": [r.as_dict() for r in operations.in_force_reasons(c)]}


@bp.get("/catalogues")
def list_catalogues():
    return jsonify([catalogue_summary(c) for c in db.session.scalars(operations.visible_catalogues(g.api_user))])


@bp.get("/catalogues/<int:year>")
def get_catalogue(year):
    return jsonify(catalogue_json(operations.get_catalogue(g.api_user, year)))


@bp.get("/catalogues/<int:year>.xlsx")
def catalogue_xlsx(year):
    catalogue = operations.get_catalogue(g.api_user, year)
    return Response(stream_with_context(export.workbook_stream(catalogue.id)), mimetype=export.XLSX_TYPE,
                    headers={"Content-Disposition": f"attachment; filename={export.filename(catalogue)}"})


@bp.post("/catalogues/<int:year>/publish")
def publish_catalogue(year):
    catalogue = operations.publish(operations.get_catalogue(g.api_user, year), g.api_user)
    db.session.commit()
    return jsonify(catalogue_json(catalogue))


@bp.post("/catalogues/<int:year>/bring-into-force")
def bring_catalogue_into_force(year):
    catalogue = operations.bring_into_force(operations.get_catalogue(g.api_user, year), g.api_user)
    db.session.commit()
    return jsonify(catalogue_json(catalogue))
