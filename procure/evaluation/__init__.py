"""Conflict declarations, scores and payments."""
