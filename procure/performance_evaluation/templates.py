"""Indicator templates: the default one (created when first needed), the tree's rules, creating a template
for a service category and/or community class, and choosing a project's template (the most specific)."""
from decimal import Decimal

from flask import current_app
from flask_babel import lazy_gettext as _l

from procure.errors import Reason
from procure.extensions import db
from procure.performance_evaluation.models import INDICATOR_KINDS, Indicator, IndicatorTemplate
from procure.performance_evaluation.scoring import Node

GROUP_LABELS = {"decision": _l("决策"), "implementation": _l("过程"), "output": _l("产出"), "effect": _l("效益")}
GROUP_NAMES = {"decision": "决策", "implementation": "过程", "output": "产出", "effect": "效益"}  # stored as data
MAX_LEVEL = 3
SCALE_ANCHORS = "5 充分、完全达到；4 较好；3 基本达到；2 部分达到；1 明显不足；0 未达到或无依据"
# The default tree below the groups: (code, name, weight among siblings, kind, scale_max, anchors, guidance).
DEFAULT_LEAVES = {
    "decision": [
        ("decision.basis", "立项依据充分性", 50, "scale", 5, SCALE_ANCHORS, "需求调研、居民议事会决议和政策依据是否充分"),
        ("decision.goals", "目标明确性", 50, "scale", 5, SCALE_ANCHORS, "绩效目标是否具体、可衡量，与需求相符"),
    ],
    "implementation": [
        ("implementation.funds", "资金使用合规性", 40, "yes_no", None, "", "资金是否专款专用、支出凭证齐全（是记 1，否记 0）"),
        ("implementation.rules", "管理制度健全性", 30, "scale", 5, SCALE_ANCHORS, "项目管理、财务和档案制度是否健全并执行"),
        ("implementation.schedule", "进度按时完成", 30, "ratio", None, "", "按时完成的节点数 ÷ 计划节点数"),
    ],
    "output": [
        ("output.quantity", "服务数量完成率", 40, "ratio", None, "", "实际服务人次（场次）÷ 合同约定数量"),
        ("output.quality", "服务质量达标率", 30, "ratio", None, "", "达到质量标准的服务次数 ÷ 抽查服务次数"),
        ("output.beneficiaries", "受益人数完成率", 30, "ratio", None, "", "实际受益人数 ÷ 计划受益人数"),
    ],
    "effect": [
        ("effect.social", "社会效益", 30, "scale", 5,
         "5 显著改善服务对象生活并带动社区参与；3 有一定改善；1 效果不明显；0 无效果", "对服务对象和社区的实际改善"),
        ("effect.sustainability", "可持续影响", 20, "scale", 5, SCALE_ANCHORS, "是否形成长效机制、培育社区骨干和志愿者"),
        ("effect.satisfaction", "服务对象满意度", 50, "satisfaction", None, "", "居民满意度问卷中“满意”及以上的比例"),
    ],
}


def default_template() -> IndicatorTemplate:
    """The default template; created the first time it is needed (a new database has none)."""
    found = db.session.scalar(db.select(IndicatorTemplate).filter_by(is_default=True, active=True)
                              .order_by(IndicatorTemplate.id))
    if found:
        return found
    rows = []
    for code, weight in current_app.config["INDICATOR_WEIGHTS"].items():
        rows.append({"code": code, "parent": None, "name": GROUP_NAMES[code], "weight": weight})
        rows += [{"code": c, "parent": code, "name": n, "weight": w, "kind": k, "scale_max": m, "anchors": a,
                  "guidance": g} for c, n, w, k, m, a, g in DEFAULT_LEAVES[code]]
    return build(rows, name="通用绩效评价指标（默认）", is_default=True)


def _get(row, key, default=None):
    return row.get(key, default) if isinstance(row, dict) else getattr(row, key, default)


def levels(nodes) -> dict[str, int]:
    """Each node's level (1 for the groups); a node whose parent is unknown or circular is left out."""
    parent = {_get(n, "code"): _get(n, "parent") or None for n in nodes}
    found = {}
    for code in parent:
        level, seen, at = 1, {code}, parent[code]
        while at is not None and at in parent and at not in seen:
            seen.add(at)
            level, at = level + 1, parent[at]
        if at is None:
            found[code] = level
    return found


def tree_problems(nodes) -> list[str]:
    """What is wrong with a tree given as rows (code, parent code, name, weight, kind, scale_max): weights
    sum to 100 among the siblings at every level, exactly the four groups at level 1, a kind on every leaf
    and on no other node, at most three levels, a scale of at least 1."""
    problems = []
    codes = [_get(n, "code") for n in nodes]
    names = {_get(n, "code"): _get(n, "name") or _get(n, "code") for n in nodes}
    for code in sorted({c for c in codes if codes.count(c) > 1}):
        problems.append(_l("指标代码 %(code)s 重复", code=code))
    level_of = levels(nodes)
    for n in nodes:
        code, parent = _get(n, "code"), _get(n, "parent") or None
        if parent is not None and parent not in names:
            problems.append(_l("指标“%(name)s”的上级 %(parent)s 不存在", name=names[code], parent=parent))
        elif code not in level_of:
            problems.append(_l("指标“%(name)s”的上下级关系循环", name=names[code]))
        elif level_of[code] > MAX_LEVEL:
            problems.append(_l("指标“%(name)s”位于第 %(level)s 级，最多三级", name=names[code], level=level_of[code]))
        weight = _get(n, "weight")
        if weight is None or not Decimal(0) < Decimal(weight) <= Decimal(100):
            problems.append(_l("指标“%(name)s”的权重须大于 0 且不超过 100", name=names[code]))
    groups = [c for c in codes if level_of.get(c) == 1]
    expected = list(current_app.config["INDICATOR_WEIGHTS"])
    if sorted(groups) != sorted(expected):
        problems.append(_l("一级指标须恰好为 %(groups)s 四项", groups="、".join(
            f"{GROUP_NAMES[g]}（{g}）" for g in expected)))
    # Weights among siblings: the first level, then the children of each node.
    siblings: dict[str | None, list] = {}
    for n in nodes:
        if _get(n, "code") in level_of:
            siblings.setdefault(_get(n, "parent") or None, []).append(n)
    for parent, children in siblings.items():
        total = sum((Decimal(_get(c, "weight") or 0) for c in children), Decimal(0))
        if total != 100:
            if parent is None:
                problems.append(_l("一级指标权重合计 %(total)s，应为 100", total=f"{total.normalize():f}"))
            else:
                problems.append(_l("“%(name)s”下的第 %(level)s 级指标权重合计 %(total)s，应为 100",
                                  name=names[parent], level=level_of[parent] + 1, total=f"{total.normalize():f}"))
    for n in nodes:
        code, kind = _get(n, "code"), _get(n, "kind") or None
        leaf = code not in siblings
        if leaf and kind is None:
            problems.append(_l("末级指标“%(name)s”须选择指标类型", name=names[code]))
        if not leaf and kind is not None:
            problems.append(_l("指标“%(name)s”有下级指标，不应设指标类型", name=names[code]))
        if kind is not None and kind not in INDICATOR_KINDS:
            problems.append(_l("指标“%(name)s”的类型无效", name=names[code]))
        if kind == "scale" and (_get(n, "scale_max") or 0) < 1:
            problems.append(_l("分级评分指标“%(name)s”的最高分须不小于 1", name=names[code]))
    return problems


SATISFACTION_GROUP = "effect"  # 效益 includes the residents' satisfaction (满意度)


def satisfaction_reasons(nodes) -> list[Reason]:
    """A template keeps a resident satisfaction indicator (kind `satisfaction`) under 效益, and none elsewhere."""
    level_of = levels(nodes)
    parent = {_get(n, "code"): _get(n, "parent") or None for n in nodes}

    def group(code):
        while parent.get(code) is not None and level_of.get(code, 0) > 1:
            code = parent[code]
        return code
    satisfaction = [n for n in nodes if (_get(n, "kind") or None) == "satisfaction" and _get(n, "code") in level_of]
    problems = []
    if not any(group(_get(n, "code")) == SATISFACTION_GROUP for n in satisfaction):
        problems.append(Reason("satisfaction_indicator_missing", _l("“效益”下须保留一项满意度指标（指标类型：满意度）")))
    for n in satisfaction:
        if group(_get(n, "code")) != SATISFACTION_GROUP:
            problems.append(Reason("satisfaction_indicator_misplaced", _l("满意度指标“%(name)s”须位于“效益”之下"),
                                   name=_get(n, "name") or _get(n, "code")))
    return problems


def build(rows, *, name, category_code=None, community_class=None, is_default=False) -> IndicatorTemplate:
    """A template from rows that passed `tree_problems` (parents before their children is not needed)."""
    template = IndicatorTemplate(name=name, category_code=category_code or None,
                                 community_class=community_class or None, is_default=is_default, active=True)
    level_of = levels(rows)
    for position, row in enumerate(rows):
        kind = _get(row, "kind") or None
        template.indicators.append(Indicator(
            level=level_of[row["code"]], position=position, code=row["code"], name=row["name"],
            weight=Decimal(row["weight"]), kind=kind, scale_max=row.get("scale_max") if kind == "scale" else None,
            anchors=row.get("anchors") or "", guidance=row.get("guidance") or ""))
    db.session.add(template)
    db.session.flush()
    by_code = {i.code: i for i in template.indicators}
    for row in rows:
        if row.get("parent"):
            by_code[row["code"]].parent_id = by_code[row["parent"]].id
    db.session.flush()
    return template


def rows_of(template) -> list[dict]:
    """The template as rows (one per node, parents named by code): what a copy starts from."""
    code_of = {i.id: i.code for i in template.indicators}
    return [{"code": i.code, "parent": code_of.get(i.parent_id), "name": i.name, "weight": i.weight,
             "kind": i.kind, "scale_max": i.scale_max, "anchors": i.anchors, "guidance": i.guidance}
            for i in template.indicators]


def nodes_of(template) -> list[Node]:
    code_of = {i.id: i.code for i in template.indicators}
    return [Node(i.code, code_of.get(i.parent_id), i.weight) for i in template.indicators]


def tree_of(template) -> list[dict]:
    """The nested tree: each node with its children, in position order."""
    children: dict[int | None, list] = {}
    for i in template.indicators:
        children.setdefault(i.parent_id, []).append(i)

    def node(i):
        return {"indicator": i, "children": [node(c) for c in children.get(i.id, [])]}
    return [node(i) for i in children.get(None, [])]


def leaves_of(template) -> list[Indicator]:
    parents = {i.parent_id for i in template.indicators}
    return [i for i in template.indicators if i.id not in parents]


def group_of(template, indicator) -> Indicator:
    by_id = {i.id: i for i in template.indicators}
    while indicator.parent_id:
        indicator = by_id[indicator.parent_id]
    return indicator


def specificity(template, project) -> int | None:
    """How closely `template` fits `project` (higher is closer), or None when it does not apply."""
    category, klass = project.category_code or "", project.community.community_class
    if template.category_code and not category.startswith(template.category_code):
        return None
    if template.community_class and template.community_class != klass:
        return None
    rank = (2 if template.category_code else 0) + (1 if template.community_class else 0)
    return rank * 100 + len(template.category_code or "")


def template_for(project) -> IndicatorTemplate:
    """The most specific active template: category and class > category > class > the default."""
    best, best_rank = None, None
    for template in db.session.scalars(db.select(IndicatorTemplate).filter_by(active=True)
                                       .order_by(IndicatorTemplate.id)):
        rank = specificity(template, project)
        if rank is not None and (best_rank is None or rank >= best_rank) and not template.is_default:
            best, best_rank = template, rank
    return best or default_template()


def templates() -> list[IndicatorTemplate]:
    default_template()
    return db.session.scalars(db.select(IndicatorTemplate).order_by(IndicatorTemplate.is_default.desc(),
                                                                    IndicatorTemplate.id)).all()
