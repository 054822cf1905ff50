"""POST /tokens: exchange a username and password for a bearer token."""
from flask import current_app, jsonify, request

from procure.accounts import throttle
from procure.accounts.passwords import authenticate
from procure.accounts.views import note_failed_login
from procure.accounts.models import ApiToken
from procure.api import Unauthorized, bp, json_body
from procure.errors import InvalidInput, Refusal
from procure.extensions import db


class PasswordChangeRequired(Refusal):
    status, code = 403, "password_change_required"
    message = ("the password was reset: sign in on the web and choose a new one first / "
               "密码已重置，请先登录网页修改密码")


@bp.post("/tokens")
def create_token():
    payload = json_body()
    username, password = payload.get("username"), payload.get("password")
    mistyped = {name: ["must be a string / 须为字符串"] for name, value in (("username", username), ("password", password))
                if value is not None and not isinstance(value, str)}
    if mistyped:
        raise InvalidInput(mistyped)
    wait = throttle.retry_after(username, request.remote_addr)
    if wait:
        return jsonify({"error": "too_many_attempts", "retry_after": wait,
                        "message": f"too many failed sign-ins: try again in {wait} seconds / "
                                   f"登录失败次数过多，请 {wait} 秒后再试"}), 429, {"Retry-After": str(wait)}
    user = (authenticate(username, password, disabled_too=True)
            if isinstance(username, str) and isinstance(password, str) else None)
    if user is None:
        note_failed_login(username)
    else:
        throttle.succeed(user.username)
    if user is None or not user.active:
        error = Unauthorized()
        error.message = ("invalid username or password / 用户名或密码错误" if user is None
                         else "this account is disabled / 该账号已停用")
        db.session.commit()  # a rehashed password is kept even when the answer is no
        raise error
    if user.must_change_password:
        db.session.commit()
        raise PasswordChangeRequired()
    token = ApiToken.issue(user, current_app.config["API_TOKEN_HOURS"])
    db.session.commit()
    return jsonify({"token": token, "expires_in": current_app.config["API_TOKEN_HOURS"] * 3600}), 201
