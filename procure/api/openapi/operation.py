"""One OpenAPI operation: summary, tag, body, parameters and responses (standard errors, 409s and 422s)."""
from procure.api.openapi.schema import JSON, ref

PROJECT = "/projects/{project_id}"

STANDARD = {400: "InvalidInput", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound", 413: "TooLarge"}


def ok(schema: dict, description="成功 / OK", status=200) -> tuple:
    return status, {"description": description, "content": {JSON: {"schema": schema}}}


def conflict(codes) -> dict:
    listed = "、".join(codes)
    return {"description": f"与项目当前状态冲突 / conflicts with the project's state: {listed}",
            "content": {JSON: {"schema": {"allOf": [ref("Error"), {"properties": {"error": {"enum": list(codes)}}}]}}}}


def guard_failed(codes) -> dict:
    listed = ", ".join(f"`{c}`" for c in codes)
    return {"description": f"条件未满足（guard_failed）/ conditions not met. 原因代码 / reason codes: {listed}",
            "x-reason-codes": list(codes), "content": {JSON: {"schema": ref("GuardFailedError")}}}


def op(op_id, summary, tag, success, *, body=None, params=(), fails=(), conflicts=(), reasons=None,
       public=False, description=None) -> dict:
    """One operation: `fails` lists the plain error statuses; 401 is added unless public."""
    status, response = success
    operation = {"operationId": op_id, "summary": summary, "tags": [tag]}
    if description:
        operation["description"] = description
    if params:
        operation["parameters"] = [{"$ref": f"#/components/parameters/{p}"} for p in params]
    if body:
        operation["requestBody"] = {"required": True, "content": {JSON: {"schema": ref(body)}}}
    if public:
        operation["security"] = []
    responses = {str(status): response}
    for code in sorted({*fails, *(() if public else (401,))}):
        responses[str(code)] = {"$ref": f"#/components/responses/{STANDARD[code]}"}
    if conflicts:
        responses["409"] = conflict(conflicts)
    if reasons is not None:
        responses["422"] = guard_failed(reasons)
    operation["responses"] = dict(sorted(responses.items()))
    return operation
