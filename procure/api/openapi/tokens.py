"""Bearer tokens (procure.api.tokens) in the OpenAPI document."""
from procure.api.openapi.operation import ok, op
from procure.api.openapi.schema import integer, obj, ref, string


def schemas() -> dict:
    return {
        "TokenRequest": obj({"username": string(), "password": string("password")}),
        "Token": obj({"token": string(), "expires_in": integer(description="有效秒数 / lifetime in seconds")}),
    }


def paths() -> dict:
    return {
        "/tokens": {"post": op(
            "createToken", "获取访问令牌 / Get a bearer token", "tokens", ok(ref("Token"), "令牌 / the token", 201),
            body="TokenRequest", fails=(400, 401), public=True,
            description="用户名或密码错误（或不是字符串）时返回 401 / 401 for a wrong or non-string username or password.")},
    }
