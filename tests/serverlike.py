"""A test client whose requests end the way they end under gunicorn.

A test runs inside one app context. Flask reuses an active app context for a request, so without
this the request would share the test's database session, keep every object attached after the
view returned and never run the app context's teardown. Here each request runs in a fresh context
(its own app context and database session, removed when the request ends) and its body is consumed
after the view has returned, as a WSGI server does — so a streamed body that touches an object the
request has already let go fails in the suite as it fails in production.

The test's own session plays the part of another client: what it added is committed before the
request (a real client cannot see uncommitted rows either), and it re-reads after the request.
"""
import contextvars

from flask import has_app_context
from flask.testing import FlaskClient

from procure.extensions import db


class ServerLikeClient(FlaskClient):
    def open(self, *args, buffered=True, **kwargs):
        in_test = has_app_context()
        if in_test:
            db.session.commit()
        response = contextvars.Context().run(super().open, *args, buffered=buffered, **kwargs)
        if in_test:
            db.session.expire_all()
        return response
