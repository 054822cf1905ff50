"""What the evaluation firms add to the lifecycle: acceptance starts only with a firm drawn (or picked) whose
firm and evaluators have declared no conflict."""
from procure.evaluators.conflicts import start_acceptance_reasons

GUARDS = {"start_acceptance": [start_acceptance_reasons]}
EFFECTS = {}
