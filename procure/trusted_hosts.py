"""TRUSTED_HOSTS: a request naming another host gets a plain 400, never a 500.

Flask (3.1) checks the Host header against TRUSTED_HOSTS while it sets the request up and keeps the refusal as
the request's routing exception; the request then goes on without a URL adapter, and anything that reads
request.host or builds a URL (the error page does) would fail again. This hook runs before every other one and
answers at once, without a template. The health checks answer whatever host a probe names."""
from flask import Response, jsonify, request
from werkzeug.exceptions import SecurityError

from procure import probes, request_id

MESSAGE = "400 请求的主机名不受信任 / The host named in this request is not served here.\n请求编号 / Request ID: {}\n"
API_MESSAGE = "the host named in this request is not served here / 请求的主机名不受信任"


def register(app):
    @app.before_request
    def refuse_untrusted_host():
        if not isinstance(request.routing_exception, SecurityError):
            return None
        probe = probes.PROBES.get(request.path)
        if probe is not None and request.method in ("GET", "HEAD"):
            return probe()
        if request.path.startswith("/api/"):
            return jsonify({"error": "untrusted_host", "message": API_MESSAGE}), 400
        return Response(MESSAGE.format(request_id.current()), status=400, mimetype="text/plain")
