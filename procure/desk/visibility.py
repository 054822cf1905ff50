"""Who may read which audit entry: entries about sealed bids and other firms' declarations are hidden
like the records themselves. Pages and the API both filter timelines through here."""
from procure import clock
from procure.accounts.models import Role

# Bids are sealed until the deadline: entries about them follow the bids' own rule.
SEALED_ACTIONS = {"submit_bid", "revise_bid", "withdraw_bid"}
DECLARATION_ACTIONS = {"declare_conflict", "declare_personal", "recuse_evaluator"}
# Draws are public with the acceptance (procure.evaluators.operations.PUBLIC_DRAW_STATES).
DRAW_ACTIONS = {"draw_evaluator", "assign_evaluator"}
# The bid evaluation panel's names stay with the bureau and each member (procure.procurement.panel).
PANEL_ACTIONS = {"appoint_panel_member", "declare_panel_conflict", "score_bid"}
# A performance score sheet stays with its party until every party has submitted (procure.performance_evaluation).
SCORE_SHEET_ACTIONS = {"save_scores", "submit_scores"}


def entry_visible(user, entry, project, revealed=None) -> bool:
    """Entries about bids are sealed like the bids; an evaluation firm sees only its own declarations. `revealed`:
    the ids of projects whose score sheets are all submitted, when the caller read them for many entries at once
    (procure.performance_evaluation.operations.revealed_among)."""
    if entry.action in SEALED_ACTIONS or (entry.action == "upload_attachment"
                                          and (entry.data or {}).get("kind") == "bid"):
        if user.role == Role.provider and entry.organisation_id == user.organisation_id:
            return True
        deadline_passed = project.bid_deadline is not None and clock.now() > project.bid_deadline
        return deadline_passed and user.role in (Role.bureau, Role.admin)
    if entry.action in SCORE_SHEET_ACTIONS:
        from procure.performance_evaluation.operations import party_of, scores_revealed

        if revealed is not None:
            return project.id in revealed or (entry.data or {}).get("party") == party_of(user, project)
        return (entry.data or {}).get("party") == party_of(user, project) or scores_revealed(project)
    if entry.action in PANEL_ACTIONS:
        return user.role in (Role.bureau, Role.admin) or entry.user_id == user.id
    if entry.action in DRAW_ACTIONS:
        from procure.evaluators.operations import draws_visible

        return draws_visible(user, project, None)
    if user.role == Role.evaluator and entry.action in DECLARATION_ACTIONS:
        return entry.organisation_id == user.organisation_id
    return True
