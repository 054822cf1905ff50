"""Demo data (to be written)."""


def load(password):
    return False
