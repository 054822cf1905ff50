"""Who may see a project and who may act on it: denied unless a rule below allows it."""
from flask_babel import lazy_gettext as _l
from typing import NamedTuple

from sqlalchemy import ColumnElement, and_, exists, func, or_, select

from procure.accounts.models import Organisation, Role
from procure.codes import area_prefix
from procure.errors import Forbidden, GuardFailed, InvalidTransition, NotFound, Reason
from procure.extensions import db
from procure.projects.models import Project
from procure.projects.states import TRANSITIONS

# Where the implementer may ask to be paid for a milestone, and the bureau decide.
PAYING_STATES = {"in_delivery", "delivered", "under_acceptance", "rectification", "accepted", "evaluated"}
# Where a firm is drawn and declares: before acceptance, and after a recusal until the evaluation.
EVALUATOR_STATES = {"delivered", "under_acceptance", "rectification", "accepted"}
# Actions on a project's parts besides state changes: action → (states, relations).
ACTIONS = {
    "edit": ({"draft", "returned"}, {"community"}),
    "add_objection": ({"notice"}, {"community"}),
    "answer_objection": ({"notice"}, {"community"}),
    "submit_bid": ({"tendering"}, {"any_provider"}),
    "file_challenge": ({"awarded"}, {"bidder"}),
    "answer_challenge": ({"awarded"}, {"bureau"}),
    "report_milestone": ({"in_delivery"}, {"implementer"}),
    # Evaluation firms (procure.evaluators.operations): drawn or picked by hand, then declarations.
    "draw_evaluator": (EVALUATOR_STATES, {"bureau"}),
    "assign_evaluator": (EVALUATOR_STATES, {"bureau"}),
    "declare_conflict": (EVALUATOR_STATES, {"invited_evaluator"}),
    "declare_personal": (EVALUATOR_STATES, {"firm_member"}),
    "record_payment": ({"contracted", "in_delivery", "delivered", "under_acceptance", "rectification",
                        "accepted", "evaluated"}, {"bureau"}),
    # Delivery (procure.delivery.operations).
    "log_service": ({"in_delivery"}, {"implementer"}),
    "confirm_milestone": ({"in_delivery", "delivered"}, {"community"}),
    "request_payment": (PAYING_STATES, {"implementer"}),
    "decide_payment_request": (PAYING_STATES, {"bureau"}),
    # Contracts (procure.procurement.contracts); a terminated contract's project is cancelled.
    "publish_contract": ({"contracted", "in_delivery", "delivered", "under_acceptance", "rectification",
                          "accepted", "evaluated", "closed"}, {"bureau"}),
    "amend_contract": ({"contracted", "in_delivery", "delivered", "under_acceptance", "rectification"}, {"bureau"}),
    # Bid evaluation (procure.procurement.panel).
    "appoint_panel_member": ({"tendering"}, {"bureau"}),
    "declare_panel_conflict": ({"tendering"}, {"panel_member"}),
    "score_bid": ({"tendering"}, {"panel_member"}),
    "publish_award_notice": ({"awarded"}, {"bureau"}),
    # Performance evaluation (procure.performance_evaluation.operations): each party scores on its own sheet.
    "save_scores": ({"accepted"}, {"assigned_evaluator", "bureau", "community", "reviewer"}),
    "submit_scores": ({"accepted"}, {"assigned_evaluator", "bureau", "community", "reviewer"}),
    "explain_divergence": ({"accepted"}, {"assigned_evaluator"}),
    # Resident satisfaction survey (procure.survey.operations); results and comments are never public.
    "open_survey": ({"under_acceptance", "rectification", "accepted"}, {"community"}),
    "issue_survey_tokens": ({"under_acceptance", "rectification", "accepted"}, {"community"}),
    "close_survey": ({"under_acceptance", "rectification", "accepted"}, {"community"}),
    "view_survey_results": ({"under_acceptance", "rectification", "accepted", "evaluated", "closed", "cancelled"},
                            {"community", "bureau", "assigned_evaluator"}),
    "view_survey_comments": ({"under_acceptance", "rectification", "accepted", "evaluated", "closed", "cancelled"},
                             {"community", "bureau", "assigned_evaluator"}),
    # Acceptance (procure.acceptance.operations).
    "judge_item": ({"under_acceptance"}, {"assigned_evaluator"}),
    "add_checklist_item": ({"under_acceptance"}, {"assigned_evaluator"}),
    "record_site_visit": ({"under_acceptance", "rectification"}, {"assigned_evaluator"}),
    "confirm_acceptance": ({"under_acceptance"}, {"community", "reviewer"}),
}
# The community confirms the acceptance and fills the community's score sheet, except where it implements the
# project itself (a reward, or a subsidy agreement naming it): then the reviewer of its area, the street office
# (街道), does both, so that nobody accepts or scores their own work (community_voice below).
VOICED_ACTIONS = {"confirm_acceptance", "save_scores", "submit_scores"}
# A bid evaluation panel's members see the project while it is evaluated and until the contract.
PANEL_STATES = ("tendering", "awarded")

# What the stages add, registered by procure.stages, so that the core reads none of their records:
# each `seen(user)` returns the Records through which a provider or an evaluator may see more projects, or None;
SEEN_BY: list = []
# each `parts(user, project)` returns the parts the stage's records give the user (a bid: "bidder").
PARTS: list = []


class Records(NamedTuple):
    """Projects seen through records of theirs: the records' column naming the project, conditions on the records
    (a bid of the user's firm), and conditions on the project itself (in a state where the records count)."""
    project_id: ColumnElement
    where: tuple
    also: tuple = ()

    def condition(self, walk: bool):
        """As `Project.id IN (SELECT project_id FROM the records WHERE …)` when `walk` (a list walks from the
        records, through their index, however many projects there are), else as a correlated EXISTS (a project
        found another way, or a window of a few hundred rows, is checked with one index probe, never by
        collecting all of a firm's records first: a busy provider has bid on thousands of projects)."""
        if walk:
            found = Project.id.in_(select(self.project_id).where(*self.where))
        else:
            found = exists().where(self.project_id == Project.id, *self.where)
        return and_(found, *self.also)

    def project_ids(self, *found):
        """SELECT of the distinct projects these records name that also meet `found`: walked from the records,
        through their index, each project looked up by its key (for a count, in no order)."""
        return (select(self.project_id).join(Project, Project.id == self.project_id)
                .where(*self.where, *self.also, *found).distinct())

    def listing_condition(self):
        """The condition a list in the projects' own order reads best: walking from the records while they are
        fewer than DENSE (at most that many read and sorted), else down the list's order checking each project
        (a firm with that many records has one among every few projects). One bounded count decides."""
        many = db.session.scalar(select(func.count()).select_from(
            select(self.project_id).where(*self.where).limit(DENSE).subquery()))
        return self.condition(walk=many < DENSE)


DENSE = 2000  # a firm's records beyond which its list checks projects in order rather than collect them


def register(seen_by: list, parts: list) -> None:
    """Add a stage's visibility conditions and parts; adding the same function again changes nothing."""
    for table, added in ((SEEN_BY, seen_by), (PARTS, parts)):
        table.extend(function for function in added if function not in table)


def visible_projects(user):
    """A SELECT of the projects `user` may see."""
    query = select(Project)
    org = user.organisation
    if user.role == Role.admin:
        return query
    if user.role == Role.community:
        return query.where(Project.community_id == org.id)
    if user.role in (Role.reviewer, Role.bureau):
        inside = select(Organisation.id).where(
            Organisation.division_code.startswith(area_prefix(org.division_code)))
        return query.where(Project.community_id.in_(inside))
    return query.where(or_(*visible_parts(user, walk=False)))


def visible_parts(user, walk: bool = True) -> list:
    """For a provider or an evaluation firm's user, the conditions any of which lets them see a project: for a
    list (`walk`), each as that list reads it best through its own index (procure.projects.list_pages); else
    each checked on a project found another way."""
    if user.role not in (Role.provider, Role.evaluator):
        return [False]
    found = [seen(user) for seen in SEEN_BY]
    return _own_conditions(user) + [records.listing_condition() if walk else records.condition(walk=False)
                                    for records in found if records is not None]


def _own_conditions(user) -> list:
    """A provider's or a firm's ways to see a project that its columns say: open tenders, its own contracts, the
    evaluations it was drawn for."""
    org = user.organisation
    if user.role == Role.provider:
        return [Project.state == "tendering", Project.implementer_id == org.id]
    return [Project.evaluator_org_id == org.id] if user.role == Role.evaluator else []


def visible_id_queries(user, found) -> list:
    """For a provider or an evaluation firm's user, a SELECT of project ids per way they may see a project, each
    meeting `found` (conditions on Project) and each read through its own index: the projects' columns, or the
    records' (a count over them stops at its cap without walking every project)."""
    records = [seen(user) for seen in SEEN_BY]
    return ([select(Project.id).where(condition, *found) for condition in _own_conditions(user)]
            + [found_by.project_ids(*found) for found_by in records if found_by is not None])


def get_visible(user, project_id, *, for_update=False) -> Project:
    """The project if `user` may see it; NotFound otherwise (never a hint that it exists)."""
    query = visible_projects(user).where(Project.id == project_id)
    if for_update:
        # OF projects: the eager-joined community sits on the nullable side of an outer join,
        # which PostgreSQL refuses to lock.
        query = query.with_for_update(of=Project)
    project = db.session.scalar(query) if isinstance(project_id, int) else None
    if project is None:
        raise NotFound()
    return project


def relations(user, project) -> set[str]:
    """The parts `user` plays in `project`: the names the permission tables grant actions to."""
    org, role, found = user.organisation, user.role, set()
    if role == Role.community and project.community_id == org.id:
        found.add("community")
    if role in (Role.reviewer, Role.bureau) and org.covers(project.community):
        found.add(role)
    if role in (Role.provider, Role.community) and project.implementer_id == org.id:
        found.add("implementer")
    if role == Role.provider:
        found.add("any_provider")
    for parts in PARTS:
        found |= parts(user, project)
    return found


def may_fire(user, project, trigger, parts=None) -> bool:
    _, _, roles = TRANSITIONS[trigger]
    return bool(roles & (relations(user, project) if parts is None else parts))


def authorize_trigger(user, project, trigger):
    """Role and record first (403), then whether the state allows the trigger (409)."""
    sources, _, _ = TRANSITIONS[trigger]
    if not may_fire(user, project, trigger):
        raise Forbidden()
    if project.state not in sources:
        raise InvalidTransition()


def community_voice(project) -> str:
    """The part that speaks for the community in acceptance and evaluation: `community`, or `reviewer` (the
    street office covering it) where the community is the project's implementer."""
    if project.implementer_id is not None and project.implementer_id == project.community_id:
        return "reviewer"
    return "community"


def may_act(project, action, parts) -> bool:
    """Whether these parts allow the action in the project's state (the community's voice included)."""
    states, allowed = ACTIONS[action]
    if action in VOICED_ACTIONS:
        allowed = allowed - ({"community", "reviewer"} - {community_voice(project)})
    return project.state in states and bool(allowed & parts)


def authorize_action(user, project, action, wrong_state=InvalidTransition):
    """Role and record first (403), then whether the project's state allows the action (409). A community
    acting on its own work where the street office speaks for it is a 422 with its reason."""
    states, allowed = ACTIONS[action]
    parts = relations(user, project)
    if not allowed & parts:
        raise Forbidden()
    own_work = False
    if action in VOICED_ACTIONS:
        others = allowed - {"community", "reviewer"}
        if community_voice(project) not in parts and not others & parts:
            if "community" not in parts:
                raise Forbidden()
            own_work = True
    if project.state not in states:
        raise wrong_state()
    if own_work:
        raise GuardFailed([Reason("community_is_implementer",
                                  _l("本项目由社区自行实施，验收确认和社区评分须由所在街道（审核人员）办理"))])
