"""The volunteers of the scaled city: residents registered in every community, years of their communities'
activities, who came, and the service entries of the ledger, in bulk and without audit entries (as the demo's own
history is, procure.demo.volunteers). Each volunteer's `balance` and `hours_total` are the sums of their entries."""
import hashlib
from base64 import urlsafe_b64encode
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from procure.codes import make_id_number
from procure.demo.scale.bulk import time_text
from procure.demo.volunteers import (BORN_ELSEWHERE, EVENT_SLOTS, EVENTS, GIVEN_F, GIVEN_M, NO_LOGIN, PHONE_PREFIXES,
                                     PLACES, SURNAMES)
from procure.volunteers import ledger

SHANGHAI = timedelta(hours=8)
HISTORY_YEARS = 4  # the activities spread over the last four years
NO_SHOW = 0.05  # share of sign-ups whose volunteer did not come (no ledger entry)
FLUSH_ROWS = 20_000


def add_volunteers(bulk, metadata, city, count: int, entries: int, today: date, rng, seed: int, progress):
    """`count` new volunteers spread over the communities, and `entries` service entries spread over them."""
    if count <= 0 and entries <= 0:
        return
    tables = {name: metadata.tables[name] for name in ("users", "volunteers", "activities", "signups",
                                                        "point_entries")}
    ids = {name: bulk.next_id(table) for name, table in tables.items()}
    communities = [c for c in city.by_org.values() if c.staff_user_id is not None]
    members = {c.org_id: [] for c in communities}
    for (volunteer_id, org_id) in bulk.connection.exec_driver_sql(
            "SELECT id, community_id FROM volunteers").fetchall():
        if org_id in members:
            members[org_id].append([volunteer_id, 0, 0])  # id, points and hours earned here (in hundredths)
    taken_ids = {row[0] for row in bulk.connection.exec_driver_sql("SELECT id_number FROM volunteers").fetchall()}
    start = today - timedelta(days=365 * HISTORY_YEARS)
    pending = {name: [] for name in tables}
    new_people = {}

    for n in range(count):  # new residents, round the communities
        community = communities[n % len(communities)]
        volunteer_id, user_id = ids["volunteers"], ids["users"]
        ids["volunteers"], ids["users"] = volunteer_id + 1, user_id + 1
        female = rng.random() < 0.6
        name = rng.choice(SURNAMES) + rng.choice(GIVEN_F if female else GIVEN_M)
        registered = time_text(_utc(start - timedelta(days=rng.randrange(1, 900)), time(10, 0)))
        area = community.division_code[:6] if rng.random() < 0.7 else rng.choice(BORN_ELSEWHERE)
        number = _id_number(rng, area, female, taken_ids)
        phone = rng.choice(PHONE_PREFIXES) + f"{rng.randrange(10 ** 8):08d}"
        pending["users"].append((user_id, f"svol{volunteer_id:07d}", NO_LOGIN, name, "resident", community.org_id,
                                 True, registered))
        new_people[volunteer_id] = (user_id, community.org_id, name, number, phone, rng.random() < 0.7,
                                    registered)
        members[community.org_id].append([volunteer_id, 0, 0])

    bulk.write(tables["users"], pending.pop("users"), USER_COLUMNS)
    bulk.write(tables["volunteers"], [
        (volunteer_id, user_id, org_id, name, number, phone, "", consent, registered, 0, 0)
        for volunteer_id, (user_id, org_id, name, number, phone, consent, registered) in new_people.items()],
        VOLUNTEER_COLUMNS)
    total = sum(len(people) for people in members.values())
    credited = {}
    made = 0
    for index, community in enumerate(communities):
        people = members[community.org_id]
        if not people or made >= entries:
            continue
        share = entries - made if index == len(communities) - 1 else round(entries * len(people) / total)
        made += _history(community, people, min(share, entries - made), start, today, rng, seed, ids, pending,
                         credited)
        if len(pending["signups"]) >= FLUSH_ROWS:
            _flush(bulk, tables, pending)
            progress(f"ledger entries {made}/{entries}")
    _flush(bulk, tables, pending)
    _settle(bulk, members)
    progress(f"ledger entries {made}/{entries}; volunteers {count}")


def _history(community, people, wanted: int, start: date, today: date, rng, seed, ids, pending, credited) -> int:
    """Activities of one community until `wanted` service entries are made; returns how many were."""
    made = 0
    span = (today - start).days - 1
    while made < wanted:
        category = rng.choice(list(EVENTS))
        title = rng.choice([t for t, _month in EVENTS[category]])
        at, hours = rng.choice(EVENT_SLOTS)
        day = start + timedelta(days=rng.randrange(span))
        begins = _utc(day, at)
        ends = begins + timedelta(hours=hours)
        attendees = rng.sample(people, min(len(people), rng.randint(6, 14), wanted - made + 1))
        activity_id = ids["activities"]
        ids["activities"] += 1
        created = begins - timedelta(days=rng.randint(5, 14))
        token = urlsafe_b64encode(hashlib.blake2b(f"scale:{seed}:activity:{activity_id}".encode(),
                                                  digest_size=16).digest()).decode()[:22]
        pending["activities"].append((
            activity_id, community.org_id, community.org_id, None, title, category, "", community.name[:-2] +
            rng.choice(PLACES), time_text(begins), time_text(ends), max(len(attendees), rng.choice([10, 15, 20, 30])),
            "published", token, community.staff_user_id, time_text(created)))
        for person in attendees:
            signup_id = ids["signups"]
            ids["signups"] += 1
            signed = time_text(created + (begins - created) * rng.random() * 0.9)
            if rng.random() < NO_SHOW or made >= wanted:
                pending["signups"].append((signup_id, activity_id, person[0], signed, "no_show", None, None,
                                           community.staff_user_id, None))
                continue
            checked_in = begins + timedelta(minutes=rng.randint(-20, 10))
            checked_out = ends + timedelta(minutes=rng.randint(-10, 15))
            minutes = int((checked_out - checked_in).total_seconds() // 60)
            hours_fen, points_fen = credited.get((minutes, category)) or credited.setdefault(
                (minutes, category), _credit(minutes, category))
            pending["signups"].append((signup_id, activity_id, person[0], signed, "completed", time_text(checked_in),
                                       time_text(checked_out), community.staff_user_id, hours_fen))
            entry_id = ids["point_entries"]
            ids["point_entries"] += 1
            pending["point_entries"].append((entry_id, person[0], time_text(checked_out), "service", hours_fen,
                                             points_fen, signup_id, None, None, title, community.staff_user_id))
            person[1] += points_fen
            person[2] += hours_fen
            made += 1
    return made


def _credit(minutes: int, category: str) -> tuple[int, int]:
    """(hours, points) in hundredths, as a check-out credits them (procure.volunteers.ledger)."""
    hours = ledger.credited_hours(Decimal(minutes) / Decimal(60))
    return int(hours * 100), int(ledger.points_for(hours, category) * 100)


USER_COLUMNS = ("id", "username", "password_hash", "display_name", "role", "organisation_id", "active", "created_at")
VOLUNTEER_COLUMNS = ("id", "user_id", "community_id", "real_name", "id_number", "phone", "skills", "consent_public",
                     "registered_at", "balance", "hours_total")
ACTIVITY_COLUMNS = ("id", "organiser_org_id", "community_id", "project_id", "title", "category", "description",
                    "place", "starts_at", "ends_at", "places", "state", "checkin_token", "created_by_id",
                    "created_at")
SIGNUP_COLUMNS = ("id", "activity_id", "volunteer_id", "signed_up_at", "status", "checked_in_at", "checked_out_at",
                  "recorded_by_id", "hours")
ENTRY_COLUMNS = ("id", "volunteer_id", "at", "kind", "hours", "points", "signup_id", "correction_id",
                 "redemption_id", "note", "recorded_by_id")


def _flush(bulk, tables, pending):
    """Write the activities, sign-ups and entries made so far, parents first."""
    bulk.write(tables["activities"], pending["activities"], ACTIVITY_COLUMNS)
    bulk.write(tables["signups"], pending["signups"], SIGNUP_COLUMNS)
    bulk.write(tables["point_entries"], pending["point_entries"], ENTRY_COLUMNS)
    for rows in pending.values():
        rows.clear()


def _settle(bulk, members):
    """Each volunteer's sums grow by what they earned here (the ledger's sums, as the app keeps them)."""
    changed = [(person[1], person[2], person[0]) for people in members.values() for person in people
               if person[1] or person[2]]
    p = bulk.placeholder
    for start in range(0, len(changed), 5000):
        bulk.connection.exec_driver_sql(
            f"UPDATE volunteers SET balance = balance + {p}, hours_total = hours_total + {p} WHERE id = {p}",
            changed[start:start + 5000])


def _utc(day: date, at: time) -> datetime:
    """`day` at `at` in Shanghai, as naive UTC."""
    return datetime.combine(day, at) - SHANGHAI


def _id_number(rng, area: str, female: bool, taken: set) -> str:
    while True:
        born = date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 57))
        sequence = rng.randrange(0, 500) * 2 + (0 if female else 1)
        number = make_id_number(f"{area}{born:%Y%m%d}{sequence:03d}")
        if number not in taken:
            taken.add(number)
            return number
