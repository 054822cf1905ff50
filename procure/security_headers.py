"""The security headers every response carries (pages, the API, PDFs, exports, downloads, static files, errors).

The Content-Security-Policy allows scripts, styles, fonts and images from this site only (and `data:` images:
the QR codes of survey slips and posters), no inline script and no inline style (no `<script>` without `src`,
no `<style>`, no `style="…"`, no `on…=` handler), no plugins, no `<base>`, forms posting to this site only,
and no page of the site inside a frame of any other (or of itself). A template that really needs an inline
`<script>` or `<style>` element writes `nonce="{{ csp_nonce() }}"` on it: the policy of that response then
names the nonce (a fresh one per response; nothing is added when no template asked for one).

A view may set a stricter policy of its own (a download: `default-src 'none'; sandbox`) or its own
Referrer-Policy (the survey page: `no-referrer`); those are kept. HSTS is sent when HSTS_SECONDS is more than
0 (the production configuration: a year); browsers heed it only on a response that came over HTTPS."""
import secrets

from flask import request

# Directive by directive; the nonce, when a template asked for one, is added to script-src and style-src.
POLICY = (
    ("default-src", "'none'"),
    ("script-src", "'self'"),
    ("style-src", "'self'"),
    ("img-src", "'self' data:"),
    ("font-src", "'self'"),
    ("connect-src", "'self'"),
    ("manifest-src", "'self'"),
    ("form-action", "'self'"),
    ("frame-ancestors", "'none'"),
    ("base-uri", "'none'"),
    ("object-src", "'none'"),
)
# Powerful browser features no page of the site uses: refused to the site and to anything it could embed.
PERMISSIONS = ("accelerometer", "autoplay", "camera", "display-capture", "encrypted-media", "geolocation",
               "gyroscope", "magnetometer", "microphone", "midi", "payment", "publickey-credentials-get",
               "screen-wake-lock", "serial", "usb", "xr-spatial-tracking")
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in PERMISSIONS)
# Links to other sites are told nothing of the page they were on; pages of the site see the whole address
# (a refused form goes back to the page it was sent from).
REFERRER_POLICY = "same-origin"


NONCE_KEY = "procure.csp_nonce"  # kept in the request's WSGI environment: one nonce per request, never shared


def csp_nonce() -> str:
    """This response's nonce for an inline `<script>` or `<style>` element (made on first use)."""
    return request.environ.setdefault(NONCE_KEY, secrets.token_urlsafe(18))


def content_security_policy(nonce: str | None = None) -> str:
    directives = []
    for name, value in POLICY:
        if nonce and name in ("script-src", "style-src"):
            value = f"{value} 'nonce-{nonce}'"
        directives.append(f"{name} {value}")
    return "; ".join(directives)


def hsts_value(seconds: int, include_subdomains: bool) -> str:
    return f"max-age={seconds}" + ("; includeSubDomains" if include_subdomains else "")


def register(app):
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", content_security_policy(request.environ.get(NONCE_KEY)))
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")  # frame-ancestors 'none' for browsers without CSP 2
        headers.setdefault("Referrer-Policy", REFERRER_POLICY)
        headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        seconds = app.config.get("HSTS_SECONDS", 0)
        if seconds > 0:
            headers.setdefault("Strict-Transport-Security",
                               hsts_value(seconds, app.config.get("HSTS_INCLUDE_SUBDOMAINS", False)))
        return response
