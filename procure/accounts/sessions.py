"""Signed-cookie sessions that end: each carries its user's session generation, when it began and when it was
last used; a newer generation, a disabled user, SESSION_IDLE_MINUTES without a request or SESSION_ABSOLUTE_HOURS
since login end it."""
import secrets

from flask import current_app, has_request_context, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_login import login_user

from procure import clock

# What the language switch keeps across a login; everything else in the cookie starts afresh.
_KEPT = ("lang",)
# Write "last seen" back at most this often (each write re-sends the cookie).
_SEEN_GRANULARITY_SECONDS = 30


def begin(user):
    """Sign `user` in with a new session: nothing of the cookie before the login survives (session
    fixation), and it carries the user's current generation."""
    kept = {key: session[key] for key in _KEPT if key in session}
    session.clear()
    session.update(kept)
    login_user(user)
    moment = clock.now().timestamp()
    session.update(sid=secrets.token_urlsafe(16), gen=user.session_generation, since=moment, seen=moment)


def end():
    """Forget the signed-in user in this cookie (the language stays)."""
    kept = {key: session[key] for key in _KEPT if key in session}
    session.clear()
    session.update(kept)


def still_valid(user) -> bool:
    """Whether this request's session may go on as `user`; refreshes its last-seen time when it may."""
    if user is None or not user.active or session.get("gen") != user.session_generation:
        return False
    since, seen = session.get("since"), session.get("seen")
    if not isinstance(since, (int, float)) or not isinstance(seen, (int, float)):
        return False
    now = clock.now().timestamp()
    cfg = current_app.config
    if now - since >= cfg["SESSION_ABSOLUTE_HOURS"] * 3600 or now - seen >= cfg["SESSION_IDLE_MINUTES"] * 60:
        return False
    if now - seen >= _SEEN_GRANULARITY_SECONDS:
        session["seen"] = now
    return True


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie, marked Secure whenever the request came over HTTPS (SESSION_COOKIE_SECURE "auto")."""

    def get_cookie_secure(self, app) -> bool:
        mode = app.config.get("SESSION_COOKIE_SECURE_MODE", "auto")
        if mode == "auto":
            return has_request_context() and request.is_secure
        return mode == "1"
