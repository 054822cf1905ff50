"""Volunteers (procure.api.volunteers) in the OpenAPI document: star board, activities, own points."""
from procure.api.openapi.operation import ok, op
from procure.api.openapi.schema import array, enum, integer, nullable, obj, ref, string, text, texts


def schemas() -> dict:
    from procure.volunteers.inputs import (ACTIVITY_STATE_LABELS, CATEGORY_LABELS, ENTRY_KIND_LABELS,
                                           SIGNUP_STATUS_LABELS)
    from procure.volunteers.models import ACTIVITY_STATES, ENTRY_KINDS, SIGNUP_STATES

    moment, org = string("date-time"), ref("OrganisationRef")
    points = string(pattern=r"^-?\d+\.\d{2}$", description="两位小数的字符串 / a string with two decimals")
    categories = "; ".join(f"`{key}`: {text(label)}" for key, label in CATEGORY_LABELS.items())

    def listing(name):
        return {"items": array(ref(name)), "page": integer(minimum=1), "per_page": integer(),
                "total": integer(minimum=0)}

    return {
        "BoardRow": obj({"rank": integer(minimum=1, description="并列同名次 / ties share a rank"),
                         "name": string(description="遮蔽后的姓名，如 王* / the masked name, e.g. 王*"),
                         "hours": ref("Money"), "stars": integer(minimum=0, maximum=5), "community": org},
                        description="只有同意公开的志愿者；不含姓名全称、身份证号、电话或任何 id / consenting volunteers "
                                    "only; never a whole name, an ID number, a phone or a volunteer's id"),
        "VolunteerBoard": obj({
            "period": enum(["month", "year", "all"], {"month": "本月 / this month", "year": "本年 / this year",
                                                      "all": "全部 / all time"}),
            "community": nullable(integer()), "district": nullable(string(pattern=r"^\d{6}$")),
            **listing("BoardRow")}),
        "Activity": obj({
            "id": integer(), "title": string(), "category": string(description=categories),
            "description": string(), "place": string(), "starts_at": moment, "ends_at": moment,
            "state": enum(ACTIVITY_STATES, texts(ACTIVITY_STATE_LABELS)), "places": integer(minimum=1),
            "taken": integer(minimum=0, description="占用名额的报名 / sign-ups holding a place"),
            "left": integer(minimum=0), "community": org, "organiser": org,
            "in_project": {"type": "boolean", "description": "属于某个微项目 / inside a micro-project"},
            "my_status": nullable(enum(SIGNUP_STATES, texts(SIGNUP_STATUS_LABELS))),
            "organiser_here": {"type": "boolean", "description": "当前用户所在机构组织此活动 / organised by your "
                                                                 "organisation"}}),
        "ActivityPage": obj(listing("Activity")),
        "PointEntry": obj({"id": integer(), "at": moment, "kind": enum(ENTRY_KINDS, texts(ENTRY_KIND_LABELS)),
                           "hours": points, "points": points, "activity": nullable(string()), "note": string()}),
        "MyVolunteer": obj({
            "masked_name": string(description="积分榜上显示的姓名 / the name as the board shows it"),
            "consent_public": {"type": "boolean"}, "community": org,
            "hours_total": ref("Money"), "balance": ref("Money"), "stars": integer(minimum=0, maximum=5),
            "entries": obj(listing("PointEntry"), description="积分流水，新的在前 / the ledger, newest first"),
            "redemptions": array(obj({"id": integer(), "item": string(), "points": ref("Money"),
                                      "redeemed_at": moment}),
                                 description="最近 100 次兑换 / the latest 100 redemptions")}),
    }


def paths() -> dict:
    def query(name, schema, description):
        return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}

    page = query("page", integer(minimum=1, maximum=1_000_000, default=1), "页码 / page number")
    board = op("getVolunteerBoard", "志愿服务积分明星榜 / The volunteers' star board", "volunteers",
               ok(ref("VolunteerBoard")), fails=(400,), public=True,
               description="无需令牌；与公开页面 /public/volunteers/board 相同：按期间内服务时长排名，只列同意公开的"
                           "志愿者，姓名遮蔽；星级按累计时长。无效的参数返回 400 / no token needed; the same board as "
                           "the public page: ranked by hours served in the period, consenting volunteers only, "
                           "names masked; stars by all hours. Invalid parameters are a 400.")
    board["parameters"] = [
        query("period", enum(["month", "year", "all"]), "本月（默认）、本年或全部 / this month (default), this year "
                                                        "or all time"),
        query("community", integer(minimum=1), "只列该社区 / one community only"),
        query("district", string(pattern=r"^\d{6}$"), "只列该区县（6 位行政区划代码）/ one county (its 6-digit code)"),
        page]
    activities = op(
        "listActivities", "志愿活动列表 / List volunteer activities", "volunteers", ok(ref("ActivityPage")),
        fails=(400,),
        description="当前用户可见的活动：居民为本社区的，社区为本社区或本机构组织的，承接方为本机构组织的，审核与管理"
                    "人员为辖区内的；默认只列已发布且未结束的，开始早的在前 / the activities you may see: a "
                    "resident's own community's, a community's own or organised, a provider's organised, those "
                    "in a reviewer's or bureau officer's area; by default published ones not yet over, soonest "
                    "first.")
    activities["parameters"] = [
        query("community", integer(minimum=1), "只列在该社区举办的 / held in this community only"),
        query("all", enum(["1", "0", "true", "false"]), "工作人员用 1 同时列出已结束和已取消的（新的在前）；居民忽略 "
                                                        "/ staff: 1 adds past and cancelled ones, latest first; "
                                                        "ignored for residents"),
        page]
    me = op("getMyVolunteer", "我的志愿服务积分 / My volunteer hours and points", "volunteers",
            ok(ref("MyVolunteer")), fails=(400, 404),
            description="已登记的志愿者本人：累计时长、积分余额（等于流水合计）、星级、分页的积分流水与兑换记录；"
                        "不是志愿者时 404 / a registered volunteer's own hours, balance (the ledger's sum), stars, "
                        "a page of the ledger and the redemptions; 404 for anyone else.")
    me["parameters"] = [{**page, "description": "积分流水的页码 / page of the ledger"}]
    return {"/volunteers/board": {"get": board}, "/activities": {"get": activities}, "/me/volunteer": {"get": me}}
