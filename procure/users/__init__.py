"""The admin's user administration and everyone's API tokens."""
