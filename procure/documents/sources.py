"""What each official document says: whether it exists yet for a project (or catalogue), its template and
the data it is rendered from (committed rows only; nothing here writes)."""
from decimal import Decimal

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from procure import clock
from procure.accounts.models import Organisation
from procure.documents import results
from procure.documents.results import contract_of, evaluation_of
from procure.extensions import db
from procure.projects.labels import GRADE_LABELS, PAYMENT_KIND_LABELS

TITLES = {"proposal": _l("项目申报书"), "catalogue": _l("年度购买服务目录"), "award_notice": _l("成交（中标）通知书"),
          "contract": _l("政府购买服务合同"), "acceptance_certificate": _l("验收证书"),
          "evaluation_report": _l("绩效评价报告"), "volunteer_certificate": _l("志愿服务证明"),
          "talent_certificate": _l("社区人才库入库证书")}
# The kinds with a template today, in the order a project's page lists them.
PROJECT_KINDS = ("proposal", "award_notice", "contract", "acceptance_certificate", "evaluation_report")
ACCEPTED_STATES = ("accepted", "evaluated", "closed")


def yuan(value) -> str:
    """40000 → "40,000.00 元"."""
    return "" if value is None else f"{Decimal(value):,.2f} 元"


def government_of(community: Organisation) -> Organisation | None:
    """The government body whose area holds the community, the nearest one first."""
    bodies = db.session.scalars(db.select(Organisation).filter_by(kind="government")).all()
    covering = [o for o in bodies if o.covers(community)]
    return max(covering, key=lambda o: len(o.division_code), default=None)


def available(project, kind) -> bool:
    """Whether the project's state and records make `kind` a document that exists."""
    from procure.procurement import panel

    if kind == "proposal":
        return project.state != "draft"
    if kind == "award_notice":
        tender = panel.tender_of(project)
        if tender is None or tender.award_notice_at is None:
            return False
        from procure.procurement.models import Bid  # the winner is known from the award, before any contract

        return db.session.scalar(db.select(Bid.id).filter_by(project_id=project.id, status="awarded")) is not None
    if kind == "contract":
        return contract_of(project) is not None
    if kind == "acceptance_certificate":
        return project.state in ACCEPTED_STATES
    if kind == "evaluation_report":
        evaluation = evaluation_of(project)
        return evaluation is not None and evaluation.finalised_at is not None
    return False


def available_kinds(project) -> list[str]:
    return [kind for kind in PROJECT_KINDS if available(project, kind)]


def project_context(project, kind) -> dict:
    """The template and its data for a project document."""
    government = government_of(project.community)
    context = {"project": project, "title": TITLES[kind], "government": government, "yuan": yuan,
               "issuer": issuer_of(project, kind, government)}
    if kind == "proposal":
        context["budget_total"] = sum((line.amount for line in project.budget_lines), Decimal("0.00"))
    elif kind == "award_notice":
        context.update(_award(project))
    elif kind == "contract":
        contract = contract_of(project)
        context.update(contract=contract, payment_terms=payment_terms(project, contract),
                       final_percents=[(GRADE_LABELS[grade], percent) for grade, percent
                                       in current_app.config["FINAL_PAYMENT_PERCENT"].items()])
    elif kind == "acceptance_certificate":
        context.update(results.acceptance(project))
    elif kind == "evaluation_report":
        context.update(results.evaluation(project))
    return context


def payment_terms(project, contract) -> list[dict]:
    """The contract's payment schedule as signed (procure.payments.schedule): each part, when it falls due, its
    share and amount; the last one (尾款) is paid by grade after the performance evaluation."""
    from procure.payments.schedule import schedule

    dues = {m.id: m.due for m in contract.milestones}
    when = {"advance": _("合同签订后"), "acceptance": _("验收通过后"), "final": _("绩效评价后")}
    return [{"label": line.milestone_name or str(PAYMENT_KIND_LABELS[line.kind]),
             "final": line.kind == "final", "due": dues.get(line.milestone_id) or when.get(line.kind, ""),
             "percent": line.percent, "amount": line.base} for line in schedule(project).lines]


def issuer_of(project, kind, government=None) -> Organisation | None:
    """Who issues a project document: the community its proposal, the evaluation firm its evaluation
    report, the government body the rest."""
    if kind == "proposal":
        return project.community
    if kind == "evaluation_report" and project.evaluator_org is not None:
        return project.evaluator_org
    return government if government is not None else government_of(project.community)


def _award(project) -> dict:
    from procure.procurement import panel
    from procure.procurement.deadlines import challenge_window
    from procure.procurement.models import Bid

    evaluation = panel.evaluation_of(project)
    winning = db.session.scalar(db.select(Bid).filter_by(project_id=project.id, status="awarded"))
    window = challenge_window(evaluation.tender)
    return {"tender": evaluation.tender, "evaluation": evaluation, "winning": winning,
            "ranked": evaluation.ranked or [], "challenge_ends": window and window.ends_on,
            "challenge_provisional": window.provisional if window else ()}


def catalogue_issuer(year) -> Organisation | None:
    """The organisation of the officer who published the year's catalogue (from the audit trail)."""
    from procure.audit.models import AuditEntry

    entries = db.session.scalars(db.select(AuditEntry).filter_by(action="publish_catalogue", project_id=None)
                                 .order_by(AuditEntry.id.desc())).all()
    entry = next((e for e in entries if (e.data or {}).get("year") == year), None)
    return db.session.get(Organisation, entry.organisation_id) if entry and entry.organisation_id else None


def catalogue_context(catalogue) -> dict:
    from procure.catalogue.operations import grouped

    return {"catalogue": catalogue, "title": TITLES["catalogue"], "issuer": catalogue_issuer(catalogue.year),
            "yuan": yuan, **grouped(catalogue)}


# ---- volunteer certificates (志愿服务证明, 社区人才库入库证书) -------------------------------------------
RECENT_ACTIVITIES = 20


def volunteer_available(volunteer, kind) -> bool:
    """A service certificate exists for every volunteer; a talent certificate once the profile is admitted."""
    from procure.talent.operations import profile_of

    if kind == "volunteer_certificate":
        return True
    if kind == "talent_certificate":
        profile = profile_of(volunteer)
        return profile is not None and profile.admitted_at is not None
    return False


def recent_activities(volunteer, limit=RECENT_ACTIVITIES) -> list[dict]:
    """The volunteer's latest completed activities with the hours credited (one query)."""
    from procure.volunteers.models import Activity, SignUp

    rows = db.session.execute(
        db.select(Activity.title, Activity.starts_at, Activity.category, SignUp.hours)
        .join(SignUp, SignUp.activity_id == Activity.id)
        .where(SignUp.volunteer_id == volunteer.id, SignUp.status == "completed", SignUp.hours.is_not(None))
        .order_by(Activity.starts_at.desc(), SignUp.id.desc()).limit(limit)).all()
    from procure.volunteers.inputs import CATEGORY_LABELS

    return [{"title": title, "on": clock.local(starts_at).date().isoformat(),
             "category": str(CATEGORY_LABELS.get(category, category)), "hours": hours}
            for title, starts_at, category, hours in rows]


def volunteer_context(volunteer, kind) -> dict:
    """The data of a volunteer certificate: the holder's full name (the PDF goes to the holder and their
    community only), the ID number masked, never the phone. Nothing here depends on the day it is issued, so
    unchanged data gives the same document."""
    from procure.codes import mask_id_number
    from procure.talent.operations import certificates_of, profile_of
    from procure.volunteers import ledger
    from procure.volunteers.skills import skill_labels

    holder = {"name": volunteer.real_name, "id_number": mask_id_number(volunteer.id_number),
              "community": volunteer.community.name,
              "registered_on": clock.local(volunteer.registered_at).date().isoformat()}
    context = {"title": TITLES[kind], "holder": holder, "issuer": volunteer.community,
               "government": government_of(volunteer.community)}
    if kind == "volunteer_certificate":
        context.update(hours_total=volunteer.hours_total, stars=ledger.stars(volunteer.hours_total),
                       activities=recent_activities(volunteer), activities_limit=RECENT_ACTIVITIES)
    else:
        profile = profile_of(volunteer)
        context.update(profession=profile.profession, skills=skill_labels(profile.skills),
                       availability=profile.availability,
                       certificates=[c for c in certificates_of(profile) if c["checked"] and not c["expired"]],
                       admitted_on=clock.local(profile.admitted_at).date().isoformat())
    return context
