"""Absolute URLs, always from PUBLIC_BASE_URL and never from the request's Host header: a PDF's verification
link, an OCDS URI or a QR code points at the site the city publishes, whichever address the request came in
on (and CLI commands, which have no request, write the same links)."""
from flask import current_app


def public_base_url() -> str:
    """PUBLIC_BASE_URL without its trailing slash (procure/settings.py checked it at start-up)."""
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/")


def absolute_url(endpoint: str, **values) -> str:
    """The public address of `endpoint` with `values`, like url_for(..., _external=True) but built on
    PUBLIC_BASE_URL (its path prefix included) with or without a request."""
    app = current_app._get_current_object()
    app.inject_url_defaults(endpoint, values)
    path = app.url_map.bind("localhost", script_name="/").build(endpoint, values)
    return public_base_url() + path


def absolute_path(path: str) -> str:
    """The public address of a path of the site (`path` starts with "/", as request.path and
    request.full_path do)."""
    return public_base_url() + path
