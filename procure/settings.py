"""Settings checked at start-up: production refuses to run without the settings every machine behind a load
balancer must share, and no instance runs with a public base URL that is not an absolute http(s) address.
Without a shared SECRET_KEY each machine would invent its own and sessions would break from one request to the
next; without PUBLIC_BASE_URL links and QR codes would have nothing but the Host header to start from."""
from urllib.parse import urlsplit

# What production cannot run without, and what to set it to.
REQUIRED_IN_PRODUCTION = {
    "SECRET_KEY": "the key that signs sessions, the same on every machine "
                  "(python3 -c 'import secrets; print(secrets.token_hex(32))')",
    "PUBLIC_BASE_URL": "the address the public reaches the site at, such as https://procure.example.gov.cn",
}
LOG_FORMATS = ("text", "json")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class SettingsError(RuntimeError):
    """A setting is missing or malformed: the application does not start."""


def apply(app, production: bool) -> None:
    """Check the settings and complete those that have a default outside production; raise SettingsError
    naming the first setting that is wrong."""
    from config import secret_key, served_address

    config = app.config
    if production:
        missing = [name for name in REQUIRED_IN_PRODUCTION if not config.get(name)]
        if missing:
            raise SettingsError("; ".join(f"{name} is not set: {REQUIRED_IN_PRODUCTION[name]}" for name in missing)
                                + " (PROCURE_ENV=production refuses to start without it)")
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = secret_key()
    config["PUBLIC_BASE_URL"] = checked_base_url(config.get("PUBLIC_BASE_URL") or served_address())
    hosts = config.get("TRUSTED_HOSTS")
    if isinstance(hosts, str):
        config["TRUSTED_HOSTS"] = [host.strip() for host in hosts.split(",") if host.strip()] or None
    if config.get("LOG_FORMAT", "text") not in LOG_FORMATS:
        raise SettingsError(f"LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}, not {config['LOG_FORMAT']!r}")
    level = str(config.get("LOG_LEVEL", "INFO")).upper()
    if level not in LOG_LEVELS:
        raise SettingsError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, not {config['LOG_LEVEL']!r}")
    config["LOG_LEVEL"] = level


def checked_base_url(value: str) -> str:
    """`value` without its trailing slash, or SettingsError when it is not an absolute http(s) URL of a host
    (a path prefix is allowed; a query, a fragment or credentials are not)."""
    def refuse(reason):
        raise SettingsError(f"PUBLIC_BASE_URL must be an absolute http(s) URL such as "
                            f"https://procure.example.gov.cn: {value!r} {reason}")

    if not isinstance(value, str) or value != value.strip() or any(ord(c) < 33 or c == "\x7f" for c in value):
        refuse("holds spaces or control characters")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https"):
        refuse("does not start with http:// or https://")
    if not parts.hostname:
        refuse("names no host")
    if parts.username is not None or parts.password is not None:
        refuse("holds credentials")
    if parts.query or parts.fragment or "?" in value or "#" in value:
        refuse("holds a query or a fragment")
    try:
        parts.port
    except ValueError:
        refuse("holds an invalid port")
    return value.rstrip("/")
