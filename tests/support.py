"""Helpers the matrix, access, guard and API tests share: who plays which part in a project (said
from the story, not read back from procure.projects.permissions), valid input for each trigger,
and fast API calls with one token per user."""
from datetime import timedelta

from procure import clock
from procure.accounts.models import ApiToken
from procure.demo.journey import tender_terms
from procure.evaluators.models import ConflictDeclaration
from procure.extensions import db
from procure.procurement.models import Bid, Contract
from procure.procurement.panel import evaluation_of
from procure.providers.models import REQUIREMENTS, ProviderRequirement

USERNAMES = ["community", "community_b", "community_far", "reviewer", "bureau", "admin", "reviewer_far",
             "bureau_far", "provider", "provider2", "provider3", "evaluator", "evaluator2"]
ACCEPTANCE_STATES = {"under_acceptance", "rectification", "accepted", "evaluated", "closed"}
REWARD_CLAIMED_STATES = {"delivered"} | ACCEPTANCE_STATES


def contract_of(project):
    return db.session.scalar(db.select(Contract).filter_by(project_id=project.id))


def expected_parts(world, username, project) -> set[str]:
    """The parts `username` plays in `project`, as the lifecycle story tells it: the owning community,
    the reviewer and bureau covering its area, the implementer (contracted provider, subsidy implementer,
    or for the reward form the community itself once it has claimed completion) and the evaluation firm
    the bureau assigned at the start of acceptance."""
    user = world[username]
    parts = set()
    if username == "community":
        parts.add("community")
        if project.funding_form == "reward" and project.state in REWARD_CLAIMED_STATES:
            parts.add("implementer")
    if username in ("reviewer", "bureau"):
        parts.add(username)
    contract = contract_of(project)
    if user.role == "provider" and contract is not None and contract.implementer_id == user.organisation_id:
        parts.add("implementer")
    if username == "evaluator" and project.state in ACCEPTANCE_STATES:
        parts.add("assigned_evaluator")
    return parts


def expected_visible(world, username, project) -> bool:
    """Who can find the project at all (list and detail)."""
    user = world[username]
    if username in ("community", "reviewer", "bureau", "admin"):
        return True
    if user.role == "provider":
        bid = db.session.scalar(db.select(Bid.id).filter_by(project_id=project.id, provider_id=user.organisation_id))
        contract = contract_of(project)
        return project.state == "tendering" or bid is not None or (
            contract is not None and contract.implementer_id == user.organisation_id)
    if user.role == "evaluator":
        invited = db.session.scalar(db.select(ConflictDeclaration.id).filter_by(
            project_id=project.id, evaluator_org_id=user.organisation_id))
        # The journey's bid evaluation panel (evaluator, evaluator2) sees the project until the contract.
        on_panel = project.state == "awarded"
        return invited is not None or on_panel or (username == "evaluator" and project.state in ACCEPTANCE_STATES)
    return False


def valid_input(trigger, project, world) -> dict:
    """Well-formed data for `trigger` on `project` (guards may still refuse it)."""
    today = clock.today()
    start = today + timedelta(days=3)
    providers = world.providers
    if trigger == "approve":
        return {"approved_amount": str(project.requested_amount), "negative_list_checked": True, "comment": "同意"}
    if trigger in ("reject", "withdraw", "cancel", "terminate"):
        return {"reason": "理由"}
    if trigger == "return_for_revision":
        return {"comment": "请补充预算依据"}
    if trigger == "list_in_catalogue":
        return {"catalogue_year": today.year}
    if trigger == "open_tender":
        return {"method": "competitive_consultation", "bid_deadline": (clock.now() + timedelta(days=10)).isoformat(),
                **tender_terms()}
    if trigger == "award":
        top = evaluation_of(project).top if project.procurement_method else None
        bid = top or db.session.scalar(db.select(Bid).filter_by(project_id=project.id, status="submitted")
                                       .order_by(Bid.price))
        return {"bid_id": bid.id if bid else 1}
    if trigger == "sign_contract":
        bid = db.session.scalar(db.select(Bid).filter_by(project_id=project.id, status="awarded"))
        return {"amount": str(bid.price) if bid else "1000.00", "start": start.isoformat(),
                "end": (start + timedelta(days=200)).isoformat(),
                "milestones": [{"name": "中期", "percent": 40, "due": (start + timedelta(days=90)).isoformat()},
                               {"name": "完成", "percent": 60, "due": (start + timedelta(days=200)).isoformat()}],
                "signed_on": today.isoformat(), "service_content": "助餐配送", "quantity_targets": "服务120人",
                "quality_targets": "满意度90%以上", "deposit": "0.00", "no_subcontracting": True}
    if trigger == "sign_agreement":
        return {"implementer_org_id": providers[0].id, "amount": str(project.approved_amount or "1000.00"),
                "start": start.isoformat(), "end": (start + timedelta(days=200)).isoformat()}
    if trigger in ("report_completion", "claim_completion"):
        return {"summary": "已完成"}
    if trigger == "start_acceptance":
        return {"comment": "评估机构已抽取并声明无利益冲突"}
    if trigger == "request_rectification":
        return {"findings": "缺少台账", "deadline": (today + timedelta(days=10)).isoformat()}
    if trigger == "resubmit_for_acceptance":
        return {"response": "已补齐"}
    if trigger == "accept":
        return {"report": "验收合格"}
    if trigger == "evaluate":
        return {"findings": "服务规范，目标完成"}
    return {"comment": "说明"}


class Tokens:
    """One bearer token per user for a test: many calls without a token row each."""

    def __init__(self, client, world):
        self.client, self.world, self.tokens = client, world, {}

    def headers(self, username) -> dict:
        """A token valid now: issued again when the test's clock has moved out of its 12 hours."""
        token, issued = self.tokens.get(username, (None, None))
        now = clock.now()
        if token is None or not issued <= now < issued + timedelta(hours=11):
            token = ApiToken.issue(self.world[username], 12)
            db.session.commit()
            self.tokens[username] = (token, now)
        return {"Authorization": f"Bearer {token}"}

    def call(self, username, method, path, **kwargs):
        headers = {**self.headers(username), **kwargs.pop("headers", {})}
        return self.client.open("/api/v1" + path, method=method, headers=headers, **kwargs)

    def get(self, username, path, **kwargs):
        return self.call(username, "GET", path, **kwargs)

    def post(self, username, path, **kwargs):
        return self.call(username, "POST", path, **kwargs)


def reason_codes(response) -> list[str]:
    body = response.get_json()
    assert response.status_code == 422, (response.status_code, body)
    assert body["error"] == "guard_failed"
    assert all(isinstance(r["message"], str) and r["message"] for r in body["reasons"]), body
    return [r["code"] for r in body["reasons"]]


def login(client, username, password=None):
    """Sign the test client in through the login form (the world's password unless another is given)."""
    from conftest import PASSWORD

    return client.post("/login", data={"username": username, "password": password or PASSWORD})


def meet_requirements(org, bureau_user, verified_on):
    """Record every provider requirement of `org` as verified by `bureau_user` on `verified_on` (no file: the
    requirement tests upload and verify evidence themselves), so that it may bid and be awarded."""
    for requirement in REQUIREMENTS:
        db.session.add(ProviderRequirement(organisation_id=org.id, requirement=requirement, verified_on=verified_on,
                                           verified_by_id=bureau_user.id, updated_at=clock.now()))


def renew_requirements(orgs, on):
    """The bureau's yearly re-verification, for story worlds whose clock runs past PROVIDER_REQUIREMENT_VALID_DAYS."""
    for row in db.session.scalars(db.select(ProviderRequirement).where(
            ProviderRequirement.organisation_id.in_([org.id for org in orgs]))):
        row.verified_on = on
