"""Micro-projects and their lifecycle."""
