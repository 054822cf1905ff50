"""The evaluation-firm register (accreditation, specialties, staff), the firms' recorded past engagements and
the elderly-care indicator template: all entered by the city bureau through the same operations as on the
pages, at the start of the demo's time line."""
from datetime import timedelta

from procure import clock
from procure.demo.organisations import City
from procure.evaluators import operations as evaluators
from procure.formfields import json_to_formdata
from procure.performance_evaluation.operations import create_template
from procure.performance_evaluation.templates import SCALE_ANCHORS

# key: (accreditation, years valid from the start of the demo (negative: lapsed), specialties, staff count,
#       staff as (name, qualification, title, username or None))
REGISTER = {
    "mingjian": ("××市民政局社会组织第三方评估机构备案（2023第07号）", 3, "A, B", 14, [
        ("钱文博", "高级经济师", "总经理", None),
        ("郑凯", "社会工作者职业资格（中级）", "评估项目经理", "evaluator1"),
        ("林晓", "注册会计师", "财务评估师", None),
        ("周悦", "社会工作者职业资格（初级）", "评估助理", None)]),
    "zhengheng": ("××市民政局社会组织第三方评估机构备案（2022第03号）", 2, "A, B", 9, [
        ("冯雅琴", "高级会计师", "执行董事", None),
        ("孙倩", "社会工作者职业资格（中级）", "评估项目负责人", "evaluator2"),
        ("郭明", "咨询工程师（投资）", "评估师", None)]),
    "hengxin": ("××市民政局社会组织第三方评估机构备案（2024第11号）", 3, "A", 7, [
        ("许国平", "高级社会工作师", "总经理", None),
        ("陶然", "心理咨询师（二级）、社会工作者职业资格（中级）", "评估师", "evaluator3"),
        ("梁静", "公共管理硕士", "评估助理", None)]),
    # Its accreditation lapsed three weeks into the demo's time line: every draw after that leaves it out.
    "jinghua": ("××市民政局社会组织第三方评估机构备案（2021第05号）", None, "A", 6, [
        ("沈立群", "高级经济师", "所长", None),
        ("何平", "社会工作者职业资格（中级）", "评估师", None)]),
}
LAPSE_DAYS = 21
# (firm, counterpart group, counterpart key, what the firm did, started and ended: days before the demo starts)
ENGAGEMENTS = [
    ("zhengheng", "providers", "sunshine",
     "受××市阳光社会工作服务中心委托，开展机构内部治理评估及社会组织等级评估申报辅导（咨询服务合同）。", 220, 90),
    ("mingjian", "communities", "heping",
     "受和平社区居民委员会委托，对社区“微治理”公益创投项目开展中期和结项评估。", 300, 150),
]

ELDERLY_TEMPLATE = "养老服务绩效评价指标"
_RATIO, _SCALE, _YES_NO = "ratio", "scale", "yes_no"
# (code, parent, name, weight, kind, guidance): the tree for 养老服务 (A0101), three levels under 产出.
ELDERLY_ROWS = [
    ("decision", None, "决策", 20, None, ""),
    ("decision.basis", "decision", "立项依据充分性", 50, _SCALE, "老年人需求调查、居民议事会决议和政策依据是否充分"),
    ("decision.goals", "decision", "绩效目标合理性", 50, _SCALE, "服务人次、建档、满意度等目标是否具体、可衡量"),
    ("implementation", None, "过程", 20, None, ""),
    ("implementation.funds", "implementation", "资金使用合规性", 40, _YES_NO, "餐食补贴和人员经费是否专款专用、凭证齐全（是记 1，否记 0）"),
    ("implementation.staff", "implementation", "服务人员持证上岗率", 30, _RATIO, "持养老护理员或社会工作者证书上岗人数 ÷ 服务人员总数"),
    ("implementation.safety", "implementation", "食品及服务安全管理", 30, _SCALE, "食品留样、送餐和上门服务的安全制度及应急处置"),
    ("output", None, "产出", 40, None, ""),
    ("output.service", "output", "服务人次完成率", 40, None, ""),
    ("output.service.meals", "output.service", "助餐（送餐）人次完成率", 50, _RATIO, "实际助餐人次 ÷ 合同约定人次"),
    ("output.service.visits", "output.service", "上门探访人次完成率", 50, _RATIO, "实际上门服务人次 ÷ 合同约定人次"),
    ("output.records", "output", "老人服务档案建档率", 30, _RATIO, "已建档老人数 ÷ 计划服务老人数"),
    ("output.timeliness", "output", "按时送达（上门）率", 30, _RATIO, "按约定时间送达或上门的次数 ÷ 抽查次数"),
    ("effect", None, "效益", 20, None, ""),
    ("effect.wellbeing", "effect", "老年人生活质量改善", 30, _SCALE, "老人饮食、照料和社会交往的改善情况"),
    ("effect.family", "effect", "家庭照护负担减轻", 20, _SCALE, "家属和照护者的照护压力是否减轻"),
    ("effect.satisfaction", "effect", "老人及家属满意度", 50, "satisfaction", "居民满意度问卷中“满意”及以上的比例"),
]


def build(city: City, people) -> None:
    """The register entries, the engagements and the elderly-care template, entered by bureau1 today."""
    bureau, today = people["bureau1"], clock.today()
    for key, (accreditation, years, specialties, count, staff) in REGISTER.items():
        until = today + timedelta(days=LAPSE_DAYS) if years is None else clock.add_years(today, years)
        evaluators.update_profile(city.evaluators[key], bureau, json_to_formdata({
            "accreditation": accreditation, "accredited_until": until.isoformat(), "specialties": specialties,
            "staff_count": count, "active": True,
            "staff": [{"name": name, "qualification": held, "title": title,
                       "user_id": people[username].id if username else None}
                      for name, held, title, username in staff]}))
    for firm, group, key, description, started, ended in ENGAGEMENTS:
        evaluators.record_engagement(city.evaluators[firm], bureau, json_to_formdata({
            "counterpart_id": getattr(city, group)[key].id, "description": description,
            "started_on": (today - timedelta(days=started)).isoformat(),
            "ended_on": (today - timedelta(days=ended)).isoformat()}))
    create_template(bureau, json_to_formdata({
        "name": ELDERLY_TEMPLATE, "category_code": "A0101",
        "indicators": [{"code": code, "parent": parent or "", "name": name, "weight": weight, "kind": kind or "",
                        "scale_max": 5 if kind == _SCALE else None,
                        "anchors": SCALE_ANCHORS if kind == _SCALE else "", "guidance": guidance}
                       for code, parent, name, weight, kind, guidance in ELDERLY_ROWS]}))
