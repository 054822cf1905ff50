"""What procurement adds to the lifecycle: its guards (procure.procurement.guards), and what opening the
tender, the award, signing a contract or a subsidy agreement, and terminating write."""
from decimal import Decimal

from flask import current_app

from procure import clock
from procure.extensions import db
from procure.procurement import guards
from procure.procurement.contracts import terminate
from procure.procurement.models import Bid, Contract, Milestone
from procure.procurement.tenders import Tender, TenderCriterion
from procure.projects.inputs import SCORED_METHODS


def _open_tender(project, user, data):
    project.procurement_method = data["method"]
    project.bid_deadline = data["bid_deadline"]
    project.single_source_justification = data["justification"] or None
    weight = data["price_weight"] if data["price_weight"] is not None else current_app.config["BID_PRICE_WEIGHT"]
    criteria = data["criteria"] if data["method"] in SCORED_METHODS else []  # lowest price wins otherwise
    tender = db.session.scalar(db.select(Tender).filter_by(project_id=project.id)) or Tender(project_id=project.id)
    tender.requirements, tender.price_weight, tender.published_at = data["requirements"], weight, clock.now()
    tender.bid_deposit = data["bid_deposit"] or Decimal("0.00")
    tender.criteria = [TenderCriterion(position=i, name=c["name"], description=c["description"] or "",
                                       max_points=c["max_points"]) for i, c in enumerate(criteria)]
    db.session.add(tender)


def _award(project, user, data):
    db.session.get(Bid, data["bid_id"]).status = "awarded"
    project.awarded_at = clock.now()


def _text_terms(data) -> dict:
    return {name: data[name].strip() for name in ("rights_obligations", "breach_liability", "dispute_resolution")}


def _sign_contract(project, user, data):
    bid = db.session.scalar(db.select(Bid).filter_by(project_id=project.id, status="awarded"))
    contract = Contract(project_id=project.id, kind="contract", implementer_id=bid.provider_id,
                        amount=data["amount"], start_date=data["start"], end_date=data["end"],
                        multi_year=data["multi_year"], signed_at=clock.now(), signed_on=data["signed_on"],
                        advance_percent=data["advance_percent"] or 0,
                        service_content=data["service_content"], quantity_targets=data["quantity_targets"],
                        quality_targets=data["quality_targets"], deposit=data["deposit"] or Decimal("0.00"),
                        no_subcontracting=data["no_subcontracting"], version=1, **_text_terms(data))
    contract.milestones = [Milestone(position=i, name=m["name"], percent=m["percent"], due=m["due"])
                           for i, m in enumerate(data["milestones"])]
    db.session.add(contract)
    project.implementer_id = bid.provider_id


def _sign_agreement(project, user, data):
    """The agreement takes the subsidy's payment schedule of the settings as they stand when it is signed."""
    advance = current_app.config["SUBSIDY_ADVANCE_PERCENT"]
    final = min(current_app.config["SUBSIDY_FINAL_PERCENT"], 100 - advance)
    db.session.add(Contract(project_id=project.id, kind="agreement", implementer_id=data["implementer_org_id"],
                            amount=data["amount"], advance_percent=advance, final_percent=final,
                            start_date=data["start"], end_date=data["end"], signed_at=clock.now(), **_text_terms(data)))
    project.implementer_id = data["implementer_org_id"]


# The award checks the bids before the winner's eligibility.
GUARDS = {"open_tender": [guards.tender_checks], "award": [guards.award_checks, guards.award_eligibility],
          "sign_contract": [guards.contract_checks], "sign_agreement": [guards.agreement_checks],
          "terminate": [guards.contract_to_end]}
EFFECTS = {"open_tender": [_open_tender], "award": [_award], "sign_contract": [_sign_contract],
           "sign_agreement": [_sign_agreement], "terminate": [terminate]}
