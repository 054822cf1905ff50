"""What the evaluation firms add to who may see a project and the parts a user plays in it (registered on
procure.projects.permissions by procure.stages): a firm invited to declare, and the assigned firm's staff."""
from sqlalchemy import select

from procure.accounts.models import Role
from procure.evaluators.models import ConflictDeclaration, PersonalDeclaration
from procure.extensions import db
from procure.projects.permissions import Records


def invited(user):
    if user.role == Role.evaluator:
        return Records(ConflictDeclaration.project_id,
                       (ConflictDeclaration.evaluator_org_id == user.organisation_id,))
    return None


def parts(user, project) -> set[str]:
    found = set()
    if user.role != Role.evaluator:
        return found
    org = user.organisation
    if project.evaluator_org_id == org.id:
        # A user of the assigned firm acts on the project once they declared no conflict themself;
        # one who declared a conflict is recused.
        own = db.session.scalar(select(PersonalDeclaration.has_conflict).filter_by(
            project_id=project.id, user_id=user.id))
        if own is not True:
            found.add("firm_member")
        if own is False:
            found.add("assigned_evaluator")
    if db.session.scalar(select(ConflictDeclaration.id).filter_by(project_id=project.id, evaluator_org_id=org.id)):
        found.add("invited_evaluator")
    return found


SEEN_BY = [invited]
PARTS = [parts]
