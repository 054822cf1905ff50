"""The demo accounts, one password for all, and the cast that plays each project's parts."""
from procure.accounts.models import User
from procure.demo.journey import Cast
from procure.demo.organisations import COMMUNITIES, PROVIDERS, City
from procure.extensions import db

# username: (role, organisation group, organisation key, display name)
STAFF = {
    "admin": ("admin", "government", "city", "系统管理员"),
    "reviewer1": ("reviewer", "government", "city", "李建华"),
    "bureau1": ("bureau", "government", "city", "王晓燕"),
    "reviewer2": ("reviewer", "government", "mingde", "陈志明"),
    "reviewer3": ("reviewer", "government", "linhu", "杨慧"),
    "provider1": ("provider", "providers", "sunshine", "周婷"),
    "provider2": ("provider", "providers", "tongxin", "吴磊"),
    "provider03": ("provider", "providers", "leling", "何佳"),
    "provider04": ("provider", "providers", "xinqing", "林思远"),
    "provider05": ("provider", "providers", "volunteer", "蒋丽萍"),
    "provider06": ("provider", "providers", "youth", "韩冰"),
    "provider07": ("provider", "providers", "neighbour", "曹敏"),
    "provider08": ("provider", "providers", "yikang", "彭程"),
    "evaluator1": ("evaluator", "evaluators", "mingjian", "郑凯"),
    "evaluator2": ("evaluator", "evaluators", "zhengheng", "孙倩"),
    "evaluator3": ("evaluator", "evaluators", "hengxin", "陶然"),
}
# The firms whose evaluators have accounts: the ones the stories assign (景华 lets its accreditation lapse).
ACTIVE_FIRMS = ["mingjian", "zhengheng", "hengxin"]

# community1 and community2 are named in the README; the others are numbered in the order of COMMUNITIES.
COMMUNITY_USERS = {"xingfuli": ("community1", "张丽"), "heping": ("community2", "刘建国")}
COMMUNITY_WORKERS = ["马红梅", "胡振华", "高玉珍", "罗晓东", "梁淑芬", "宋家豪", "唐美玲", "许志刚", "邓秋菊",
                     "冯国强", "曾雪梅", "彭海燕"]

# Which street office reviews the proposals of which communities, when not the city bureau.
STREET_REVIEWERS = {"330102001": "reviewer2", "330105002": "reviewer3"}


def community_usernames() -> dict:
    """community key → username: community1, community2, then community03, community04 …"""
    names, workers, number = {}, iter(COMMUNITY_WORKERS), 3
    for key in COMMUNITIES:
        if key in COMMUNITY_USERS:
            names[key] = COMMUNITY_USERS[key]
        else:
            names[key] = (f"community{number:02d}", next(workers))
            number += 1
    return names


class People:
    """The accounts by username, and the cast for each project."""

    def __init__(self, city: City, users: dict):
        self.city, self.users = city, users
        self.by_community = {key: users[name] for key, (name, _) in community_usernames().items()}
        self.by_provider = {u.organisation_id: u for u in users.values() if u.role == "provider"}
        self.by_evaluator = {u.organisation_id: u for u in users.values() if u.role == "evaluator"}

    def __getitem__(self, username) -> User:
        return self.users[username]

    def provider(self, key) -> User:
        return self.by_provider[self.city.providers[key].id]

    def firm_user(self, org_id) -> User | None:
        return self.by_evaluator.get(org_id)

    def cast(self, spec, index: int, barred=()) -> Cast:
        """The project's community; the city or street reviewer; evaluators and bidders in rotation.

        `spec.provider` leads the list of providers: it wins the tender (综合评分第一) or signs the
        subsidy agreement; the other bidders follow in a rotation that changes from project to project, without
        the providers in `barred` (graded 差 before this project's tender: they stay away from later tenders).
        """
        community = self.by_community[spec.community]
        street = STREET_REVIEWERS[community.organisation.division_code[:9]]
        reviewer = self[street] if index % 3 == 1 else self["reviewer1"]
        firms = ACTIVE_FIRMS
        evaluator = self.by_evaluator[self.city.evaluators[firms[index % len(firms)]].id]
        second = self.by_evaluator[self.city.evaluators[firms[(index + 1) % len(firms)]].id]  # the bid panel
        keys = list(PROVIDERS)
        turn = index % len(keys)
        lead = spec.provider or keys[turn]
        if lead in barred:
            raise RuntimeError(f"demo: {spec.title} is led by {lead}, barred after its poor evaluation")
        others = [k for k in keys[turn:] + keys[:turn] if k != lead and k not in barred]
        providers = [self.provider(k) for k in [lead, *others]]
        return Cast(community=community, reviewer=reviewer, bureau=self["bureau1"], evaluator=evaluator,
                    providers=providers, panel=[evaluator, second], street_office=self[street])


def build(city: City, password_hash: str) -> People:
    """Every account, all with the same (already hashed) demo password."""
    users = {}
    for username, (role, group, key, display) in STAFF.items():
        org = getattr(city, group)[key]
        users[username] = User(username=username, role=role, organisation_id=org.id, display_name=display,
                               password_hash=password_hash)
    for key, (username, display) in community_usernames().items():
        users[username] = User(username=username, role="community", organisation_id=city.communities[key].id,
                               display_name=display, password_hash=password_hash)
    db.session.add_all(users.values())
    db.session.flush()
    return People(city, users)
