"""What acceptance adds to the lifecycle: the guards of rectification and acceptance, and what starting,
rectifying, resubmitting and accepting write (all in procure.acceptance.operations)."""
from procure.acceptance.operations import (accept_reasons, on_accept, on_request_rectification, on_resubmit,
                                           on_start_acceptance, rectification_reasons)

GUARDS = {"request_rectification": [rectification_reasons], "accept": [accept_reasons]}
EFFECTS = {"start_acceptance": [on_start_acceptance], "request_rectification": [on_request_rectification],
           "resubmit_for_acceptance": [on_resubmit], "accept": [on_accept]}
