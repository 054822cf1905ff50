"""The demo's volunteers: about 300 residents in the 14 communities, a year of activities (and four years of five
weekly rounds, so their regulars reach two stars), their hours and points,
redemption catalogues, the talent pool and the skills a few micro-projects need.

Everything is drawn from one seeded random.Random and counted back from the start of the real day (Shanghai), so two
loads on the same day give the same people and the same history; nothing is dated after the present, except the
few activities still ahead (published for residents to sign up for) and certificates' expiry dates.

How each part is made:
- Direct inserts, in bulk (one INSERT … RETURNING per table), for the bulk of the history: the volunteers and their
  accounts, the year of past activities, their thousands of sign-ups, attendance and service ledger entries. The
  operations refuse what is past by design (an activity must start in the future, a check-out takes the clock's
  present), and going through them row by row would add a minute to the load. These rows carry no audit entries.
  Each volunteer's `balance` and `hours_total` are set to the sums of the entries inserted for them (the tests
  check that every volunteer's sums equal the ledger's).
- The real operations, with their guards, ledger appends and audit rows, for the rest: the activities still ahead
  (publish_activity) and the sign-ups for them (sign_up), corrections asked for and decided (approved, refused
  and one still waiting), each community's redemption catalogue (add_item) and the redemptions (redeem), talent
  profiles, certificates, their checks and admissions (save_profile, add_certificate, check_certificate, admit),
  and the skills a few micro-projects need (add_project_skill).

Only three volunteers have accounts one can log in with (the demo password): resident1 and resident2 in 幸福里社区
and resident3 in 和平社区. The other volunteers' accounts hold no usable password hash.
"""
import random
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

from sqlalchemy import insert, select
from werkzeug.datastructures import MultiDict

from procure import clock
from procure.accounts.models import User
from procure.audit.models import AuditEntry
from procure.codes import make_id_number
from procure.demo.organisations import COMMUNITIES
from procure.errors import GuardFailed
from procure.extensions import db
from procure.projects.models import Project
from procure.volunteers import ledger, periods
from procure.volunteers.models import Activity, PointEntry, SignUp, Volunteer

SEED = 20260611
NO_LOGIN = "!demo-volunteer-without-password"  # not a hash: nobody can log in with this account
DAY = timedelta(days=1)
WEEKLY_YEARS = 4

# Volunteers per community (300 in all): the larger, settled communities have more.
SIZES = {"xingfuli": 34, "nanmen": 18, "fangzhi": 20, "laojie": 14, "jingui": 26, "yangliu": 18, "tielu": 22,
         "heping": 30, "yugang": 20, "wanghu": 26, "jixie": 18, "shuangjing": 12, "dongan": 16, "cuihu": 26}
# A weekly activity five communities have held for years (their regulars reach two stars): (category, title,
# weekday (Monday 0), start, hours).
WEEKLY = {
    "xingfuli": ("safety", "平安巡逻（每周二晚）", 1, time(19, 0), 2),
    "heping": ("elderly", "独居老人探访（每周四上午）", 3, time(9, 0), 2),
    "jingui": ("environment", "垃圾分类督导（每周六上午）", 5, time(8, 0), 2),
    "wanghu": ("children", "四点半课堂（每周三下午）", 2, time(16, 30), 2),
    "tielu": ("safety", "楼道消防隐患巡查（每周五下午）", 4, time(14, 30), 2),
}
# The named residents: username → (community, real name, activity level, consents to the board, female).
RESIDENTS = {"resident1": ("xingfuli", "陈秀兰", 0.92, True, True),
             "resident2": ("xingfuli", "周子航", 0.3, False, False),
             "resident3": ("heping", "刘桂芳", 0.55, True, True)}

# Event titles by category; a month (1–12) ties a title to its season.
EVENTS = {
    "elderly": [("老年人智能手机使用教学", None), ("助老义剪", None), ("爱心午餐送餐上门", None),
                ("重阳节敬老慰问", 10), ("高龄老人生日会", None), ("老年人防诈骗讲座服务", None)],
    "children": [("亲子阅读会", None), ("暑期托管班辅导", 7), ("暑期托管班辅导", 8), ("儿童防溺水安全宣传", 6),
                 ("六一儿童游园会", 5), ("亲子手工课堂", None)],
    "disability": [("助残康复陪伴", None), ("残疾人家庭走访", None), ("助残日爱心集市", 5)],
    "environment": [("河道清洁行动", None), ("楼道杂物清理", None), ("植树护绿", 3), ("旧衣物回收日", None),
                    ("小区绿地认养养护", None)],
    "safety": [("消防安全宣传进楼栋", None), ("反诈宣传进小区", None), ("防汛值守", 6), ("防汛值守", 7),
               ("电动车充电安全检查", None)],
    "culture": [("春节写春联送福", 1), ("春节写春联送福", 2), ("元宵灯谜会服务", 2), ("邻里节志愿服务", 9),
                ("社区读书会", None), ("广场文艺展演服务", None), ("中秋邻里联欢", 9)],
    "governance": [("学雷锋志愿服务日", 3), ("居民议事会会务服务", None), ("文明劝导", None),
                   ("民意收集入户走访", None), ("小区停车秩序劝导", None)],
}
PLACES = ["党群服务中心", "社区活动室", "居民广场", "小区中心花园", "社区老年食堂", "社区图书室", "各楼栋"]
EVENT_SLOTS = [(time(9, 0), 2), (time(9, 30), 2.5), (time(14, 30), 2), (time(14, 0), 3), (time(19, 0), 1.5),
               (time(8, 30), 1.5)]

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈"
            "姚卢姜崔钟谭陆汪范石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯史陶黎贺顾毛郝龚邵万钱严武戴孔汤")
GIVEN_F = ("秀兰 桂英 玉兰 淑珍 丽华 凤英 美玲 雪梅 静 敏 婷 丽 娟 霞 芳 燕 慧 颖 欣怡 佳琪 子涵 雨萱 晓梅 海燕 "
           "春燕 红霞 素琴").split()
GIVEN_M = ("建国 志强 国庆 德明 卫东 永福 振华 明 伟 强 磊 军 勇 涛 斌 浩然 子轩 宇航 俊杰 建平 海波 立新 文博 "
           "家豪 晨阳").split()
PHONE_PREFIXES = ("130 131 132 133 135 136 137 138 139 150 151 152 153 155 156 157 158 159 177 180 182 183 185 "
                  "186 187 188 189 199").split()
BORN_ELSEWHERE = ["330103", "330106", "330481", "330681", "341002", "360102", "410102", "510104", "430102"]
SKILL_WORDS = ["手语", "中医推拿", "理发", "厨艺", "书法", "舞蹈", "驾驶", "维修家电"]
PROFESSIONS = {"social_worker": ("社会工作者", "社会工作者职业资格证书", "××市民政局"),
               "doctor": ("社区医生", "医师资格证书", "××市卫生健康委员会"),
               "nurse": ("护士", "护士执业证书", "××市卫生健康委员会"),
               "lawyer": ("律师", "律师执业证", "××市司法局"),
               "electrician": ("电工", "特种作业操作证（低压电工）", "××市应急管理局"),
               "plumber": ("水暖工", "职业技能等级证书（管工）", "××市人力资源和社会保障局"),
               "teacher": ("退休教师", "教师资格证书", "××市教育局"),
               "psychologist": ("心理咨询师", "心理咨询师职业资格证书", "××市人力资源和社会保障局"),
               "accountant": ("会计", "会计专业技术资格证书", "××市财政局"),
               "it": ("软件工程师", "", ""), "photography": ("摄影师", "", ""), "arts": ("舞蹈教师", "", "")}
AVAILABILITY = ["周末上午", "工作日晚上", "周末全天", "工作日白天（已退休）", "每月第一个周六", "节假日"]
# Catalogue items: (name, kind, points, stock, description).
ITEMS = [("环保购物袋", "item", 10, 60, "帆布材质，可重复使用"), ("洗衣液（2千克）", "item", 30, 25, ""),
         ("食用油（5升）", "item", 80, 12, ""), ("免费理发一次", "service", 20, 40, "社区义剪点，每周六上午"),
         ("家电维修上门服务", "service", 50, 10, "由社区电工志愿者上门"), ("社区体检套餐", "service", 120, 6,
                                                                    "社区卫生服务站提供"),
         ("儿童绘本套装", "item", 40, 10, ""), ("电影票（两张）", "item", 60, 8, ""),
         ("月饼礼盒", "item", 45, 3, "中秋限量"), ("大米（10千克）", "item", 70, 15, "")]


@dataclass
class Person:
    community: str
    real_name: str
    id_number: str
    phone: str
    skills: str
    consent: bool
    level: float  # how often they take part, 0–1
    registered: datetime
    username: str
    password_hash: str
    hours: Decimal = Decimal("0.00")
    points: Decimal = Decimal("0.00")
    earned: list = field(default_factory=list)  # (moment, points) of each service entry
    id: int | None = None
    user_id: int | None = None


def build(city, cast, now: datetime, manual, password_hash: str):
    """Adds the volunteers, their year and the rest; `manual` is the demo's ManualClock (moved as needed)."""
    rng = random.Random(SEED)
    now = moment(clock.local(now).date(), time(0, 0))  # the day's start: the same history whenever loaded that day
    start = now - timedelta(days=365)
    staff = {key: cast.by_community[key] for key in COMMUNITIES}
    people = make_people(rng, city, start, now, password_hash)
    activities = make_activities(rng, city, staff, start, now) + project_activities(rng, city, now)
    signups, entries = attend(rng, people, activities, now)
    insert_all(people, activities, signups, entries, city)
    upcoming(rng, city, staff, people, now, manual)
    corrections(rng, city, people, staff, now, manual)
    catalogue(rng, city, staff, people, start, now, manual)
    talent(rng, people, staff, now, manual)
    project_skills(cast, now, manual)
    manual.moment = now
    db.session.flush()


# ---- people ---------------------------------------------------------------------------------------------

def moment(day: date, at: time) -> datetime:
    """`day` at `at` in Shanghai, as UTC."""
    return datetime.combine(day, at, tzinfo=clock.SHANGHAI).astimezone(timezone.utc)


def id_number(rng, area: str, female: bool, seen: set) -> str:
    while True:
        born = date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 57))  # 1950–2006: all adults
        sequence = rng.randrange(0, 500) * 2 + (0 if female else 1)  # odd for men, even for women
        number = make_id_number(f"{area}{born:%Y%m%d}{sequence:03d}")
        if number not in seen:
            seen.add(number)
            return number


def make_people(rng, city, start, now, password_hash) -> list[Person]:
    people, seen_ids, seen_names = [], set(), set()
    named = {("xingfuli", 0): "resident1", ("xingfuli", 1): "resident2", ("heping", 0): "resident3"}
    for key, size in SIZES.items():
        division = COMMUNITIES[key][1]
        for index in range(size):
            username = named.get((key, index))
            female = rng.random() < 0.6
            while True:
                name = rng.choice(SURNAMES) + rng.choice(GIVEN_F if female else GIVEN_M)
                if (key, name) not in seen_names:
                    break
            level = rng.choice([0.9, 0.85, 0.5, 0.4, 0.6, 0.2, 0.15, 0.25, 0.1, 0.05, 0.08, 0.03, 0.12, 0.3])
            if level >= 0.85:  # the regulars of the weekly activities, there from their first years
                registered = now - timedelta(days=365 * WEEKLY_YEARS + rng.randrange(0, 200))
            elif level >= 0.5:
                registered = start - timedelta(days=rng.randrange(30, 400))
            else:
                registered = start + timedelta(days=rng.randrange(-120, 330))
            consent = rng.random() < 0.7
            hash_ = NO_LOGIN
            if username:
                _, name, level, consent, female = RESIDENTS[username]
                hash_ = password_hash
                registered = (now - timedelta(days=365 * WEEKLY_YEARS + 30) if level >= 0.85
                              else start - timedelta(days=60) if level > 0.5 else now - timedelta(days=75))
            seen_names.add((key, name))
            skills = []
            if rng.random() < 0.4:
                skills = rng.sample(list(PROFESSIONS), rng.choice([1, 1, 2]))
                if rng.random() < 0.3:
                    skills.append(rng.choice(SKILL_WORDS))
            area = division[:6] if rng.random() < 0.7 else rng.choice(BORN_ELSEWHERE)
            people.append(Person(
                community=key, real_name=name, id_number=id_number(rng, area, female, seen_ids),
                phone=rng.choice(PHONE_PREFIXES) + f"{rng.randrange(10 ** 8):08d}", skills=",".join(skills),
                consent=consent, level=level, registered=min(registered, now - 20 * DAY),
                username=username or f"vol{division[-4:]}{index + 1:03d}", password_hash=hash_))
    return people


# ---- a year of activities ------------------------------------------------------------------------------

@dataclass
class Plan:
    community: str
    organiser_org_id: int
    created_by_id: int
    title: str
    category: str
    place: str
    starts_at: datetime
    ends_at: datetime
    places: int
    project_id: int | None = None
    state: str = "published"
    created_at: datetime | None = None
    id: int | None = None


def months(start: datetime, now: datetime):
    day = clock.local(start).date().replace(day=1)
    last = clock.local(now).date()
    while day <= last:
        yield day
        day = (day + timedelta(days=32)).replace(day=1)


def make_activities(rng, city, staff, start, now) -> list[Plan]:
    """2–4 events a month in each community over the year, and a weekly activity in five of them over
    WEEKLY_YEARS, all over before now."""
    plans = []
    for key in COMMUNITIES:
        org, user, name = city.communities[key], staff[key], COMMUNITIES[key][0]
        for first in months(start, now):
            days_in_month = ((first + timedelta(days=32)).replace(day=1) - first).days
            for _ in range(rng.randint(2, 4)):
                category = rng.choice(list(EVENTS))
                titles = [t for t, m in EVENTS[category] if m in (None, first.month)]
                at, hours = rng.choice(EVENT_SLOTS)
                day = first + timedelta(days=rng.randrange(days_in_month))
                if moment(day, at) < start:
                    continue
                plans.append(Plan(key, org.id, user.id, rng.choice(titles), category,
                                  name + rng.choice(PLACES), moment(day, at), moment(day, at) + timedelta(hours=hours),
                                  rng.choice([8, 10, 12, 15, 20, 30])))
        if key in WEEKLY:
            category, title, weekday, at, hours = WEEKLY[key]
            day = clock.local(now).date() - timedelta(days=365 * WEEKLY_YEARS)
            day += timedelta(days=(weekday - day.weekday()) % 7)
            while day <= clock.local(now).date():
                plans.append(Plan(key, org.id, user.id, title, category, name + PLACES[0], moment(day, at),
                                  moment(day, at) + timedelta(hours=hours), 12))
                day += 7 * DAY
    plans = [p for p in plans if p.ends_at + timedelta(hours=2) <= now]
    for plan in rng.sample(plans, len(plans) // 50):  # called off (rain, an epidemic alert …)
        plan.state = "cancelled"
    return plans


CATEGORY_WORDS = [("老", "elderly"), ("儿童", "children"), ("青少年", "children"), ("残", "disability"),
                  ("环境", "environment"), ("垃圾", "environment"), ("安全", "safety"), ("文化", "culture")]


def category_of(title: str) -> str:
    return next((category for word, category in CATEGORY_WORDS if word in title), "governance")


def project_activities(rng, city, now) -> list[Plan]:
    """About one a month by each implementer inside its micro-project, while it delivered it."""
    delivery = dict(db.session.execute(select(AuditEntry.project_id, AuditEntry.at)
                                       .where(AuditEntry.action == "start_delivery")).all())
    ended = dict(db.session.execute(select(AuditEntry.project_id, AuditEntry.at)
                                    .where(AuditEntry.action == "report_completion")).all())
    providers = {org_id: user_id for user_id, org_id in db.session.execute(
        select(User.id, User.organisation_id).where(User.role == "provider").order_by(User.id.desc()))}
    keys = {org.id: key for key, org in city.communities.items()}
    plans = []
    for project in db.session.scalars(select(Project).where(Project.id.in_(list(delivery))).order_by(Project.id)):
        user_id = providers.get(project.implementer_id)
        if user_id is None or project.community_id not in keys:
            continue
        day = clock.local(delivery[project.id]).date() + 7 * DAY
        last = clock.local(min(ended.get(project.id, now), now - DAY)).date()
        while day < last:
            at, hours = rng.choice(EVENT_SLOTS[:4])
            title = f"{project.title}·志愿者服务"[:200]
            plans.append(Plan(keys[project.community_id], project.implementer_id, user_id, title,
                              category_of(project.title), project.location[:200] or "社区活动室", moment(day, at),
                              moment(day, at) + timedelta(hours=hours), rng.choice([6, 8, 10]), project.id))
            day += timedelta(days=rng.randint(21, 35))
    return [p for p in plans if p.ends_at + timedelta(hours=2) <= now]


def attend(rng, people, plans, now):
    """Who signed up for what, who came, for how long, and the service entries their check-outs made."""
    by_community = defaultdict(list)
    for person in people:
        by_community[person.community].append(person)
    signups, entries = [], []
    for index, plan in enumerate(plans):
        created = plan.starts_at - timedelta(days=rng.randint(5, 14), hours=rng.randint(0, 8))
        plan.created_at = created
        weekly = "每周" in plan.title
        wanting = [p for p in by_community[plan.community]
                   if p.registered < plan.starts_at - DAY and rng.random() < (p.level if weekly else p.level * 0.8)]
        rng.shuffle(wanting)
        for person in wanting[:plan.places]:
            opened = max(created, person.registered)
            signed = opened + (plan.starts_at - timedelta(hours=2) - opened) * rng.random()
            row = {"plan": index, "person": person, "signed_up_at": signed, "status": "signed_up",
                   "checked_in_at": None, "checked_out_at": None, "recorded_by_id": None, "hours": None}
            roll = rng.random()
            if plan.state == "cancelled" or roll < 0.04:
                row["status"] = "cancelled"
            elif roll < 0.11:
                row.update(status="no_show", recorded_by_id=plan.created_by_id)
            else:
                checked_in = plan.starts_at + timedelta(minutes=rng.randint(-20, 10))
                checked_out = plan.ends_at + timedelta(minutes=rng.randint(-10, 15))
                if rng.random() < 0.08:  # left early
                    checked_out = checked_in + timedelta(minutes=rng.randint(40, 80))
                served = Decimal((checked_out - checked_in).total_seconds()) / Decimal(3600)
                hours = ledger.credited_hours(served)
                points = ledger.points_for(hours, plan.category)
                row.update(status="completed", checked_in_at=checked_in, checked_out_at=checked_out,
                           recorded_by_id=plan.created_by_id, hours=hours)
                person.hours += hours
                person.points += points
                person.earned.append((checked_out, points))
                entries.append({"signup": len(signups), "person": person, "at": checked_out, "hours": hours,
                                "points": points, "note": plan.title[:200], "recorded_by_id": plan.created_by_id})
            signups.append(row)
    return signups, entries


def returning_ids(model, rows) -> list[int]:
    """INSERT the rows in one statement and return their ids in order."""
    if not rows:
        return []
    table = model.__table__  # Core: the ORM's bulk path costs more per row
    result = db.session.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True), rows)
    return [row[0] for row in result]


def insert_all(people, plans, signups, entries, city):
    orgs = {key: city.communities[key].id for key in COMMUNITIES}
    user_ids = returning_ids(User, [
        {"username": p.username, "password_hash": p.password_hash, "display_name": p.real_name, "role": "resident",
         "organisation_id": orgs[p.community], "active": True, "created_at": p.registered} for p in people])
    for person, user_id in zip(people, user_ids):
        person.user_id = user_id
    ids = returning_ids(Volunteer, [
        {"user_id": p.user_id, "community_id": orgs[p.community], "real_name": p.real_name,
         "id_number": p.id_number, "phone": p.phone, "skills": p.skills, "consent_public": p.consent,
         "registered_at": p.registered, "balance": p.points, "hours_total": p.hours} for p in people])
    for person, volunteer_id in zip(people, ids):
        person.id = volunteer_id
    ids = returning_ids(Activity, [
        {"organiser_org_id": p.organiser_org_id, "community_id": orgs[p.community], "project_id": p.project_id,
         "title": p.title, "category": p.category, "description": "", "place": p.place, "starts_at": p.starts_at,
         "ends_at": p.ends_at, "places": p.places, "state": p.state, "checkin_token": secrets.token_urlsafe(16),
         "created_by_id": p.created_by_id, "created_at": p.created_at} for p in plans])
    for plan, activity_id in zip(plans, ids):
        plan.id = activity_id
    ids = returning_ids(SignUp, [
        {"activity_id": plans[s["plan"]].id, "volunteer_id": s["person"].id, "signed_up_at": s["signed_up_at"],
         "status": s["status"], "checked_in_at": s["checked_in_at"], "checked_out_at": s["checked_out_at"],
         "recorded_by_id": s["recorded_by_id"], "hours": s["hours"]} for s in signups])
    db.session.execute(insert(PointEntry.__table__), [
        {"volunteer_id": e["person"].id, "at": e["at"], "kind": "service", "hours": e["hours"],
         "points": e["points"], "signup_id": ids[e["signup"]], "correction_id": None, "redemption_id": None,
         "note": e["note"], "recorded_by_id": e["recorded_by_id"]} for e in entries])
    db.session.flush()
    periods.refill()  # the entries went in without procure.volunteers.ledger: count their months and years


# ---- through the operations -----------------------------------------------------------------------------

def user_of(person) -> User:
    return db.session.get(User, person.user_id)


def upcoming(rng, city, staff, people, now, manual):
    """Each community publishes one or two activities for the coming fortnight; residents sign up."""
    from procure.volunteers import operations

    by_community = defaultdict(list)
    for person in people:
        by_community[person.community].append(person)
    manual.moment = now - timedelta(days=2)
    published = []
    for key in COMMUNITIES:
        name = COMMUNITIES[key][0]
        for _ in range(rng.choice([1, 2])):
            category = rng.choice(list(EVENTS))
            title = rng.choice([t for t, m in EVENTS[category] if m is None])
            at, hours = rng.choice(EVENT_SLOTS)
            day = clock.local(now).date() + timedelta(days=rng.randint(3, 14))
            begins = moment(day, at)
            published.append((key, operations.publish_activity(staff[key], MultiDict({
                "title": title, "category": category, "place": name + rng.choice(PLACES),
                "description": "欢迎社区居民报名参加。", "starts_at": begins.isoformat(),
                "ends_at": (begins + timedelta(hours=hours)).isoformat(), "places": str(rng.choice([10, 15, 20]))}))))
    implementing = db.session.scalars(select(Project).where(Project.state == "in_delivery").order_by(Project.id))
    keys = {org.id: key for key, org in city.communities.items()}
    for project in implementing:
        provider = db.session.scalar(select(User).where(User.organisation_id == project.implementer_id,
                                                        User.role == "provider").order_by(User.id))
        if provider is None or project.community_id not in keys:
            continue
        begins = moment(clock.local(now).date() + timedelta(days=rng.randint(4, 12)), time(9, 30))
        published.append((keys[project.community_id], operations.publish_activity(provider, MultiDict({
            "title": f"{project.title}·志愿者服务"[:200], "category": category_of(project.title),
            "place": (project.location or "社区活动室")[:200], "starts_at": begins.isoformat(),
            "ends_at": (begins + timedelta(hours=2)).isoformat(), "places": "8", "project_id": str(project.id)}))))
    manual.moment = now - DAY
    for key, activity in published:
        volunteers = [p for p in by_community[key] if rng.random() < p.level * 0.6 or p.username == "resident1"]
        for person in volunteers[:activity.places - 2]:
            try:
                operations.sign_up(user_of(person), activity.id)
            except GuardFailed:  # already holds a place at that time: the operation says so, they let it be
                continue


CORRECTION_REASONS = ["签退时工作人员漏扫，实际服务到活动结束", "我提前到场布置会场，签到晚录了",
                      "活动延时结束，签退记录时间有误"]


def corrections(rng, city, people, staff, now, manual):
    """Corrections asked for on short records: most approved, some refused with a reason, one still waiting."""
    from procure.volunteers import operations

    cap = ledger.credited_hours(Decimal(99))
    short = db.session.execute(
        select(SignUp.id, SignUp.volunteer_id, SignUp.checked_out_at, Activity.id, Activity.community_id)
        .join(Activity, Activity.id == SignUp.activity_id)
        .where(SignUp.status == "completed", SignUp.hours < cap, Activity.project_id.is_(None),
               SignUp.checked_out_at > now - timedelta(days=150), SignUp.checked_out_at < now - timedelta(days=6))
        .order_by(SignUp.id)).all()
    by_id = {p.id: p for p in people}
    keys = {community.id: key for key, community in city.communities.items()}
    resident1 = next(p for p in people if p.username == "resident1")
    mine = [row for row in short if row[1] == resident1.id][-1:]
    # the latest short record in 幸福里社区 (community1) waits for its decision
    waiting = [row for row in short if keys[row[4]] == "xingfuli" and row[1] != resident1.id][-1:]
    others = [row for row in short if row[1] != resident1.id and row not in waiting]
    chosen = sorted(mine + rng.sample(others, min(8, len(others))), key=lambda row: row[2])
    for n, (signup_id, volunteer_id, out, activity_id, community_id) in enumerate(chosen + waiting):
        manual.moment = out + timedelta(days=1, hours=2)
        correction = operations.request_correction(user_of(by_id[volunteer_id]), signup_id, MultiDict({
            "requested_hours": str(cap), "reason": rng.choice(CORRECTION_REASONS)}))
        if n == len(chosen):
            continue  # left for the community to decide
        manual.moment = out + timedelta(days=3, hours=4)
        approve = n % 3 != 2
        reason = "" if approve else "签到签退记录与现场照片一致，该志愿者提前离开，维持原记录"
        operations.decide_correction(staff[keys[community_id]], activity_id, correction.id, approve,
                                     MultiDict({"reason": reason}))


def catalogue(rng, city, staff, people, start, now, manual):
    """Each community's catalogue (four to six items), and the redemptions of the last eight months, each made
    when the volunteer's points then covered it."""
    from procure.redemption import operations

    items = defaultdict(list)
    for key in COMMUNITIES:
        manual.moment = start + timedelta(days=40 + rng.randint(0, 20))
        for name, kind, price, stock, description in rng.sample(ITEMS, rng.randint(4, 6)):
            items[key].append(operations.add_item(city.communities[key], staff[key], MultiDict({
                "name": name, "kind": kind, "points_price": str(price), "stock": str(stock),
                "description": description, "active": "y"})))
    attempts = []
    for person in people:
        if person.points >= 10 and (rng.random() < 0.5 or person.username == "resident1"):
            for _ in range(rng.randint(1, 3)):
                attempts.append((now - timedelta(days=rng.randint(3, 240), hours=rng.randint(0, 10)), person))
    attempts.sort(key=lambda pair: pair[0])
    spent = defaultdict(Decimal)
    for at, person in attempts:
        earned = sum((points for moment_, points in person.earned if moment_ <= at), Decimal(0))
        affordable = [item for item in items[person.community]
                      if item.points_price <= earned - spent[person.id] and item.stock > 0]
        if not affordable:
            continue
        item = rng.choice(affordable)
        manual.moment = at
        operations.redeem(item, user_of(person))
        spent[person.id] += item.points_price


def talent(rng, people, staff, now, manual):
    """About forty profiles of volunteers with skills; most certificates checked, most profiles admitted."""
    from procure.talent import operations

    skilled = [p for p in people if p.skills and p.registered < now - timedelta(days=40)]
    resident1 = [p for p in skilled if p.username == "resident1"]
    chosen = resident1 + rng.sample([p for p in skilled if p not in resident1], min(40, len(skilled)) - len(resident1))
    for person in sorted(chosen, key=lambda p: p.registered):
        user = user_of(person)
        volunteer = db.session.get(Volunteer, person.id)
        listed = [word for word in person.skills.split(",") if word in PROFESSIONS]
        free = [word for word in person.skills.split(",") if word not in PROFESSIONS]
        profession, certificate, issuer = PROFESSIONS[listed[0]]
        manual.moment = max(person.registered + timedelta(days=rng.randint(1, 30)), now - timedelta(days=200))
        operations.save_profile(volunteer, user, MultiDict(
            [("profession", profession), ("other_skills", "、".join(free)),
             ("availability", rng.choice(AVAILABILITY))] + [("skills", word) for word in listed]))
        added = None
        if certificate and rng.random() < 0.8:
            added = operations.add_certificate(volunteer, user, MultiDict({
                "name": certificate, "issuer": issuer, "number": f"{rng.randrange(10 ** 11):011d}",
                "valid_until": (now + timedelta(days=rng.randint(200, 1500))).date().isoformat()}))
        manual.moment += timedelta(days=rng.randint(2, 9))
        if added is not None and rng.random() < 0.85:
            operations.check_certificate(volunteer, staff[person.community], added.id)
        if rng.random() < 0.7:
            operations.admit(volunteer, staff[person.community])


PROJECT_SKILLS = ["social_worker", "nurse", "psychologist", "electrician", "teacher", "lawyer"]


def project_skills(cast, now, manual):
    """The skills four micro-projects of community1 and community2, proposed or under way, need."""
    from procure.talent import operations

    manual.moment = now - timedelta(hours=3)
    users = {cast["community1"].organisation_id: cast["community1"], cast["community2"].organisation_id:
             cast["community2"]}
    found = db.session.scalars(select(Project).where(
        Project.community_id.in_(list(users)),
        Project.state.in_(("draft", "submitted", "approved", "cataloged", "tendering", "contracted", "in_delivery")))
        .order_by(Project.id).limit(4)).all()
    for n, project in enumerate(found):
        for skill in dict.fromkeys(["social_worker", PROJECT_SKILLS[n % len(PROJECT_SKILLS)]]):
            operations.add_project_skill(project, users[project.community_id], MultiDict({"skill": skill}))
