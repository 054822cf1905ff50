"""Official PDF documents and their verification (procure.api.documents) in the OpenAPI document."""
from procure.api.openapi.operation import PROJECT, ok, op
from procure.api.openapi.schema import enum, integer, nullable, obj, ref, string, texts


def schemas() -> dict:
    from procure.documents.models import DOCUMENT_KINDS
    from procure.documents.sources import TITLES

    return {
        "DocumentVerification": obj({
            "kind": enum(DOCUMENT_KINDS, texts(TITLES)), "title": string(description="文书名称 / the title"),
            "number": string(description="文书编号，如 WXM2026-0003-HT-01 / the document number"),
            "verification_code": string(description="核验码 / the verification code"),
            "project": nullable(obj({"code": string(), "title": string()})),
            "catalogue_year": nullable(integer(description="年度目录的年度 / a catalogue's year")),
            "issuer": nullable(string(description="出具机构 / the issuing organisation")),
            "issued_at": string("date-time"), "page_count": integer(minimum=1),
            "sha256": string(description="所出具 PDF 的 SHA-256 / the SHA-256 of the PDF as issued")}),
    }


def paths() -> dict:
    from procure.documents.sources import PROJECT_KINDS

    download = op(
        "downloadProjectDocument", "下载项目正式文书 PDF / Download a project's official PDF document", "documents",
        ok({}), params=["ProjectId"], fails=(404,),
        description="proposal：公示后；award_notice：中标（成交）公告发布后；contract：签订后；acceptance_certificate：验收通过"
                    "后；evaluation_report：绩效评价定稿后。每次下载登记出具记录（编号、核验码、指纹），数据未变时沿用原记录"
                    " / proposal once published for notice, award_notice once the award notice is out, contract "
                    "once signed, acceptance_certificate once accepted, evaluation_report once the performance "
                    "evaluation is finalised. Each download records the issuance (number, verification code, "
                    "fingerprint); unchanged data reuses the earlier record.")
    download["parameters"].append({"name": "kind", "in": "path", "required": True, "schema": enum(PROJECT_KINDS),
                                   "description": "文书类型 / the document kind"})
    download["responses"]["200"] = {
        "description": "PDF 文件 / the PDF",
        "headers": {"Content-Disposition": {"schema": string(), "description": "attachment; filename*=UTF-8''…"}},
        "content": {"application/pdf": {"schema": string(contentMediaType="application/pdf")}}}
    verify = op("verifyDocument", "核验已出具的文书 / Verify an issued document", "documents",
                ok(ref("DocumentVerification")), fails=(404,), public=True,
                description="无需令牌；以文件的 SHA-256 与 sha256 比对 / no token needed; compare a file's SHA-256 "
                            "with sha256.")
    verify["parameters"] = [{"name": "code", "in": "path", "required": True, "schema": string(),
                             "description": "核验码 / the verification code"}]
    return {PROJECT + "/documents/{kind}.pdf": {"get": download}, "/documents/{code}": {"get": verify}}
