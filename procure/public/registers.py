"""The public registers of communities, providers and evaluation firms as tables: the filters, the rows the list
pages show and the CSV/XLSX exports carry, built once here so that an export holds exactly what its page lists.

Only public facts about organisations get into a row (see procure.public.organisations): never users and staff,
`contact`, the legal representative, team members, firms' engagements or declarations. Each row also carries a
few keys the page needs for its links and badges (`id`, `district_code`, `record`, `debarments`, `expired`…);
the exports write the columns only."""
from decimal import Decimal

from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy import func, select

from procure import clock, disclosure
from procure.accounts.divisions import district_names
from procure.accounts.models import COMMUNITY_CLASSES, Organisation
from procure.catalogue.models import Category
from procure.evaluators.models import EvaluatorProfile
from procure.extensions import db
from procure.performance_evaluation.scoring import GRADE_LABELS
from procure.performance_evaluation.track_record import track_records
from procure.projects import counts as project_counts
from procure.projects.labels import COMMUNITY_CLASS_LABELS
from procure.providers.inputs import REGISTRATION_TYPE_LABELS
from procure.providers.models import Debarment, ProviderProfile

from procure.public.listing import public_counts_clause
from procure.tabular import Column, Table

ZERO = Decimal("0.00")


def _search(args) -> str:
    return (args.get("q") or "").replace("\x00", "").strip()[:100]


def name_filters(args) -> dict:
    """The provider and firm registers' one filter: a search by name."""
    q = _search(args)
    return {"q": q} if q else {}


def community_filters(args) -> dict:
    filters = name_filters(args)
    if args.get("community_class") in COMMUNITY_CLASSES:
        filters["community_class"] = args["community_class"]
    district = (args.get("district") or "").strip()
    if len(district) == 6 and district.isascii() and district.isdigit():
        filters["district"] = district
    return filters


def _named(query, filters):
    if "q" in filters:
        query = query.where(Organisation.name.icontains(filters["q"], autoescape=True))
    return query


def _ids(query):
    return lambda: list(db.session.scalars(query))


# ---- communities ------------------------------------------------------------------------------------------------

COMMUNITY_COLUMNS = [
    Column("name", _l("社区"), width=20), Column("district", _l("区"), width=12),
    Column("class", _l("社区类别"), width=12), Column("projects", _l("公开项目数"), "integer", width=12),
    Column("amount", _l("批准金额合计（元）"), "amount", "sum", width=18),
]


def communities_query(filters):
    """A SELECT of the ids of the communities matching `filters`, in the page's order (district, then id)."""
    query = _named(select(Organisation.id).where(Organisation.kind == "community"), filters)
    if "community_class" in filters:
        query = query.where(Organisation.community_class == filters["community_class"])
    if "district" in filters:
        query = query.where(Organisation.division_code.startswith(filters["district"]))
    return query.order_by(Organisation.division_code, Organisation.id)


def _community_totals(org_ids) -> dict:
    """{community id: (public projects, their approved total)}, from the project counts (a few rows a community)."""
    ProjectCount = project_counts.ProjectCount
    rows = db.session.execute(
        select(ProjectCount.value, func.sum(ProjectCount.projects), func.sum(ProjectCount.approved_amount))
        .where(ProjectCount.facet == "community", ProjectCount.value.in_([str(i) for i in org_ids]),
               public_counts_clause())
        .group_by(ProjectCount.value))
    return {int(org_id): (count, amount or ZERO) for org_id, count, amount in rows}


def community_rows(ids) -> list[dict]:
    orgs = {o.id: o for o in db.session.scalars(select(Organisation).where(Organisation.id.in_(ids)))}
    stats = _community_totals(ids)
    districts = district_names(o.division_code for o in orgs.values())
    rows = []
    for org_id in ids:
        o = orgs[org_id]
        count, amount = stats.get(org_id, (0, ZERO))
        rows.append({"id": o.id, "name": o.name, "district": districts.get(o.division_code[:6], ""),
                     "district_code": o.division_code[:6],
                     "class": str(COMMUNITY_CLASS_LABELS.get(o.community_class, "")),
                     "projects": count, "amount": amount})
    return rows


def communities_table(filters) -> Table:
    return Table("communities", _l("社区"), COMMUNITY_COLUMNS, filters, _ids(communities_query(filters)),
                 community_rows)


# ---- providers --------------------------------------------------------------------------------------------------

PROVIDER_COLUMNS = [
    Column("name", _l("机构名称"), width=28), Column("credit_code", _l("统一社会信用代码"), width=22),
    Column("registration_type", _l("登记类型"), width=14), Column("rating", _l("评估等级"), width=10),
    Column("evaluated", _l("已评价项目"), "integer", width=12),
    Column("grades", _l("评价等级分布"), width=20), Column("average_score", _l("平均得分"), "number", width=10),
    Column("on_time_rate", _l("节点按时率（%）"), "number", width=14),
    Column("debarment", _l("禁入信息"), width=40),
]


def provider_register():
    """A SELECT of the providers in the public register: a profile the bureau has verified."""
    return (select(Organisation).join(ProviderProfile, ProviderProfile.organisation_id == Organisation.id)
            .where(Organisation.kind == "provider", ProviderProfile.verified_at.is_not(None)))


def providers_query(filters):
    return _named(provider_register(), filters).with_only_columns(Organisation.id).order_by(Organisation.name,
                                                                                           Organisation.id)


def debarments(org_ids) -> dict[int, list[dict]]:
    """The debarments in force today (public credit information): reason and period."""
    found = {org_id: [] for org_id in org_ids}
    if not org_ids:
        return found
    for d in db.session.scalars(Debarment.in_force(clock.today()).where(Debarment.organisation_id.in_(org_ids))
                                .order_by(Debarment.starts_on.desc(), Debarment.id.desc())):
        found[d.organisation_id].append({"reason": d.reason, "starts_on": d.starts_on, "ends_on": d.ends_on})
    return found


def record_of(record) -> dict:
    """A track record without its project list (the pages list the projects from the public tables)."""
    return {"evaluated": record["evaluated"], "average_score": record["average_score"],
            "on_time_rate": record["on_time_rate"], "milestones_counted": record["milestones_counted"],
            "grades": [(GRADE_LABELS[grade], count) for grade, count in record["grades"].items()]}


def _debarment_text(found) -> str:
    return "；".join(_("禁入 %(start)s 至 %(end)s", start=d["starts_on"], end=d["ends_on"]) + f"：{d['reason']}"
                    for d in found) or _("无")


def provider_rows(ids) -> list[dict]:
    orgs = {o.id: o for o in db.session.scalars(select(Organisation).where(Organisation.id.in_(ids)))}
    profiles = {p.organisation_id: p for p in db.session.scalars(
        select(ProviderProfile).where(ProviderProfile.organisation_id.in_(ids)))}
    records = track_records(ids)
    barred = debarments(ids)
    rows = []
    for org_id in ids:
        o, profile, record = orgs[org_id], profiles[org_id], record_of(records[org_id])
        rows.append({
            "id": o.id, "name": o.name, "credit_code": o.credit_code,
            "registration_type": str(REGISTRATION_TYPE_LABELS.get(profile.registration_type, "")),
            "rating": profile.rating or _("未评估"), "record": record, "debarments": barred[org_id],
            "evaluated": record["evaluated"],
            "grades": "；".join(f"{label} {count}" for label, count in record["grades"] if count),
            "average_score": record["average_score"], "on_time_rate": record["on_time_rate"],
            "debarment": _debarment_text(barred[org_id]),
        })
    return rows


def providers_table(filters) -> Table:
    return Table("providers", _l("承接主体名录"), PROVIDER_COLUMNS, filters, _ids(providers_query(filters)),
                 provider_rows)


# ---- evaluation firms -------------------------------------------------------------------------------------------

EVALUATOR_COLUMNS = [
    Column("name", _l("机构名称"), width=28), Column("credit_code", _l("统一社会信用代码"), width=22),
    Column("accreditation", _l("评估资质"), width=24), Column("accredited_until", _l("资质有效期至"), "date", width=14),
    Column("specialty_names", _l("专业领域"), width=30), Column("status", _l("状态"), width=10),
    Column("projects", _l("公开的验收评价项目"), "integer", width=18),
]


def firm_register():
    """A SELECT of the evaluation firms in the register (with a profile)."""
    return (select(Organisation).join(EvaluatorProfile, EvaluatorProfile.organisation_id == Organisation.id)
            .where(Organisation.kind == "evaluator"))


def evaluators_query(filters):
    return _named(firm_register(), filters).with_only_columns(Organisation.id).order_by(Organisation.name,
                                                                                       Organisation.id)


def top_categories() -> dict[str, str]:
    return dict(db.session.execute(select(Category.code, Category.name)
                                   .where(Category.parent_code.is_(None))).all())


def firm(org, profile, categories) -> dict:
    specialties = [f"{code} {categories[code]}" if code in categories else code for code in profile.specialties or []]
    return {"id": org.id, "name": org.name, "credit_code": org.credit_code, "accreditation": profile.accreditation,
            "accredited_until": profile.accredited_until,
            "expired": profile.accredited_until is not None and profile.accredited_until < clock.today(),
            "specialties": specialties, "active": profile.active}


def evaluator_rows(ids) -> list[dict]:
    orgs = {o.id: o for o in db.session.scalars(select(Organisation).where(Organisation.id.in_(ids)))}
    profiles = {p.organisation_id: p for p in db.session.scalars(
        select(EvaluatorProfile).where(EvaluatorProfile.organisation_id.in_(ids)))}
    # The projects whose firm is public (evaluator_public: from the acceptance on, every such state public), as
    # the project counts keep them per firm.
    counts = {int(value): projects for projects, _amount, value in project_counts.sums(
        "evaluator", None, disclosure.ACCEPTED_STATES, group_by="value")}
    categories = top_categories()
    rows = []
    for org_id in ids:
        row = firm(orgs[org_id], profiles[org_id], categories)
        rows.append({**row, "projects": counts.get(org_id, 0),
                     "accreditation": row["accreditation"] or "—",
                     "specialty_names": "、".join(row["specialties"]) or _("不限"),
                     "status": _("在册") if row["active"] else _("暂停抽取")})
    return rows


def evaluators_table(filters) -> Table:
    return Table("evaluators", _l("第三方评估机构名录"), EVALUATOR_COLUMNS, filters, _ids(evaluators_query(filters)),
                 evaluator_rows)


# ---- the registers by name: (the filters a page reads, the table) -----------------------------------------------

TABLES = {"communities": (community_filters, communities_table), "providers": (name_filters, providers_table),
          "evaluators": (name_filters, evaluators_table)}
