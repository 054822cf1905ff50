"""Open contracting data (procure.api.ocds) in the OpenAPI document."""
from procure.api.openapi.operation import ok, op
from procure.api.openapi.schema import array, integer, string


OCDS_SCHEMA = "https://standard.open-contracting.org/schema/1__1__5/"


def ocds_package(kind: str, items: str) -> dict:
    """An OCDS package, described here by its outline; the OCDS schema named in the description is the contract."""
    return {"type": "object", "required": ["uri", "version", "publishedDate", "publisher", items],
            "properties": {"uri": string("uri"), "version": {"const": "1.1"}, "publishedDate": string("date-time"),
                           "publisher": {"type": "object", "required": ["name"]}, "license": string("uri"),
                           "publicationPolicy": string("uri"), items: array({"type": "object"}),
                           "links": {"type": "object", "properties": {"next": string("uri")}}},
            "description": f"OCDS 1.1.5 {kind}：{OCDS_SCHEMA}{kind}-schema.json"}


def paths() -> dict:
    ocid = [{"name": "ocid", "in": "path", "required": True, "schema": string(),
             "description": "采购过程编号（OCDS_PREFIX-项目编号）/ the ocid: the prefix, a hyphen and the project code"}]
    feed = op("listOcdsReleases", "OCDS 发布流 / The feed of OCDS releases", "ocds",
              ok(ocds_package("release-package", "releases")), fails=(400,), public=True,
              description="按发布日期与写入顺序排列；还有后续时 links.next 给出下一页；没有发布时 releases 为空 / "
                          "in (date, id) order; links.next while more follow; releases is empty when there are none.")
    feed["parameters"] = [
        {"name": "since", "in": "query", "required": False, "schema": string("date-time"),
         "description": "只列出此时刻（RFC 3339，含）及以后的发布 / only releases dated at or after this instant"},
        {"name": "cursor", "in": "query", "required": False, "schema": string(),
         "description": "取自 links.next 的不透明游标；无效时 400 / the opaque cursor from links.next; 400 if invalid"},
        {"name": "limit", "in": "query", "required": False, "schema": integer(minimum=1),
         "description": "每页条数，1 至 OCDS_FEED_PAGE_SIZE（默认）/ releases per page, 1 to OCDS_FEED_PAGE_SIZE"},
    ]
    bulk = op("getOcdsBulk", "OCDS 年度批量下载 / One year's OCDS releases in bulk", "ocds",
              ok(ocds_package("release-package", "releases")), fails=(404,), public=True,
              description="发布日期（北京时间）在该年度的全部发布，流式输出；该年度没有发布时 404 / every release "
                          "dated in that year (Asia/Shanghai), streamed; 404 when there is none.")
    bulk["parameters"] = [{"name": "year", "in": "path", "required": True, "schema": integer(),
                           "description": "年度 / the year"}]
    releases = op("getOcdsProcessReleases", "采购过程的全部发布 / A contracting process's releases", "ocds",
                  ok(ocds_package("release-package", "releases")), fails=(404,), public=True,
                  description="未知 ocid 返回 404 / 404 for an unknown ocid.")
    record = op("getOcdsRecord", "采购过程的记录 / A contracting process's record", "ocds",
                ok(ocds_package("record-package", "records")), fails=(404,), public=True,
                description="一条记录：全部发布，以及按 OCDS 合并规则由这些发布合成的 compiledRelease / one "
                            "record: every release, and the compiled release merged from them by the OCDS "
                            "merge rules.")
    releases["parameters"], record["parameters"] = ocid, ocid
    return {"/ocds/releases": {"get": feed}, "/ocds/bulk/{year}.json": {"get": bulk},
            "/ocds/processes/{ocid}/releases": {"get": releases}, "/ocds/processes/{ocid}/record": {"get": record}}
