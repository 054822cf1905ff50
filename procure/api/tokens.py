"""POST /tokens: exchange a username and password for a bearer token."""
from flask import current_app, jsonify

from procure.accounts.passwords import authenticate
from procure.accounts.models import ApiToken
from procure.api import Unauthorized, bp, json_body
from procure.errors import InvalidInput
from procure.extensions import db


@bp.post("/tokens")
def create_token():
    payload = json_body()
    username, password = payload.get("username"), payload.get("password")
    mistyped = {name: ["must be a string / 须为字符串"] for name, value in (("username", username), ("password", password))
                if value is not None and not isinstance(value, str)}
    if mistyped:
        raise InvalidInput(mistyped)
    user = authenticate(username, password) if isinstance(username, str) and isinstance(password, str) else None
    if user is None:
        error = Unauthorized()
        error.message = "invalid username or password / 用户名或密码错误"
        raise error
    token = ApiToken.issue(user, current_app.config["API_TOKEN_HOURS"])
    db.session.commit()
    return jsonify({"token": token, "expires_in": current_app.config["API_TOKEN_HOURS"] * 3600}), 201
