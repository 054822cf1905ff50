"""The open-data page for people: what is published, where, under which licence, and what never is."""
from flask import Blueprint, current_app, render_template
from flask_babel import lazy_gettext as _l

from procure.extensions import db
from procure.urls import absolute_url

bp = Blueprint("opendata", __name__)

# (OCDS section or field, what it holds here): shown on the page as published content.
PUBLISHED = [
    ("parties", _l("各方：民政局（buyer / procuringEntity / payer）、申报社区（interestedParty）、"
                   "承接方（supplier / payee）、投标人（tenderer，中标公告后）、第三方评估机构（reviewBody，验收通过后）；机构名称与统一社会信用代码")),
    ("planning", _l("立项：需求分析（rationale）、批准预算（budget）、项目申报书与年度目录（documents）、"
                    "批准立项与列入目录的日期（milestones）")),
    ("tender", _l("采购：采购方式（procurementMethod / procurementMethodDetails）、评审方法与分值（awardCriteria）、"
               "响应截止时间（tenderPeriod）、投标人及数量（中标公告后）、采购公告")),
    ("awards", _l("成交：成交供应商、成交金额、成交日期、成交（中标）通知书（中标公告后）")),
    ("contracts", _l("合同（合同公开后）：金额（含变更）、服务期限、签订日期、付款节点、变更记录（amendments）、合同文本")),
    ("contracts.implementation", _l("实施：付款节点完成情况（milestones）、每笔付款（transactions）、验收证书与绩效评价报告")),
]
NEVER = [_l("草稿和未进入公示的申报"), _l("内部审核意见、退回理由等内部意见"), _l("投标文件的服务方案、团队及截止前的报价"),
         _l("评审小组成员及其打分"), _l("利益冲突声明"), _l("居民异议人姓名与联系方式、满意度调查答卷与调查码"),
         _l("未公开的合同"), _l("系统用户的姓名与账号、机构联系人及联系方式"), _l("评价定稿前的评分表")]
METHODS = [("open_tender", _l("公开招标"), "open"), ("invited_tender", _l("邀请招标"), "selective"),
           ("competitive_negotiation", _l("竞争性谈判"), "selective"),
           ("competitive_consultation", _l("竞争性磋商"), "selective"), ("inquiry", _l("询价"), "selective"),
           ("single_source", _l("单一来源"), "direct"), ("subsidy", _l("项目补贴（不经竞争）"), "direct"),
           ("reward", _l("项目奖励（社区自主实施）"), "direct")]


@bp.get("/open-data")
def page():
    from procure import clock
    from procure.opendata.models import OcdsRelease, OcdsTotals
    from procure.opendata.packages import publisher

    config = current_app.config
    prefix = config["OCDS_PREFIX"]
    totals = db.session.get(OcdsTotals, 1)  # kept with each release (procure.opendata.publishing)
    releases, processes = (totals.releases, totals.processes) if totals else (0, 0)
    # each through the date index: the first and the last entry
    first = db.session.scalar(db.select(db.func.min(OcdsRelease.date)))
    last = db.session.scalar(db.select(db.func.max(OcdsRelease.date)))
    years = list(range(clock.local(first).year, clock.local(last).year + 1)) if first and last else []
    example = db.session.scalar(db.select(OcdsRelease.ocid).order_by(OcdsRelease.id.desc()).limit(1)) \
        or f"{prefix}-WXM{clock.today().year}-0001"
    feed = absolute_url("api.ocds_feed")
    root = feed.rsplit("/ocds/", 1)[0] + "/ocds"
    bulk_year = years[-1] if years else clock.today().year
    endpoints = [
        {"name": _l("发布包（Release package）：全部发布，按时间排序"), "url": feed,
         "example": absolute_url("api.ocds_feed", since=f"{clock.today().year}-01-01T00:00:00+08:00", limit=50),
         "note": _l("参数 since（RFC 3339 时间，含该时刻）、limit（1–%(size)s）、cursor（取自 links.next，勿自行构造）",
                    size=config["OCDS_FEED_PAGE_SIZE"])},
        {"name": _l("年度批量下载（Bulk）"), "url": root + "/bulk/{year}.json",
         "example": absolute_url("api.ocds_bulk", year=bulk_year),
         "note": _l("按发布日期（北京时间）所在年度，一次下载一年的全部发布")},
        {"name": _l("单个项目的全部发布（Release package）"),
         "url": root + "/processes/{ocid}/releases",
         "example": absolute_url("api.ocds_project_releases", ocid=example), "note": ""},
        {"name": _l("单个项目的记录（Record package，含 compiledRelease）"),
         "url": root + "/processes/{ocid}/record",
         "example": absolute_url("api.ocds_record", ocid=example), "note": ""},
    ]
    bulk = [(year, absolute_url("api.ocds_bulk", year=year)) for year in years]
    return render_template("opendata/page.html", prefix=prefix, example_ocid=example, endpoints=endpoints,
                           published=PUBLISHED, never=NEVER, methods=METHODS, publisher=publisher(),
                           license=config["OCDS_LICENSE"], releases=releases, processes=processes, bulk=bulk,
                           openapi=absolute_url("api.openapi"), page_size=config["OCDS_FEED_PAGE_SIZE"])
