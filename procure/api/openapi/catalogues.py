"""The annual purchase catalogue (procure.api.catalogues) in the OpenAPI document."""
from procure.api.openapi.operation import ok, op
from procure.api.openapi.reasons import reason_codes
from procure.api.openapi.schema import array, enum, integer, nullable, obj, ref, string


def schemas() -> dict:
    from procure.catalogue.models import CATALOGUE_STATES
    from procure.projects.models import FUNDING_FORMS

    moment, day = string("date-time"), string("date")
    summary = {
        "year": integer(), "state": enum(CATALOGUE_STATES), "version": integer(minimum=1),
        "published_at": nullable(moment), "notice_ends_on": nullable(day), "in_force_at": nullable(moment),
        "item_count": integer(minimum=0), "total": ref("Money")}
    return {
        "CatalogueSummary": obj(summary),
        "CatalogueItem": obj({
            "project_id": integer(), "project_code": string(), "title": string(), "community": string(),
            "funding_form": enum(FUNDING_FORMS), "category_code": string(),
            "procurement_item_code": nullable(string(description="政府采购品目 / government-procurement item code")),
            "budget": ref("Money"), "added_in_version": integer(minimum=1)}),
        "CatalogueGroup": obj({"category_code": string(), "category_name": string(), "subtotal": ref("Money"),
                               "items": array(ref("CatalogueItem"))},
                              description="一个一级类别 / one top-level category"),
        "CatalogueAmendment": obj({"version": integer(minimum=2), "reason": string(), "at": moment,
                                   "project_id": nullable(integer())}),
        "Catalogue": obj({
            **summary, "groups": array(ref("CatalogueGroup")), "amendments": array(ref("CatalogueAmendment")),
            "can_publish": {"type": "boolean"},
            "in_force_reasons": array(ref("Reason"), description="现在不能生效的原因 / why it cannot come into "
                                                                 "force now")}),
    }


def paths() -> dict:
    from procure.catalogue import operations as catalogue_ops
    from procure.catalogue.export import XLSX_TYPE

    base = "/catalogues/{year}"
    bureau_only = "仅采购管理人员（民政局）/ bureau officers only."
    paths = {
        "/catalogues": {"get": op(
            "listCatalogues", "年度目录列表 / List catalogues", "catalogues", ok(array(ref("CatalogueSummary"))),
            description="政府工作人员看到全部；社区与承接主体只看到已发布或已生效的目录 / government staff see all; "
                        "communities and providers see published or in-force catalogues only.")},
        base: {"get": op(
            "getCatalogue", "年度目录：按类别分组、小计与合计 / Get a catalogue with subtotals and total",
            "catalogues", ok(ref("Catalogue")), params=["Year"], fails=(404,))},
        base + ".xlsx": {"get": op(
            "downloadCatalogueXlsx", "导出年度目录 XLSX / Download the catalogue as XLSX", "catalogues", ok({}),
            params=["Year"], fails=(404,))},
        base + "/publish": {"post": op(
            "publishCatalogue", "发布年度目录 / Publish a catalogue (its notice period starts)",
            "catalogues", ok(ref("Catalogue")), params=["Year"], fails=(403, 404),
            reasons=reason_codes(catalogue_ops.publish_reasons), description=bureau_only)},
        base + "/bring-into-force": {"post": op(
            "bringCatalogueIntoForce", "目录生效 / Bring a catalogue into force", "catalogues", ok(ref("Catalogue")),
            params=["Year"], fails=(403, 404), reasons=reason_codes(catalogue_ops.in_force_reasons),
            description=bureau_only + " 公示期满后 / once the notice period is over.")},
    }
    paths[base + ".xlsx"]["get"]["responses"]["200"] = {
        "description": "一张工作表：中文表头、每个一级类别小计与合计 / one sheet: Chinese headers, a subtotal per "
                       "top-level category and a grand total",
        "headers": {"Content-Disposition": {"schema": string(), "description": "attachment; filename=…"}},
        "content": {XLSX_TYPE: {"schema": string(contentMediaType=XLSX_TYPE)}}}
    return paths
