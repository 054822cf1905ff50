"""Performance evaluation operations (stub: the performance helper writes them)."""


def open_evaluation(project, user):
    pass


def on_evaluate(project, user, data):
    pass


def evaluate_reasons(project, data):
    return []


def close_reasons(project, data):
    return []
