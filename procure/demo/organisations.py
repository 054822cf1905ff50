"""The demo city ××市: its civil-affairs bureau, two street offices, communities, providers and evaluators.

Division codes are fictional but well shaped: the city 330100, the districts 青山区 330102 and
湖滨区 330105, one street office in each, and 12-digit community codes under the street offices.
Credit codes are completed with their check character (GB 32100), so they all validate.
"""
from dataclasses import dataclass, field

from procure.accounts.models import Division, Organisation
from procure.codes import make_uscc
from procure.extensions import db

CITY_BUREAU = "××市民政局"

# key: (name, division code)
GOVERNMENT = {
    "city": (CITY_BUREAU, "330100"),
    "mingde": ("××市青山区明德街道办事处", "330102001000"),
    "linhu": ("××市湖滨区临湖街道办事处", "330105002000"),
}

# The division names the public figures group by (city and districts).
DIVISIONS = {"330100": "××市", "330102": "青山区", "330105": "湖滨区"}

# key: (name, 12-digit division code, class, residents' council members, contact)
COMMUNITIES = {
    "xingfuli": ("幸福里社区", "330102001001", "mature", 15, "青山区明德路18号 · 8800 1001"),
    "nanmen": ("南门村社区", "330102001002", "urban_village", 13, "青山区南门村路6号 · 8800 1002"),
    "fangzhi": ("纺织厂社区", "330102001003", "work_unit", 11, "青山区纺织路52号 · 8800 1003"),
    "laojie": ("老街社区", "330102001004", "no_property", 9, "青山区老街巷9号 · 8800 1004"),
    "jingui": ("金桂苑社区", "330102001005", "mature", 17, "青山区金桂路200号 · 8800 1005"),
    "yangliu": ("杨柳湾社区", "330102001006", "village_converted", 19, "青山区杨柳湾路1号 · 8800 1006"),
    "tielu": ("铁路新村社区", "330102001007", "work_unit", 13, "青山区站前路33号 · 8800 1007"),
    "heping": ("和平社区", "330105002001", "urban_village", 15, "湖滨区和平街88号 · 8800 2001"),
    "yugang": ("渔港社区", "330105002002", "village_converted", 21, "湖滨区渔港路15号 · 8800 2002"),
    "wanghu": ("望湖社区", "330105002003", "mature", 15, "湖滨区望湖路120号 · 8800 2003"),
    "jixie": ("机械厂社区", "330105002004", "work_unit", 11, "湖滨区机械厂路7号 · 8800 2004"),
    "shuangjing": ("双井社区", "330105002005", "no_property", 9, "湖滨区双井巷21号 · 8800 2005"),
    "dongan": ("东岸村社区", "330105002006", "village_converted", 17, "湖滨区东岸路66号 · 8800 2006"),
    "cuihu": ("翠湖社区", "330105002007", "mature", 13, "湖滨区翠湖路9号 · 8800 2007"),
}

# key: (name, category (1 社会团体, 2 民办非企业单位, 3 基金会), division, organisation code, legal representative)
# Registration authority 5 (民政); every provider has its own legal representative (none are related).
PROVIDERS = {
    "sunshine": ("××市阳光社会工作服务中心", "2", "330100", "MJ5A27318", "陈静"),
    "tongxin": ("××市同心社会工作服务社", "2", "330100", "MJ6B40925", "刘海涛"),
    "leling": ("××市青山区乐龄居家养老服务中心", "2", "330102", "MJ1C88462", "赵秀英"),
    "xinqing": ("××市心晴心理健康服务中心", "2", "330100", "MJ3D17590", "孙晓梅"),
    "volunteer": ("××市志愿服务联合会", "1", "330100", "MJ0E52736", "周建国"),
    "youth": ("××市青少年发展基金会", "3", "330100", "MJ2F63041", "吴志强"),
    "neighbour": ("××市湖滨区邻里守望社区服务中心", "2", "330105", "MJ7G29153", "郑玉兰"),
    "yikang": ("××市益康健康促进会", "1", "330100", "MJ4H91827", "黄伟"),
}

# key: (name, organisation code, legal representative); companies: authority 9, category 1.
EVALUATORS = {
    "mingjian": ("××市明鉴项目评估咨询有限公司", "MA2K7L3N9", "钱文博"),
    "zhengheng": ("××市正衡管理咨询有限公司", "MA5P8Q1R4", "冯雅琴"),
    "hengxin": ("××市衡信公共事务评估有限公司", "MA9T4W6X2", "许国平"),
    "jinghua": ("××市景华社会服务评估事务所有限公司", "MA3U5H7Y8", "沈立群"),  # its accreditation has lapsed
}


def provider_code(category: str, division: str, organisation_code: str) -> str:
    return make_uscc(f"5{category}{division}{organisation_code}")


def company_code(division: str, organisation_code: str) -> str:
    return make_uscc(f"91{division}{organisation_code}")


@dataclass
class City:
    """The organisations by key, as built."""

    government: dict = field(default_factory=dict)
    communities: dict = field(default_factory=dict)
    providers: dict = field(default_factory=dict)
    evaluators: dict = field(default_factory=dict)


def build() -> City:
    city = City()
    for key, (name, division) in GOVERNMENT.items():
        city.government[key] = Organisation(kind="government", name=name, division_code=division)
    for key, (name, division, cls, _members, contact) in COMMUNITIES.items():  # councils: register_councils
        city.communities[key] = Organisation(kind="community", name=name, division_code=division,
                                             community_class=cls, contact=contact)
    for key, (name, category, division, org_code, representative) in PROVIDERS.items():
        city.providers[key] = Organisation(kind="provider", name=name, division_code=division,
                                           credit_code=provider_code(category, division, org_code),
                                           legal_representative=representative)
    for key, (name, org_code, representative) in EVALUATORS.items():
        city.evaluators[key] = Organisation(kind="evaluator", name=name, division_code="330100",
                                            credit_code=company_code("330100", org_code),
                                            legal_representative=representative)
    for code, name in DIVISIONS.items():
        if db.session.get(Division, code) is None:
            db.session.add(Division(code=code, name=name))
    for group in (city.government, city.communities, city.providers, city.evaluators):
        db.session.add_all(group.values())
    db.session.flush()
    return city


def register_councils(city: City, people, manual_clock):
    """Each community's staff register its residents' council (audited) before its first proposal; 幸福里's
    council grew by two members at its re-election a week later (a change with its reason)."""
    from datetime import timedelta

    from procure.council.operations import set_council_size
    from procure.formfields import json_to_formdata

    for key, community in city.communities.items():
        size = COMMUNITIES[key][3] - (2 if key == "xingfuli" else 0)
        set_council_size(people.by_community[key], community, json_to_formdata({"council_size": size}),
                         community.council_version)
    manual_clock.moment += timedelta(days=7)
    xingfuli = city.communities["xingfuli"]
    set_council_size(people.by_community["xingfuli"], xingfuli, json_to_formdata(
        {"council_size": COMMUNITIES["xingfuli"][3], "reason": "社区居委会换届，居民议事会增补两名楼栋长代表"}),
        xingfuli.council_version)
