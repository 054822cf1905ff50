"""What delivery adds to the lifecycle: completion is reported once every milestone is; a reward-form
project's community claims completion itself and is its own implementer."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists

from procure.errors import Reason
from procure.extensions import db
from procure.lifecycle import funding_form_is
from procure.procurement.models import Contract, Milestone, MilestoneReport


def milestones_reported(project, data=None):
    missing = db.session.scalars(  # one statement (a desk checks this for each project it lists)
        db.select(Milestone.name).join(Contract, Contract.id == Milestone.contract_id)
        .where(Contract.project_id == project.id, ~exists().where(MilestoneReport.milestone_id == Milestone.id))
        .order_by(Milestone.position)).all()
    if missing:
        return [Reason("milestones_unreported", _l("以下节点尚未报告：%(names)s"), names="、".join(missing))]
    return []


def _report_completion(project, user, data):
    project.completion_summary = data["summary"]


def _claim_completion(project, user, data):
    project.completion_summary = data["summary"]
    project.implementer_id = project.community_id


GUARDS = {"report_completion": [milestones_reported],
          "claim_completion": [funding_form_is("reward", "not_reward", _l("只有项目奖励方式才能申报完成"))]}
EFFECTS = {"report_completion": [_report_completion], "claim_completion": [_claim_completion]}
