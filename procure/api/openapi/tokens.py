"""Bearer tokens (procure.api.tokens) in the OpenAPI document."""
from procure.api.openapi.operation import ok, op
from procure.api.openapi.schema import JSON, integer, obj, ref, string


def schemas() -> dict:
    return {
        "TokenRequest": obj({"username": string(), "password": string("password")}),
        "Token": obj({"token": string(), "expires_in": integer(description="有效秒数 / lifetime in seconds")}),
    }


def paths() -> dict:
    create = op(
        "createToken", "获取访问令牌 / Get a bearer token", "tokens", ok(ref("Token"), "令牌 / the token", 201),
        body="TokenRequest", fails=(400, 401, 403), public=True,
        description="用户名或密码错误（或不是字符串）、账号已停用时返回 401；密码已重置、须先在网页上修改时返回 403 "
                    "（password_change_required）。登出、修改或重置密码、停用账号后，该用户此前的令牌全部失效 / "
                    "401 for a wrong or non-string username or password, or a disabled account; 403 "
                    "(password_change_required) when the password was reset and must first be changed on the web. "
                    "Logging out, changing or resetting the password and disabling the user end all of that "
                    "user's earlier tokens.")
    create["responses"]["429"] = {
        "description": "失败登录过多（每账号、每地址，页面与接口合计）：Retry-After 秒后再试 / too many failed sign-ins "
                       "for this account or address (page and API together): try again after Retry-After seconds",
        "headers": {"Retry-After": {"schema": integer()}},
        "content": {JSON: {"schema": obj({"error": {"type": "string", "enum": ["too_many_attempts"]},
                                          "message": string(), "retry_after": integer()})}}}
    return {"/tokens": {"post": create}}
