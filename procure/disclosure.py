"""What the public may see of a project, and from when: the one place the portal, the open data (OCDS) and
the public exports ask. The proposal as noticed (with the residents' council's decision and minutes) is
public from the notice on. Everything not allowed here stays private: drafts and proposals that never reached
the notice, internal comments (audit comments, review reasons), bids and their plans, resident personal data
(objectors' names and contacts, survey answers, comments and codes), panel members and their scores,
performance score sheets before the evaluation is final, and unpublished contracts."""
from sqlalchemy import and_, or_

from procure.projects.models import Project

NOTICE_STATES = ("notice",)
# From the catalogue on, a project's purchase, delivery, acceptance and evaluation are public.
CATALOGED_ON = ("cataloged", "tendering", "awarded", "contracted", "in_delivery", "delivered", "under_acceptance",
                "rectification", "accepted", "evaluated", "closed")
ACCEPTED_STATES = ("accepted", "evaluated", "closed")
PUBLIC_CATALOGUE_STATES = ("published", "in_force")


def public_clause():
    """SQL: the projects with a public page (under notice, or listed in a catalogue, even if cancelled later)."""
    return or_(Project.state.in_(NOTICE_STATES + CATALOGED_ON),
               and_(Project.state == "cancelled", Project.catalogue_year.is_not(None)))


def is_public(project) -> bool:
    return on_notice(project) or procurement_public(project)


def on_notice(project) -> bool:
    """Under the community notice (公示): the proposal is public and residents may object."""
    return project.state in NOTICE_STATES


def procurement_public(project) -> bool:
    """Listed in a catalogue: approval, catalogue, tender, award, contract, delivery, acceptance, evaluation."""
    return project.state in CATALOGED_ON or (project.state == "cancelled" and project.catalogue_year is not None)


# The implementer is public from the contract on (a purchase's winner also from its award notice, see
# award_public); the evaluation firm from the acceptance on, with its draw.
IMPLEMENTER_PUBLIC_STATES = CATALOGED_ON[CATALOGED_ON.index("contracted"):] + ("cancelled",)


def implementer_public(project) -> bool:
    return project.implementer_id is not None and project.state in IMPLEMENTER_PUBLIC_STATES and (
        procurement_public(project))


def evaluator_public(project) -> bool:
    return project.evaluator_org_id is not None and acceptance_public(project)


def award_public(tender) -> bool:
    """The award, the bidders and their prices are public once the award notice is published; before it
    nothing about the bids is (bids stay sealed until the deadline, and are judged until the notice)."""
    return tender is not None and tender.award_notice_at is not None


def contract_public(contract) -> bool:
    """A contract (or subsidy agreement) is public once the bureau has published it."""
    return contract is not None and contract.published_at is not None


def contract_public_clause():
    """SQL: the contracts contract_public() allows (for the public tables' queries)."""
    from procure.procurement.models import Contract

    return Contract.published_at.is_not(None)


def payments_public(project, contract) -> bool:
    """Payments (date, amount, milestone) are public with the contract they pay; a reward, which has no
    contract, once its acceptance is public."""
    if contract is not None:
        return contract_public(contract)
    return project.funding_form == "reward" and acceptance_public(project)


def acceptance_public(project) -> bool:
    return project.state in ACCEPTED_STATES


def evaluation_public(evaluation) -> bool:
    """Scores (each party's and combined) are public only when the evaluation is final."""
    return evaluation is not None and evaluation.finalised_at is not None


def evaluation_public_clause():
    """SQL: the evaluations evaluation_public() allows (for the public tables' queries)."""
    from procure.performance_evaluation.models import PerformanceEvaluation

    return PerformanceEvaluation.finalised_at.is_not(None)


def public_document_kinds(project) -> list[str]:
    """The official PDFs anyone may download for this project."""
    from procure.documents import sources
    from procure.procurement import panel
    from procure.procurement.models import Contract
    from procure.extensions import db

    if not is_public(project):
        return []
    kinds = ["proposal"]
    if not procurement_public(project):
        return kinds
    if sources.available(project, "award_notice") and award_public(panel.tender_of(project)):
        kinds.append("award_notice")
    if contract_public(db.session.scalar(db.select(Contract).filter_by(project_id=project.id))):
        kinds.append("contract")
    for kind in ("acceptance_certificate", "evaluation_report"):
        if sources.available(project, kind):
            kinds.append(kind)
    return kinds
