"""Notifications (procure.api.notifications) in the OpenAPI document."""
from procure.api.openapi.operation import ok, op
from procure.api.openapi.schema import array, enum, integer, nullable, obj, ref, string, texts


def schemas() -> dict:
    from procure.notifications.inputs import MAX_IDS
    from procure.notifications.reminders import KIND_LABELS

    return {
        "Notification": obj({
            "id": integer(), "kind": enum(KIND_LABELS, texts(KIND_LABELS)), "project_id": nullable(integer()),
            "key": string(description="提醒的对象，同一用户同一对象只提醒一次 / the subject; one notification per "
                                      "user and subject"),
            "params": {"type": "object", "description": "消息中的取值（项目编号、名称、期限……）/ the values in the "
                                                        "message (project code, title, due date …)"},
            "message": string(description="按请求语言显示的消息 / the message in the request's language"),
            "url": nullable(string(description="提醒所指的网页路径（项目、活动或本人的志愿服务页），没有时为 null / "
                                              "the site path the notification leads to (a project, an activity, "
                                              "your volunteer page), or null")),
            "created_at": string("date-time"), "read_at": nullable(string("date-time"))}),
        "NotificationPage": obj({"items": array(ref("Notification")), "page": integer(minimum=1),
                                 "per_page": integer(), "total": integer(minimum=0),
                                 "unread": integer(minimum=0, description="未读总数 / unread in all")}),
        "NotificationReadInput": {
            "type": "object", "description": "给出 ids，或 all 为 true / either ids or all: true",
            "properties": {
                "ids": nullable(array(integer(minimum=1), maxItems=MAX_IDS,
                                      description="本人的提醒 id / ids of your own notifications")),
                "all": nullable({"type": "boolean", "default": False,
                                 "description": "全部标为已读 / mark all read"})},
            "required": []},
        "NotificationReadResult": obj({"marked": integer(minimum=0, description="本次标为已读的数量 / how many "
                                                                              "were unread and are now read"),
                                       "unread": integer(minimum=0)}),
    }


def paths() -> dict:
    listing = op("listNotifications", "我的提醒 / List your notifications", "notifications",
                 ok(ref("NotificationPage")), fails=(400,),
                 description="未读在前，新的在前；`flask reminders` 每日生成 / unread first, then newest first; "
                             "written by the daily `flask reminders` run.")
    listing["parameters"] = [
        {"name": "page", "in": "query", "required": False, "schema": integer(minimum=1, maximum=1_000_000, default=1),
         "description": "页码 / page number"},
        {"name": "unread", "in": "query", "required": False, "schema": {"type": "boolean", "default": False},
         "description": "只列出未读 / unread only"}]
    return {
        "/notifications": {"get": listing},
        "/notifications/read": {"post": op(
            "readNotifications", "标为已读 / Mark notifications read", "notifications", ok(ref("NotificationReadResult")),
            body="NotificationReadInput", fails=(400, 404),
            description="ids 中任何一个不是本人的提醒时返回 404，且不作任何修改 / 404, changing nothing, when any id is "
                        "not one of your notifications.")},
    }
