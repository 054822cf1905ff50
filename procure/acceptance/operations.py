"""Acceptance operations (stub: the acceptance helper writes them)."""


def on_start_acceptance(project, user, data):
    pass


def on_request_rectification(project, user, data):
    pass


def on_resubmit(project, user, data):
    pass


def on_accept(project, user, data):
    project.acceptance_report = data["report"]


def rectification_reasons(project, data):
    return []


def accept_reasons(project, data):
    return []
