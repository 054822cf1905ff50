"""The notifications a copy gets: what the daily reminders (procure.notifications.reminders) and the public
objection form would have written for it, to whom, as the demo has none of a project's own."""
import json
from dataclasses import dataclass
from datetime import timedelta

from procure.demo.scale.bulk import parse_time, time_text
from procure.demo.scale.rewrites import moved_day, moved_time


@dataclass
class Notice:
    """A notification of a template project, made again for each copy (procure.notifications.reminders' kinds)."""
    kind: str
    table: str  # the row it is about, whose new id its key carries
    row_id: int
    user_ids: list
    at: str  # when it was written
    params: dict  # besides the project's code and title
    shifted_day: str | None = None  # a param holding a day that moves with the copy


DELIVERY_STATES = ("contracted", "in_delivery")  # procure.notifications.reminders'


def notices_of(project: dict, rows: dict, columns: dict, staff: dict) -> list[Notice]:
    """The community is told of each objection as it is filed; while a project is delivered, the implementer
    and the community are reminded of each milestone whose report is overdue."""
    def named(table):
        return [dict(zip(columns[table], row)) for row in rows.get(table, [])]
    community = staff.get(project["community_id"], [])
    notices = [Notice("objection_filed", "objections", o["id"], community, o["raised_at"], {})
               for o in named("objections")]
    contracts = [c for c in named("contracts") if c["terminated_at"] is None]
    if project["state"] in DELIVERY_STATES and contracts:
        reported = {r["milestone_id"] for r in named("milestone_reports")}
        told = staff.get(contracts[0]["implementer_id"], []) + community
        for milestone in named("milestones"):
            if milestone["id"] not in reported:
                notices.append(Notice("milestone_overdue", "milestones", milestone["id"], told,
                                      time_text(parse_time(milestone["due"]) + timedelta(days=1, hours=1)),
                                      {"milestone": milestone["name"]}, milestone["due"]))
    return notices


def notification_rows(template, copy, counters: dict, columns: list[str], read_before: str) -> list[tuple]:
    """The template's notices for `copy`, to the copy's people, each read a day later unless recent."""
    project_id = copy.ids["projects"][template.project_id]
    made = []
    for notice in template.notices:
        at = moved_time(notice.at, copy)
        params = {"code": copy.code, "title": copy.title, **notice.params}
        if notice.shifted_day:
            params["due"] = moved_day(notice.shifted_day, copy)
        key = f"{notice.kind}:{copy.ids[notice.table][notice.row_id]}"
        read = time_text(parse_time(at) + timedelta(days=1)) if at < read_before else None
        for user_id in dict.fromkeys(copy.users.get(u, u) for u in notice.user_ids):
            record_id = counters["notifications"]
            counters["notifications"] += 1
            row = {"id": record_id, "user_id": user_id, "project_id": project_id, "kind": notice.kind,
                   "params": json.dumps(params), "key": key, "created_at": at, "read_at": read}
            made.append(tuple(row[c] for c in columns))
    return made
