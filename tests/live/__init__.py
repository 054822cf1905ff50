"""Tests against the app served the way production serves it: a package, so that its conftest does not shadow
tests/conftest.py as module `conftest`."""
