"""What procurement adds to who may see a project and the parts a user plays in it (registered on
procure.projects.permissions by procure.stages): a provider's own bid, a seat on the bid evaluation panel."""
from sqlalchemy import select

from procure.accounts.models import Role
from procure.extensions import db
from procure.procurement.models import Bid
from procure.procurement.tenders import PanelMember
from procure.projects.models import Project
from procure.projects.permissions import PANEL_STATES, Records


def own_bid(user):
    if user.role == Role.provider:
        return Records(Bid.project_id, (Bid.provider_id == user.organisation_id,))
    return None


def on_panel(user):
    if user.role == Role.evaluator:
        return Records(PanelMember.project_id, (PanelMember.user_id == user.id,), (Project.state.in_(PANEL_STATES),))
    return None


def parts(user, project) -> set[str]:
    found = set()
    if user.role == Role.provider and db.session.scalar(select(Bid.id).filter_by(
            project_id=project.id, provider_id=user.organisation_id)):
        found.add("bidder")
    if user.role == Role.evaluator and project.state in PANEL_STATES and db.session.scalar(select(
            PanelMember.id).filter_by(project_id=project.id, user_id=user.id)):
        found.add("panel_member")
    return found


SEEN_BY = [own_bid, on_panel]
PARTS = [parts]
