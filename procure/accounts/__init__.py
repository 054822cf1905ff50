"""Accounts: organisations, users, login."""
