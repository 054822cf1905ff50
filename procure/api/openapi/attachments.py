"""Project attachments (procure.api.attachments) in the OpenAPI document."""
from procure.api.openapi.operation import PROJECT, ok, op
from procure.api.openapi.reasons import reason_codes
from procure.api.openapi.schema import array, enum, integer, nullable, obj, ref, string, texts


def schemas() -> dict:
    from procure.attachments.models import KINDS
    from procure.attachments.operations import KIND_LABELS
    from procure.attachments.sniffing import ALLOWED_EXTENSIONS

    kinds = enum(KINDS, texts(KIND_LABELS))
    return {
        "AttachmentKind": kinds,
        "Attachment": obj({
            "id": integer(), "kind": ref("AttachmentKind"),
            "bid_id": nullable(integer(description="投标附件所属的响应 / the bid a bid attachment belongs to")),
            "service_record_id": nullable(integer(description="佐证材料所属的服务记录 / the service record that "
                                                              "evidence (kind service_record) belongs to")),
            "name": string(description="上传时的文件名 / the name it was uploaded with"),
            "content_type": string(description="按文件内容识别的类型 / the type detected from the content"),
            "size": integer(minimum=1, description="字节数 / bytes"), "sha256": string(pattern=r"^[0-9a-f]{64}$"),
            "uploaded_at": string("date-time"), "uploaded_by": ref("OrganisationRef"), "organisation": ref("OrganisationRef"),
            "download_url": string(description="下载地址 / where to download it (GET, with the bearer token)")}),
        "AttachmentUpload": obj(
            {"kind": ref("AttachmentKind"),
             "file": string(contentMediaType="application/octet-stream",
                            description="文件；扩展名 / extensions: " + ", ".join(ALLOWED_EXTENSIONS)),
             "service_record_id": integer(description="kind 为 service_record 时必填：本项目的一条服务记录 / required "
                                                      "when kind is service_record: one of the project's service "
                                                      "records")},
            optional=("service_record_id",),
            description="按内容识别类型（PDF、PNG、JPEG、docx、xlsx、UTF-8 文本或 CSV），扩展名须与内容一致；大小有上限 "
                        "/ the type is read from the content (PDF, PNG, JPEG, docx, xlsx, UTF-8 text or CSV) and the "
                        "extension must agree; the size is capped"),
    }


def paths() -> dict:
    from procure.attachments import sniffing
    from procure.attachments.operations import upload

    types = [sniffing.PDF, sniffing.PNG, sniffing.JPEG, sniffing.DOCX, sniffing.XLSX, sniffing.TEXT, sniffing.CSV]
    upload_op = op(
        "uploadAttachment", "上传附件 / Upload an attachment", "attachments", ok(ref("Attachment"), "已上传 / uploaded", 201),
        params=["ProjectId"], fails=(400, 403, 404, 413), conflicts=("invalid_transition",),
        reasons=reason_codes(upload),
        description="multipart/form-data：`kind` 与 `file`。申报材料：社区在草稿或退回修改时；响应文件附件：投标人在截止前"
                    "（随本机构的响应密封）；节点报告材料：承接方在实施期间；服务记录佐证材料"
                    "（照片、签到表，带 service_record_id）：承接方在实施或整改期间；合同文本：采购管理人员；验收材料：被指派的"
                    "评估机构 / `kind` and `file` as multipart/form-data. proposal: the community while the proposal "
                    "is editable; bid: a bidder before the deadline (sealed with its bid); milestone_report: the "
                    "implementer during delivery; service_record (photos, sign-in sheets; with `service_record_id`): "
                    "the implementer during delivery or rectification; contract: the bureau; acceptance: the "
                    "assigned evaluation firm.")
    upload_op["requestBody"] = {"required": True, "content": {"multipart/form-data": {
        "schema": ref("AttachmentUpload"),
        "encoding": {"file": {"contentType": ", ".join(t.content_type for t in types)}}}}}
    download_op = op(
        "downloadAttachment", "下载附件 / Download an attachment", "attachments", ok({}), params=["AttachmentId"],
        fails=(404,), description="与项目页面相同的查看权限；投标附件在截止前只有投标人可下载 / the same access as the "
                                  "project; a bid's files only for the bidder until the deadline.")
    download_op["responses"]["200"] = {
        "description": "文件本身，作为附件下载 / the file itself, as an attachment",
        "headers": {"Content-Disposition": {"schema": string(), "description": "attachment; filename=…"}},
        "content": {t.content_type: {"schema": string(contentMediaType=t.content_type)} for t in types}}
    return {
        PROJECT + "/attachments": {
            "get": op("listAttachments", "附件列表 / List attachments", "attachments", ok(array(ref("Attachment"))),
                      params=["ProjectId"], fails=(404,),
                      description="投标附件在截止前只对投标人可见 / a bid's files are visible only to the bidder "
                                  "until the deadline."),
            "post": upload_op,
        },
        "/attachments/{attachment_id}": {"get": download_op},
    }
