"""The demo providers' register entries: verified profiles with ratings, founding dates, service areas and teams,
and each requirement's evidence, uploaded by the provider and verified by the bureau."""
from datetime import date
from io import BytesIO

from werkzeug.datastructures import FileStorage, MultiDict

from procure import clock
from procure.demo.organisations import PROVIDERS, City
from procure.extensions import db
from procure.attachments.operations import upload_evidence
from procure.providers.eligibility import REQUIREMENT_LABELS
from procure.providers.models import REQUIREMENTS, ProviderProfile, TeamMember
from procure.providers.operations import verify_requirement

REGISTRATION_BY_CATEGORY = {"1": "social_group", "2": "social_service_agency", "3": "foundation"}

SENIOR, JUNIOR = "社会工作者职业资格（中级）", "社会工作者职业资格（初级）"

# key: (founded on, rating, service areas, contact, team as (name, qualification, role))
PROFILES = {
    "sunshine": (date(2012, 5, 18), "5A", "养老服务；儿童关爱；社区治理", "城东路88号 · 8811 0001",
                 [("陈静", "高级社会工作师", "理事长"), ("周婷", SENIOR, "项目主管"), ("方立", JUNIOR, "一线社工")]),
    "tongxin": (date(2014, 9, 2), "4A", "社区治理；邻里互助；矛盾纠纷调解", "湖滨大道20号 · 8811 0002",
                [("刘海涛", SENIOR, "主任"), ("吴磊", JUNIOR, "项目社工"), ("钟岚", "人民调解员证", "调解专员")]),
    "leling": (date(2016, 3, 11), "4A", "居家养老；长者助餐；适老化改造", "青山区明德路5号 · 8811 0003",
               [("赵秀英", "养老护理员（高级）", "中心主任"), ("何佳", JUNIOR, "个案社工"),
                ("邱敏", "健康管理师", "健康顾问")]),
    "xinqing": (date(2017, 7, 20), "3A", "心理健康；青少年服务；家庭服务", "文教路12号 · 8811 0004",
                [("孙晓梅", "心理咨询师（二级）", "负责人"), ("林思远", SENIOR, "项目主管")]),
    "volunteer": (date(2010, 12, 5), "5A", "社区志愿服务；全民健身；文化活动", "市民中心B座 · 8811 0005",
                  [("周建国", "", "会长"), ("蒋丽萍", JUNIOR, "志愿服务协调员"), ("唐宁", "社会体育指导员", "活动专员")]),
    "youth": (date(2011, 6, 1), "4A", "儿童关爱；青少年发展；助学", "青年路66号 · 8811 0006",
              [("吴志强", "", "理事长"), ("韩冰", SENIOR, "秘书长")]),
    "neighbour": (date(2018, 4, 16), "3A", "邻里互助；社区安全；环境服务", "湖滨区和平街12号 · 8811 0007",
                  [("郑玉兰", SENIOR, "主任"), ("曹敏", JUNIOR, "社区社工"), ("许诺", "", "志愿者督导")]),
    "yikang": (date(2013, 10, 28), "3A", "健康促进；残疾人服务；慢病管理", "健康路3号 · 8811 0008",
               [("黄伟", "执业医师", "会长"), ("彭程", "健康管理师", "项目主管"), ("白雪", JUNIOR, "康复社工")]),
}
assert set(PROFILES) == set(PROVIDERS)


# The evidence each requirement is proved with (the file the provider uploads, as text).
EVIDENCE = {
    "civil_liability": ("登记证书.txt", "民政部门颁发的登记证书（正副本）"),
    "sound_accounts": ("年度审计报告.txt", "上一年度财务审计报告"),
    "capacity": ("服务能力说明.txt", "场地、人员与专业资质说明"),
    "tax_record": ("无欠税证明.txt", "税务机关出具的无欠税证明"),
    "social_security_record": ("社保缴费证明.txt", "社会保险经办机构出具的缴费证明"),
}
assert set(EVIDENCE) == set(REQUIREMENTS)
# Whose social-security evidence, renewed at the end of the demo, still waits for the bureau's verification:
# the register page shows what is missing and why the provider may not bid today.
RENEWED = "neighbour"


def _evidence(org, requirement, note) -> FileStorage:
    name, what = EVIDENCE[requirement]
    text = f"{org.name}\n{REQUIREMENT_LABELS[requirement]}\n{what}\n{note}\n"
    return FileStorage(stream=BytesIO(text.encode()), filename=name)


def prove(org, provider_user, bureau_user, requirement, note, verify=True) -> None:
    """The provider uploads its evidence of `requirement`; the bureau verifies it today (unless not `verify`)."""
    upload_evidence(org, provider_user, requirement, _evidence(org, requirement, note), note)
    if verify:
        verify_requirement(org, bureau_user, requirement, MultiDict())


def renew_one(city: City, people) -> None:
    """One provider renews its social-security evidence; the bureau has not verified it yet."""
    org = city.providers[RENEWED]
    upload_evidence(org, people.provider(RENEWED), "social_security_record",
                    _evidence(org, "social_security_record", "本年度缴费证明（更新）"), "本年度缴费证明（更新）")


def prove_all(city: City, bureau_user, people, manual, moment) -> None:
    """Each provider proves every requirement at `moment` (a week before the first tender or agreement, so
    that one verification covers every bid and award of the demo year); the clock goes back afterwards."""
    before, manual.moment = manual.moment, moment
    for key in PROFILES:
        for requirement in REQUIREMENTS:
            prove(city.providers[key], people.provider(key), bureau_user, requirement,
                  f"{clock.local(moment).year}年度")
    db.session.flush()
    manual.moment = before


def build(city: City, bureau_user) -> None:
    """Each demo provider's profile, verified by the city bureau."""
    for key, (founded, rating, areas, contact, team) in PROFILES.items():
        org = city.providers[key]
        profile = ProviderProfile(
            organisation_id=org.id, registration_type=REGISTRATION_BY_CATEGORY[PROVIDERS[key][1]],
            founded_on=founded, rating=rating, annual_inspection="qualified", service_areas=areas, contact=contact,
            public_welfare_class_one=False, verified_at=clock.now(), verified_by_id=bureau_user.id,
            updated_at=clock.now(),
            team=[TeamMember(name=n, qualification=q, role=r) for n, q, r in team])
        db.session.add(profile)
    db.session.flush()
