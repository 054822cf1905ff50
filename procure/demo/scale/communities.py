"""The communities of the scaled city: the demo's, and new ones modelled on them. A new community is a sister of
a demo community: under the same street office (whose reviewer reviews its proposals), of the same class and with a
residents' council of the same size (so the copies of its sister's proposals name its council truly), and with a
community worker's account (the demo password)."""
import random
import re
from dataclasses import dataclass, field

from procure.demo.volunteers import GIVEN_F, GIVEN_M, SURNAMES

PLACES = ("东湖 西溪 南岸 北苑 翠柳 银杏 紫荆 桂花 梧桐 枫林 松涛 竹园 荷塘 柳营 星河 明月 朝阳 春晖 秋实 青石 白塔 "
          "红旗 光明 新华 建设 胜利 前进 长虹 金沙 玉泉 清水 丰收 和睦 安居 康乐 福寿 锦绣 宏图 文昌 书香").split()
KINDS = "新村 花园 家园 小区 里 苑 坊 湾 嘉园 名居".split()
NUMERALS = "二三四五六七八九"
STAFF_USERNAME = re.compile(r"community(\d+)")


@dataclass
class Community:
    org_id: int
    name: str
    division_code: str
    community_class: str
    council: int | None
    staff_user_id: int | None

    @property
    def family(self) -> tuple:
        """Sisters share their street office (the division code's first 9 digits), class and council size."""
        return self.division_code[:9], self.community_class, self.council


@dataclass
class Communities:
    """The communities by family and by organisation id, demo and new."""
    by_family: dict = field(default_factory=dict)
    by_org: dict = field(default_factory=dict)

    def add(self, community: Community):
        self.by_family.setdefault(community.family, []).append(community)
        self.by_org[community.org_id] = community


def existing(bulk, organisations, users) -> Communities:
    """The communities there are, each with its worker (the first community account of its organisation)."""
    found = Communities()
    staff = {}
    for user_id, org_id in bulk.connection.exec_driver_sql(
            "SELECT id, organisation_id FROM users WHERE role = 'community' ORDER BY id").fetchall():
        staff.setdefault(org_id, user_id)
    for org_id, name, division, kind, council in bulk.connection.exec_driver_sql(
            "SELECT id, name, division_code, community_class, members_total FROM organisations "
            "WHERE kind = 'community' ORDER BY id").fetchall():
        found.add(Community(org_id, name, division, kind, council, staff.get(org_id)))
    return found


def add_communities(bulk, metadata, city: Communities, wanted: dict, rng: random.Random) -> int:
    """Add sisters until each family holds `wanted[family]`: a copy of the family's first community under a new
    name and division code, and a worker's account copied from that community's worker (same password hash).
    Returns how many were added."""
    organisations, users = metadata.tables["organisations"], metadata.tables["users"]
    org_columns = [c.name for c in organisations.columns]
    user_columns = [c.name for c in users.columns]
    templates = {row[0]: row for row in bulk.read(organisations, "kind = 'community'")}
    workers = {row[user_columns.index("organisation_id")]: row for row in bulk.read(users, "role = 'community'")}
    names = {c.name for c in city.by_org.values()}
    taken_usernames = {row[0] for row in bulk.connection.exec_driver_sql("SELECT username FROM users").fetchall()}
    number = max([int(m.group(1)) for m in map(STAFF_USERNAME.fullmatch, taken_usernames) if m] or [0])
    next_org, next_user = bulk.next_id(organisations), bulk.next_id(users)
    new_orgs, new_users, added = [], [], 0
    names_iter = _names(names)
    used = {}
    for community in city.by_org.values():
        used.setdefault(community.division_code[:9], set()).add(int(community.division_code[9:]))
    for family, count in wanted.items():
        model = next(c for c in city.by_family[family] if c.staff_user_id is not None and c.org_id in templates)
        street = family[0]
        while len(city.by_family[family]) < count:
            sequence = next(n for n in range(1, 1000) if n not in used[street])
            used[street].add(sequence)
            name = next(names_iter)
            division = f"{street}{sequence:03d}"
            org = dict(zip(org_columns, templates[model.org_id]))
            district = (org["contact"] or "")[:3]
            org.update(id=next_org, name=name, division_code=division, credit_code=None,
                       contact=f"{district}{name[:-2]}路{rng.randint(1, 300)}号 · 8800 {division[-4:]}")
            worker = dict(zip(user_columns, workers[model.org_id]))
            number += 1
            female = rng.random() < 0.6
            worker.update(id=next_user, username=f"community{number:02d}", organisation_id=next_org,
                          display_name=rng.choice(SURNAMES) + rng.choice(GIVEN_F if female else GIVEN_M))
            new_orgs.append(tuple(org[c] for c in org_columns))
            new_users.append(tuple(worker[c] for c in user_columns))
            city.add(Community(next_org, name, division, model.community_class, model.council, next_user))
            next_org, next_user, added = next_org + 1, next_user + 1, added + 1
    bulk.write(organisations, new_orgs)
    bulk.write(users, new_users)
    return added


def _names(taken: set):
    """Community names not yet taken: 东湖新村社区, 东湖花园社区 … then 东湖新村二社区 …"""
    for suffix in ("", *NUMERALS):
        for place in PLACES:
            for kind in KINDS:
                name = f"{place}{kind}{suffix}社区"
                if name not in taken:
                    taken.add(name)
                    yield name
    raise RuntimeError("no more community names")
