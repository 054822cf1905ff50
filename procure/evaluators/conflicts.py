"""Conflicts of interest: declared by firms and their evaluators, and detected by the system."""


def start_acceptance_reasons(project, data):
    """Guard of `start_acceptance` (stub: the evaluators helper writes it)."""
    return []
