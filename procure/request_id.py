"""A request id on every request, so an operator can find a user's failed request in the logs: taken from the
incoming X-Request-ID when it is well-formed (a proxy or load balancer in front may have set it), otherwise
generated; sent back in the X-Request-ID response header, written on every log line emitted while the request
is served (procure/logs.py) and shown on the error pages."""
import re
import uuid

from flask import has_request_context, request

HEADER = "X-Request-ID"
ENVIRON_KEY = "procure.request_id"
# Short and harmless wherever it is written (a header, a log line, a page): letters, digits and . _ : -
WELL_FORMED = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")


def of_environ(environ) -> str:
    """The id of the request with this WSGI environment, decided on first use and kept with the request."""
    value = environ.get(ENVIRON_KEY)
    if value is None:
        incoming = environ.get("HTTP_X_REQUEST_ID", "")
        value = incoming if WELL_FORMED.fullmatch(incoming) else uuid.uuid4().hex
        environ[ENVIRON_KEY] = value
    return value


def current() -> str | None:
    """This request's id, or None outside a request (a CLI command, a job)."""
    return of_environ(request.environ) if has_request_context() else None


def register(app):
    app.jinja_env.globals["request_id"] = current

    @app.after_request
    def send_request_id(response):
        response.headers[HEADER] = current()
        return response
