"""The stages of the lifecycle, in the order their guards run and their effects apply. Each stage adds its own
guards and effects to the lifecycle core (procure.lifecycle), and what its records say about who may see a
project (procure.projects.permissions); the core knows none of them. create_app calls `register_stages` once
per app. Payments, the providers and the survey add no guards: other stages read them (procurement asks the
providers' eligibility); payments add the paid floor to a contract's amended amount, and read the community's
milestone confirmations (delivery) for the payment schedule; the performance evaluation adds who has priority
among equal bids (graded 优/良 the year before)."""
from procure import lifecycle
from procure.acceptance import triggers as acceptance
from procure.catalogue import triggers as catalogue
from procure.delivery import operations as delivery_operations
from procure.delivery import triggers as delivery
from procure.evaluators import relations as evaluator_relations
from procure.evaluators import triggers as evaluators
from procure.payments import operations as payments
from procure.performance_evaluation import track_record
from procure.payments import schedule as payment_schedule
from procure.performance_evaluation import triggers as performance_evaluation
from procure.procurement import contracts, panel
from procure.procurement import relations as procurement_relations
from procure.procurement import triggers as procurement
from procure.projects import permissions
from procure.projects import triggers as proposal

# Order matters where two stages add to one trigger: accepting records the acceptance before it opens the
# performance evaluation.
STAGES = (proposal, catalogue, procurement, delivery, evaluators, acceptance, performance_evaluation)
# The stages whose records make a user a party to a project: bidder, panel member, invited or assigned firm.
RELATIONS = (procurement_relations, evaluator_relations)


def register_stages():
    for stage in STAGES:
        lifecycle.register(stage.GUARDS, stage.EFFECTS)
    for stage in RELATIONS:
        permissions.register(stage.SEEN_BY, stage.PARTS)
    if payments.amount_below_paid not in contracts.AMOUNT_CHECKS:
        contracts.AMOUNT_CHECKS.append(payments.amount_below_paid)
    if track_record.priority_providers not in panel.PRIORITY_SOURCES:
        panel.PRIORITY_SOURCES.append(track_record.priority_providers)
    payment_schedule.register_confirmations(delivery_operations.confirmed_results)
