"""What every response must carry (issue 15, item 5), read the way a browser reads it: the security headers,
and, in a page, no script or style the Content-Security-Policy would block (an inline `<script>` or `<style>`
without this response's nonce, a `style="…"` attribute, an `on…=` handler, a `javascript:` address).
Used by tests/security (in-process, on SQLite and PostgreSQL) and tests/live (the demo served by gunicorn)."""
from html.parser import HTMLParser

# The directives the policy must hold exactly (the nonce aside); anything weaker is a finding.
REQUIRED = {"default-src": "'none'", "script-src": "'self'", "style-src": "'self'", "object-src": "'none'",
            "base-uri": "'none'", "form-action": "'self'", "frame-ancestors": "'none'"}
# A download (an uploaded file) is never rendered by the site: its own policy allows nothing at all.
DOWNLOAD_POLICY = "default-src 'none'; sandbox"
WEAKENERS = ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "http:", "https:")


def policy(headers) -> dict[str, list[str]]:
    found = {}
    for directive in (headers.get("Content-Security-Policy") or "").split(";"):
        name, *values = directive.split()
        if name:
            found[name.lower()] = values
    return found


def nonce_of(headers) -> str | None:
    for value in policy(headers).get("script-src", []) + policy(headers).get("style-src", []):
        if value.startswith("'nonce-") and value.endswith("'"):
            return value[len("'nonce-"):-1]
    return None


def header_problems(headers) -> list[str]:
    """What is missing or weak among a response's security headers (empty: all is well)."""
    problems = []
    csp = headers.get("Content-Security-Policy")
    if not csp:
        problems.append("no Content-Security-Policy")
    elif csp != DOWNLOAD_POLICY:
        directives = policy(headers)
        for name, value in REQUIRED.items():
            values = [v for v in directives.get(name, []) if not v.startswith("'nonce-")]
            if values != [value]:
                problems.append(f"CSP {name} is {' '.join(directives.get(name, [])) or 'missing'}")
        weak = [v for values in directives.values() for v in values if v in WEAKENERS]
        if weak:
            problems.append(f"CSP allows {weak}")
    expected = {"X-Content-Type-Options": ("nosniff",), "X-Frame-Options": ("DENY",),
                "Referrer-Policy": ("same-origin", "no-referrer")}
    for name, allowed in expected.items():
        if headers.get(name) not in allowed:
            problems.append(f"{name} is {headers.get(name)!r}")
    permissions = headers.get("Permissions-Policy") or ""
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        if f"{feature}=()" not in permissions:
            problems.append(f"Permissions-Policy does not refuse {feature}")
    return problems


class _InlineCode(HTMLParser):
    def __init__(self, nonce):
        super().__init__(convert_charrefs=True)
        self.nonce, self.found = nonce, []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…> (an inline event handler)")
            elif name == "style":
                self.found.append(f"<{tag} style=\"{value}\"> (an inline style attribute)")
            elif name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith(
                    "javascript:"):
                self.found.append(f"<{tag} {name}=\"{value}\"> (a javascript: address)")
        needs_nonce = (tag == "script" and not values.get("src")) or tag == "style"
        if needs_nonce and (not self.nonce or values.get("nonce") != self.nonce):
            self.found.append(f"<{tag}> inline without this response's nonce")
        if tag == "script" and values.get("src") and "//" in values["src"]:
            self.found.append(f"<script src=\"{values['src']}\"> from another site")
        if tag == "link" and "stylesheet" in (values.get("rel") or "") and "//" in (values.get("href") or ""):
            self.found.append(f"<link href=\"{values['href']}\"> a stylesheet from another site")

    handle_startendtag = handle_starttag


def inline_code_problems(html: str, headers) -> list[str]:
    """The script and style in a page the response's Content-Security-Policy would block."""
    parser = _InlineCode(nonce_of(headers))
    parser.feed(html)
    parser.close()
    return parser.found
