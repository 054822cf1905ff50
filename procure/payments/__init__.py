"""Payments: what may be paid on a project (ceiling, the final instalment by grade) and recording it."""
