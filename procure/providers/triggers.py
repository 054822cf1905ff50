"""What the provider register adds to the lifecycle: only an eligible provider is awarded."""
from procure.providers.eligibility import award_eligibility

GUARDS = {"award": [award_eligibility]}
EFFECTS = {}
