"""Refusals raised by operations; pages turn them into messages, the API into JSON bodies."""
from flask_babel import lazy_gettext as _l


class Refusal(Exception):
    status = 400
    code = "refused"
    message = _l("操作未能完成")

    def body(self) -> dict:
        return {"error": self.code, "message": str(self.message)}

    def headers(self) -> dict:
        """Headers the answer carries besides the body (e.g. Retry-After)."""
        return {}


class NotFound(Refusal):
    status, code, message = 404, "not_found", _l("找不到该记录，或您无权查看")


class Forbidden(Refusal):
    status, code, message = 403, "forbidden", _l("您的角色或所属机构无权执行此操作")


class InvalidTransition(Refusal):
    status, code, message = 409, "invalid_transition", _l("项目当前状态下不能执行此操作")


class StaleVersion(Refusal):
    status, code, message = 409, "stale_version", _l("项目已被他人修改，请刷新后重试")


class NotEditable(Refusal):
    status, code, message = 409, "not_editable", _l("项目当前状态下不能修改")


class Conflict(Refusal):
    status, code = 409, "conflict"

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class InvalidInput(Refusal):
    status, code, message = 400, "invalid_input", _l("输入有误，请检查标出的字段")

    def __init__(self, fields: dict):
        super().__init__(fields)
        self.fields = fields

    def body(self):
        return {**super().body(), "fields": self.fields}


class Reason:
    """Why a guard refuses: a stable code for machines and a message for people."""

    def __init__(self, code: str, message, **params):
        self.code, self._message, self.params = code, message, params

    @property
    def message(self) -> str:
        return str(self._message) % self.params if self.params else str(self._message)

    def as_dict(self):
        return {"code": self.code, "message": self.message}

    def __repr__(self):
        return f"<Reason {self.code}>"


class GuardFailed(Refusal):
    status, code, message = 422, "guard_failed", _l("条件未满足")

    def __init__(self, reasons: list[Reason]):
        super().__init__(reasons)
        self.reasons = reasons

    def body(self):
        return {**super().body(), "reasons": [r.as_dict() for r in self.reasons]}
