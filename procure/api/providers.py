"""The provider register: profiles, verification, eligibility, violations, relations and debarments."""
from flask import g, jsonify, request, url_for

from procure import clock
from procure.api import bp, committed, formdata
from procure.api.jsonutil import plain
from procure.attachments import operations as attachments
from procure.extensions import db
from procure.performance_evaluation.track_record import track_record
from procure.providers import operations
from procure.providers.eligibility import (REQUIREMENT_LABELS, eligibility_reasons, expires_on, requirement_status,
                                           requirements_of)
from procure.providers.models import Debarment


def debarment_json(d) -> dict:
    return {"id": d.id, "organisation_id": d.organisation_id, "reason": d.reason, "source": d.source,
            "starts_on": plain(d.starts_on), "ends_on": plain(d.ends_on), "lifted_at": plain(d.lifted_at),
            "active": d.lifted_at is None and d.starts_on <= clock.today() <= d.ends_on}


def profile_json(p) -> dict | None:
    if p is None:
        return None
    return {"registration_type": p.registration_type, "founded_on": plain(p.founded_on), "rating": p.rating,
            "annual_inspection": p.annual_inspection, "service_areas": p.service_areas, "contact": p.contact,
            "public_welfare_class_one": p.public_welfare_class_one, "verified": p.verified,
            "verified_at": plain(p.verified_at), "updated_at": plain(p.updated_at),
            "team": [{"name": m.name, "qualification": m.qualification, "role": m.role} for m in p.team]}


def provider_summary(org, profile, debarment) -> dict:
    return {"id": org.id, "name": org.name, "credit_code": org.credit_code,
            "legal_representative": org.legal_representative, "verified": bool(profile and profile.verified),
            "rating": profile.rating if profile else None, "debarred": debarment is not None}


def provider_json(org) -> dict:
    profile = operations.profile_of(org)
    data = provider_summary(org, profile, Debarment.active_for(org.id, clock.today()))
    data.update({
        "profile": profile_json(profile),
        "eligibility": [r.as_dict() for r in eligibility_reasons(org, clock.today())],
        "requirements": [requirement_json(name, row) for name, row in requirements_of(org).items()],
        "violations": [{"id": v.id, "occurred_on": plain(v.occurred_on), "description": v.description,
                        "major": v.major} for v in operations.violations_of(org)],
        "debarments": [debarment_json(d) for d in operations.debarments_of(org)],
        "relations": [relation_json(r, org) for r in operations.relations_of(org)],
        "track_record": track_record_json(track_record(org)),
    })
    return data


def requirement_json(name, row) -> dict:
    evidence = db.session.get(attachments.Attachment, row.evidence_id) if row is not None and row.evidence_id else None
    return {"requirement": name, "label": str(REQUIREMENT_LABELS[name]),
            "status": requirement_status(row, clock.today()),
            "evidence": {"id": evidence.id, "name": evidence.original_name, "sha256": evidence.sha256,
                         "uploaded_at": plain(evidence.uploaded_at),
                         "download_url": url_for("api.download_attachment", attachment_id=evidence.id)}
            if evidence else None,
            "note": row.note if row is not None else "",
            "verified_on": plain(row.verified_on) if row is not None else None,
            "expires_on": plain(expires_on(row))}


def track_record_json(record) -> dict:
    return {**record, "average_score": plain(record["average_score"]), "on_time_rate": plain(record["on_time_rate"]),
            "projects": [{**p, "score": plain(p["score"])} for p in record["projects"]]}


def relation_json(r, org) -> dict:
    from procure.accounts.models import Organisation

    other_id = r.related_org_id if r.organisation_id == org.id else r.organisation_id
    other = db.session.get(Organisation, other_id)
    return {"id": r.id, "related_org": {"id": other.id, "name": other.name}, "description": r.description,
            "declared_by_this": r.organisation_id == org.id, "declared_at": plain(r.declared_at)}


@bp.get("/providers")
def list_providers():
    return jsonify([provider_summary(*row) for row in operations.register(g.api_user)])


@bp.get("/providers/<int:org_id>")
def get_provider(org_id):
    return jsonify(provider_json(operations.get_provider(g.api_user, org_id)))


@bp.put("/providers/<int:org_id>/profile")
def update_profile(org_id):
    org = operations.get_provider(g.api_user, org_id)
    operations.update_profile(org, g.api_user, formdata())
    return committed(provider_json(org))


@bp.post("/providers/<int:org_id>/verify")
def verify_profile(org_id):
    org = operations.get_provider(g.api_user, org_id)
    operations.verify_profile(org, g.api_user)
    return committed(provider_json(org))


@bp.post("/providers/<int:org_id>/debarments")
def set_debarment(org_id):
    org = operations.get_provider(g.api_user, org_id)
    return committed(debarment_json(operations.set_debarment(org, g.api_user, formdata())), 201)


@bp.post("/debarments/<int:debarment_id>/lift")
def lift_debarment(debarment_id):
    return committed(debarment_json(operations.lift_debarment(g.api_user, debarment_id)))


@bp.post("/providers/<int:org_id>/violations")
def add_violation(org_id):
    org = operations.get_provider(g.api_user, org_id)
    v = operations.add_violation(org, g.api_user, formdata())
    return committed({"id": v.id, "occurred_on": plain(v.occurred_on), "description": v.description, "major": v.major},
                 201)


@bp.post("/providers/<int:org_id>/relations")
def declare_relation(org_id):
    org = operations.get_provider(g.api_user, org_id)
    return committed(relation_json(operations.declare_relation(org, g.api_user, formdata()), org), 201)


@bp.post("/providers/<int:org_id>/requirements/<requirement>/evidence")
def upload_evidence(org_id, requirement):
    org = operations.get_provider(g.api_user, org_id)
    attachments.upload_evidence(org, g.api_user, requirement, request.files.get("file"), request.form.get("note", ""))
    db.session.commit()
    return jsonify(requirement_json(requirement, requirements_of(org)[requirement])), 201


@bp.post("/providers/<int:org_id>/requirements/<requirement>/verify")
def verify_requirement(org_id, requirement):
    org = operations.get_provider(g.api_user, org_id)
    row = operations.verify_requirement(org, g.api_user, requirement, formdata())
    return committed(requirement_json(requirement, row))
