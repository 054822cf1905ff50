"""What the performance evaluation adds to the lifecycle: acceptance opens it; evaluating needs every sheet
and explanation, closing the final payment by grade (all in procure.performance_evaluation.operations)."""
from procure.performance_evaluation.operations import close_reasons, evaluate_reasons, on_evaluate, open_evaluation


def _open_evaluation(project, user, data):
    open_evaluation(project, user)


GUARDS = {"evaluate": [evaluate_reasons], "close": [close_reasons]}
EFFECTS = {"accept": [_open_evaluation], "evaluate": [on_evaluate]}
