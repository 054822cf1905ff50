"""Official PDF documents: each kind renders from journey data with its key fields, amounts and page
numbers; the renderer fetches nothing but data: URIs; the public verification page and API tell the
issued record and compare an uploaded copy; only readers of the project get its documents; downloading
changes no project (documents are issued after the commit, never inside a transition)."""
import hashlib
from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

import pytest

from conftest import START
from procure.catalogue import operations as catalogue_ops
from procure.catalogue.models import Catalogue
from procure.documents.models import IssuedDocument
from procure.documents.render import FetchRefused, data_only_fetcher, qr_data_uri, render_pdf
from procure.extensions import db
from procure.procurement.models import Bid, Contract

from openapi_check import check
from pdf_text import needs_pdftotext, text_of

pytestmark = needs_pdftotext


def download(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    return response.data


def records() -> list[IssuedDocument]:
    db.session.expire_all()
    return db.session.scalars(db.select(IssuedDocument).order_by(IssuedDocument.id)).all()


@pytest.fixture
def contracted(journey):
    project = journey.create()
    return journey.drive(project, "contracted")


def test_proposal(journey, as_user):
    project = journey.drive(journey.create(), "submitted")
    text = text_of(download(as_user("community"), f"/projects/{project.id}/documents/proposal.pdf"))
    for expected in ("项目申报书", "社区长者助餐服务", "幸福社区", "40,000.00 元", "24,000.00 元", "16,000.00 元",
                     "餐食及配送", "居民议事会决议", "辖区内独居和高龄老人较多", f"{project.code}-SB-01",
                     "第 1 页 / 共"):
        assert expected in text, expected
    record = records()[0]
    assert (record.kind, record.project_id, record.number) == ("proposal", project.id, f"{project.code}-SB-01")
    assert record.verification_code in text and len(record.verification_code) == 12


def test_award_notice_and_contract(contracted, as_user):
    bid = db.session.scalar(db.select(Bid).filter_by(project_id=contracted.id, status="awarded"))
    client = as_user("bureau")
    notice = text_of(download(client, f"/projects/{contracted.id}/documents/award_notice.pdf"))
    for expected in ("成交（中标）通知书", bid.provider.name, f"{bid.price:,.2f} 元", "38,800.00 元", "38,000.00 元",
                     "竞争性磋商", "综合得分", "质疑期限", "××市民政局", "第 1 页 / 共"):
        assert expected in notice, expected
    contract = db.session.scalar(db.select(Contract).filter_by(project_id=contracted.id))
    text = text_of(download(client, f"/projects/{contracted.id}/documents/contract.pdf"))
    first = (contract.amount * 40 / 100).quantize(Decimal("0.01"))
    for expected in ("政府购买服务合同", contract.implementer.name, f"{contract.amount:,.2f} 元", f"{first:,.2f} 元",
                     f"{contract.deposit:,.2f} 元", "项目启动及中期评估", "40%", "不转包", "助餐配送",
                     str(contract.signed_on), f"{contracted.code}-HT-01", "尾款在绩效评价完成后按评价等级支付"):
        assert expected in text, expected


def test_catalogue(listed_catalogue, as_user):
    client = as_user("provider")
    page = client.get("/catalogues/2026").get_data(as_text=True)
    assert "/catalogues/2026/document.pdf" in page
    text = text_of(download(client, "/catalogues/2026/document.pdf"))
    for expected in ("年度购买服务目录", "小计", "合计", "52,500.50 元", "72,500.50 元", "20,000.00 元", "2026-ML-01"):
        assert expected in text, expected


@pytest.fixture
def listed_catalogue(journey, world):
    for title, amount, category in (("长者助餐", "40000.00", "A0101"), ("邻里互助", "12500.50", "A0203"),
                                    ("社工培训", "20000.00", "B0201")):
        journey.drive(journey.create(title=title, amount=amount, category=category), "cataloged")
    journey.do(catalogue_ops.publish, db.session.scalar(db.select(Catalogue).filter_by(year=2026)), world["bureau"])


def test_draft_catalogue_has_no_pdf(journey, as_user):
    journey.drive(journey.create(), "cataloged")
    client = as_user("bureau")
    assert "/catalogues/2026/document.pdf" not in client.get("/catalogues/2026").get_data(as_text=True)
    assert client.get("/catalogues/2026/document.pdf").status_code == 404


def test_links_follow_the_state(journey, as_user):
    project = journey.create()
    client = as_user("community")
    assert 'data-testid="documents"' not in client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert client.get(f"/projects/{project.id}/documents/proposal.pdf").status_code == 404
    journey.drive(project, "tendering")
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "documents/proposal.pdf" in page and "award_notice.pdf" not in page and "contract.pdf" not in page
    for kind in ("award_notice", "contract", "catalogue", "acceptance_certificate", "nonsense"):
        assert client.get(f"/projects/{project.id}/documents/{kind}.pdf").status_code == 404
    journey.drive(project, "contracted")
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "award_notice.pdf" in page and "contract.pdf" in page


def test_access(contracted, as_user, client, api):
    url = f"/projects/{contracted.id}/documents/contract.pdf"
    assert client.get(url).status_code == 302  # to the login page
    assert as_user("provider3").get(url).status_code == 404
    assert as_user("community_b").get(url).status_code == 404
    assert api.as_("provider3").get(url).status_code == 404
    assert api.as_("bureau_far").get(url).status_code == 404
    response = api.as_("community").get(url)
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert len(records()) == 1


def test_download_changes_no_project(contracted, as_user, db_snapshot):
    before = db_snapshot()
    client = as_user("provider2")
    for kind in ("proposal", "award_notice", "contract"):
        download(client, f"/projects/{contracted.id}/documents/{kind}.pdf")
    after = db_snapshot()
    assert len(after.pop("issued_documents")) == 3 and before.pop("issued_documents") == []
    assert len(after.pop("stored_files")) == 3 and before.pop("stored_files") == []  # the PDFs, kept
    assert after == before  # audit trail, states, versions: all as they were


def test_unchanged_data_reuses_the_record(journey, as_user):
    project = journey.drive(journey.create(), "submitted")
    client = as_user("community")
    url = f"/projects/{project.id}/documents/proposal.pdf"
    first, second = download(client, url), download(client, url)
    assert first == second and len(records()) == 1
    journey.drive(project, "approved")  # the approved amount now shows on the proposal
    third = download(client, url)
    numbers = [r.number for r in records()]
    assert numbers == [f"{project.code}-SB-01", f"{project.code}-SB-02"] and third != first
    assert "40,000.00 元" in text_of(third) and "核定金额" in text_of(third)
    assert records()[1].sha256 == hashlib.sha256(third).hexdigest()


# ---- the fetcher -------------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["file:///etc/passwd", "http://example.com/a.png", "https://example.com/x.css",
                                 "ftp://example.com/x", "/etc/passwd", "FILE:///etc/passwd"])
def test_fetcher_refuses_everything_but_data(url):
    with pytest.raises(FetchRefused, match="data: URIs"):
        data_only_fetcher().fetch(url)


def test_fetcher_allows_data_uris():
    response = data_only_fetcher().fetch(qr_data_uri("https://example.org/verify/ABC"))
    assert b"<svg" in response.read()


def test_html_cannot_pull_in_files_or_the_network():
    html = ('<html><head><link rel="stylesheet" href="http://127.0.0.1:9/evil.css"></head><body>'
            '<p>正文</p><img src="file:///etc/passwd"><iframe src="file:///etc/passwd"></iframe>'
            '<object data="file:///etc/passwd"></object>'
            '<div style="background: url(file:///etc/passwd)"></div></body></html>')
    rendered = render_pdf(html)
    text = text_of(rendered.pdf)
    assert "正文" in text and "root:" not in text and b"root:x:" not in rendered.pdf
    assert rendered.pages == 1


# ---- verification ------------------------------------------------------------------------------

@pytest.fixture
def issued(contracted, as_user, client):
    pdf = download(as_user("bureau"), f"/projects/{contracted.id}/documents/contract.pdf")
    client.post("/logout")
    return records()[0], pdf


def test_verification_page(issued, client, contracted):
    record, pdf = issued
    page = client.get(f"/verify/{record.verification_code}").get_data(as_text=True)
    for expected in (record.number, record.sha256, contracted.code, contracted.title, "××市民政局", "政府购买服务合同"):
        assert expected in page, expected
    assert record.sha256 == hashlib.sha256(pdf).hexdigest()
    same = client.post(f"/verify/{record.verification_code}", data={"pdf": (BytesIO(pdf), "合同.pdf")},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert 'data-testid="verify-match"' in same and "verify-mismatch" not in same
    altered = pdf.replace(b"%PDF-1.7", b"%PDF-1.6", 1) if b"%PDF-1.7" in pdf[:10] else pdf + b"\n"
    other = client.post(f"/verify/{record.verification_code}", data={"pdf": (BytesIO(altered), "合同.pdf")},
                        content_type="multipart/form-data").get_data(as_text=True)
    assert 'data-testid="verify-mismatch"' in other and "verify-match\"" not in other


def test_verification_upload_is_capped(issued, client, app):
    record, pdf = issued
    app.config["VERIFY_UPLOAD_MAX_BYTES"] = 100
    try:
        response = client.post(f"/verify/{record.verification_code}", data={"pdf": (BytesIO(pdf), "x.pdf")},
                               content_type="multipart/form-data")
    finally:
        app.config["VERIFY_UPLOAD_MAX_BYTES"] = 10 * 1024 * 1024
    assert response.status_code == 413 and 'data-testid="verify-too-large"' in response.get_data(as_text=True)


def test_unknown_code_is_404(client, issued):
    for code in ("AAAAAAAAAAAA", "x", issued[0].verification_code + "X"):
        response = client.get(f"/verify/{code}")
        text = response.get_data(as_text=True)
        assert response.status_code == 404 and "找不到该页面" in text and "This page does not exist" in text
    assert client.get("/api/v1/documents/AAAAAAAAAAAA").status_code == 404


def test_verification_api_is_public(issued, client, contracted, doc):  # noqa: F811  (the fixture)
    record, _ = issued
    response = client.get(f"/api/v1/documents/{record.verification_code}")
    assert response.status_code == 200
    body = response.get_json()
    assert body["number"] == record.number and body["sha256"] == record.sha256 and body["kind"] == "contract"
    assert body["project"] == {"code": contracted.code, "title": contracted.title}
    check(doc, "/documents/{code}", "get", response, 200)


def test_api_download(contracted, api):
    response = api.as_("provider2").get(f"/projects/{contracted.id}/documents/award_notice.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "成交（中标）通知书" in text_of(response.data)
    assert api.as_("provider2").get(f"/projects/{contracted.id}/documents/bogus.pdf").status_code == 404


# ---- acceptance certificate and evaluation report ------------------------------------------------
# The rows are built directly with the models (not through the acceptance and performance operations),
# with the figures of a hand-worked evaluation: groups 20 / 20 / 40 / 20, leaves scored by three parties.

def _accept(project, world):
    from procure.acceptance.models import ChecklistItem, CommunityConfirmation, Rectification, SiteVisit
    from procure.audit.log import record
    from procure.evaluators.models import EvaluatorDraw

    firm, other = world.evaluators
    db.session.add(EvaluatorDraw(project_id=project.id, number=1, method="random", seed="7f3a9c2e",
                                 candidates=sorted([firm.id, other.id]), excluded=[], result_org_id=firm.id,
                                 drawn_by_id=world["bureau"].id))
    for i, (source, text, result) in enumerate([("service_content", "为独居高龄老人提供助餐配送", "met"),
                                                ("quantity", "全年配送餐食不少于 6000 份", "met"),
                                                ("quality", "餐食留样及配送记录完整", "partly_met")]):
        db.session.add(ChecklistItem(project_id=project.id, position=i, source=source, text=text, result=result,
                                     finding="签到表已补齐" if result == "partly_met" else ""))
    db.session.add(SiteVisit(project_id=project.id, visited_on=START.date(), place="幸福社区长者食堂",
                             participants="评估员两名、社区书记", observations="现场查看配餐流程及台账。"))
    db.session.add(Rectification(project_id=project.id, round=1, findings="部分活动缺少签到表，请补齐服务台账。",
                                 deadline=date(2026, 3, 16), response="已补齐签到表及照片资料。",
                                 responded_at=START + timedelta(days=3), outcome="passed",
                                 judged_at=START + timedelta(days=5)))
    db.session.add(CommunityConfirmation(project_id=project.id, agreed=True, opinion="居民普遍反映送餐及时、口味适宜。",
                                         residents_present=7, confirmed_by_id=world["community"].id))
    project.evaluator_org_id, project.state = firm.id, "accepted"
    project.acceptance_report = "服务数量、质量均达到合同要求，验收合格。"
    record(project, world["evaluator"], "accept", from_state="under_acceptance", to_state="accepted")
    db.session.commit()
    return project


# code, name, weight, children, or (third party, bureau, community) scores for a leaf
TREE = [("decision", "决策", 20, [("decision.goals", "目标设定", 50, (90, 96, 96)),
                                  ("decision.budget", "预算编制", 50, (90, 90, 90))]),
        ("implementation", "过程", 20, [("implementation.management", "项目管理", 60, (85, 85, 85)),
                                        ("implementation.records", "服务台账", 40, (100, 100, 100))]),
        ("output", "产出", 40, [("output.quantity", "产出数量", 50, [
                                    ("output.quantity.meals", "助餐份数", 70, (100, 100, 100)),
                                    ("output.quantity.visits", "上门探访次数", 30, (100, 60, 80))]),
                                ("output.quality", "产出质量", 50, (90, 90, 90))]),
        ("effect", "效益", 20, [("effect.satisfaction", "居民满意度", 60, (95, 95, 95)),
                                ("effect.sustain", "可持续影响", 40, (80, 80, 80))])]
# Worked by hand: decision 9.40 + 9.00; implementation 10.20 + 8.00; output 14.00 + 4.80 + 18.00;
# effect 11.40 + 6.40.
GROUP_SCORES = {"decision": "18.40", "implementation": "18.20", "output": "36.80", "effect": "17.80"}


def _evaluate(project, world, grade="excellent", score="91.20", plan=""):
    from procure.performance_evaluation.models import (DivergenceNote, Indicator, IndicatorTemplate, LeafScore,
                                            PerformanceEvaluation, ScoreSheet)
    from procure.survey.models import Survey, SurveyResponse, SurveyToken

    template = IndicatorTemplate(name="社区服务绩效评价指标（默认）", is_default=True)
    db.session.add(template)
    db.session.flush()
    leaves = {}

    def add(nodes, parent, level):
        for position, (code, name, weight, rest) in enumerate(nodes):
            node = Indicator(template_id=template.id, parent_id=parent, level=level, position=position, code=code,
                             name=name, weight=Decimal(weight), kind=None if isinstance(rest, list) else "scale",
                             scale_max=None if isinstance(rest, list) else 100)
            db.session.add(node)
            db.session.flush()
            if isinstance(rest, list):
                add(rest, node.id, level + 1)
            else:
                leaves[code] = (node, rest)

    add(TREE, None, 1)
    evaluation = PerformanceEvaluation(project_id=project.id, template_id=template.id, score=Decimal(score),
                                       grade=grade, group_scores=GROUP_SCORES, rectification_plan=plan,
                                       findings="项目管理规范，配送及时；探访记录需进一步完善。",
                                       finalised_at=START + timedelta(days=20), finalised_by_id=world["bureau"].id)
    db.session.add(evaluation)
    db.session.flush()
    for i, party in enumerate(("third_party", "bureau", "community")):
        sheet = ScoreSheet(evaluation_id=evaluation.id, party=party, submitted_at=START + timedelta(days=15))
        sheet.scores = [LeafScore(indicator_id=node.id, score=Decimal(marks[i])) for node, marks in leaves.values()]
        db.session.add(sheet)
    db.session.add(DivergenceNote(evaluation_id=evaluation.id, indicator_id=leaves["output.quantity.visits"][0].id,
                                  explanation="采购单位抽查时部分探访记录缺少老人签字，各方据此评分不同。"))
    survey = Survey(project_id=project.id, slug="xingfu-meals", closes_on=date(2026, 3, 20))
    db.session.add(survey)
    db.session.flush()
    for i in range(12):
        token = SurveyToken(survey_id=survey.id, token_hash=f"{i:064d}")
        db.session.add(token)
        db.session.flush()
        if i < 10:
            db.session.add(SurveyResponse(survey_id=survey.id, token_id=token.id, satisfied=i < 9,
                                          answers={"overall": "私密答案-不得公开"}))
    project.state, project.grade, project.score = "evaluated", grade, Decimal(score)
    db.session.commit()
    return evaluation


@pytest.fixture
def accepted(contracted, world):
    return _accept(contracted, world)


def test_acceptance_certificate(accepted, as_user, world):
    contract = db.session.scalar(db.select(Contract).filter_by(project_id=accepted.id))
    text = text_of(download(as_user("community"), f"/projects/{accepted.id}/documents/acceptance_certificate.pdf"))
    for expected in ("验收证书", accepted.code, accepted.title, "幸福社区", "明镜评估事务所", contract.implementer.name,
                     f"{contract.amount:,.2f} 元", "合格", "随机抽取", "随机种子 7f3a9c2e", "候选机构 2 家",
                     "全年配送餐食不少于 6000 份", "部分达到", "幸福社区长者食堂", "2026-03-02",
                     "第 1 轮", "部分活动缺少签到表", "2026-03-16", "已补齐签到表", "2026-03-05", "通过",
                     "同意验收", "居民普遍反映送餐及时", "7", "服务数量、质量均达到合同要求",
                     "评估机构（盖章）", "社区（盖章）", "采购单位（盖章）", "××市民政局", f"{accepted.code}-YS-01",
                     "第 1 页 / 共"):
        assert expected in text, expected
    record = records()[0]
    assert (record.kind, record.number) == ("acceptance_certificate", f"{accepted.code}-YS-01")
    page = as_user("bureau").get(f"/verify/{record.verification_code}").get_data(as_text=True)
    assert "验收证书" in page and "××市民政局" in page


def last_instalment(project) -> Decimal:
    """The contract's last milestone (60 % in the journey's contracts)."""
    contract = db.session.scalar(db.select(Contract).filter_by(project_id=project.id))
    assert contract.milestones[-1].percent == 60
    return (contract.amount * Decimal("0.6")).quantize(Decimal("0.01"))


def test_evaluation_report(accepted, as_user, world):
    _evaluate(accepted, world)
    last = last_instalment(accepted)
    client = as_user("provider")
    pdf = download(client, f"/projects/{accepted.id}/documents/evaluation_report.pdf")
    assert download(client, f"/projects/{accepted.id}/documents/evaluation_report.pdf") == pdf  # same record
    text = text_of(pdf)
    for expected in ("绩效评价报告", accepted.code, accepted.title, "明镜评估事务所", "随机抽取",
                     "社区服务绩效评价指标（默认）", "决策", "过程", "产出", "效益", "目标设定", "上门探访次数",
                     "第三方", "采购单位", "94.00", "9.40", "18.40", "36.80", "91.20", "优",
                     "采购单位抽查时部分探访记录缺少老人签字", "有效答卷", "83.3%", "90.0%",
                     "项目管理规范，配送及时", f"{last:,.2f} 元", "100%", f"{accepted.code}-PG-01"):
        assert expected in text, expected
    assert "私密答案" not in text and "整改计划" not in text
    # The chart (inline SVG) drew each group's label and its points against the group's weight.
    for expected in ("18.40 / 20.00 分（92.0%）", "18.20 / 20.00 分", "36.80 / 40.00 分（92.0%）", "17.80 / 20.00 分"):
        assert expected in text, expected
    assert len(records()) == 1
    record = records()[0]
    assert record.kind == "evaluation_report"
    page = as_user("bureau").get(f"/verify/{record.verification_code}").get_data(as_text=True)
    assert "绩效评价报告" in page and "明镜评估事务所" in page  # issued by the evaluation firm


def test_evaluation_report_of_a_fair_grade(accepted, as_user, world):
    _evaluate(accepted, world, grade="fair", score="72.50", plan="三个月内补齐探访记录并加强配送人员培训。")
    due = (last_instalment(accepted) * Decimal("0.9")).quantize(Decimal("0.01"))
    text = text_of(download(as_user("bureau"), f"/projects/{accepted.id}/documents/evaluation_report.pdf"))
    for expected in ("72.50", "中", "整改计划", "三个月内补齐探访记录", "90%", f"{due:,.2f} 元"):
        assert expected in text, expected


def test_later_documents_wait_for_their_stage(contracted, world, api, as_user):
    from procure.performance_evaluation.models import IndicatorTemplate, PerformanceEvaluation

    client = api.as_("community")
    for kind in ("acceptance_certificate", "evaluation_report"):
        assert client.get(f"/projects/{contracted.id}/documents/{kind}.pdf").status_code == 404
    _accept(contracted, world)
    template = IndicatorTemplate(name="默认", is_default=True)
    db.session.add(template)
    db.session.flush()
    evaluation = PerformanceEvaluation(project_id=contracted.id, template_id=template.id)  # still being scored
    db.session.add(evaluation)
    db.session.commit()
    page = as_user("community").get(f"/projects/{contracted.id}").get_data(as_text=True)
    assert "acceptance_certificate.pdf" in page and "evaluation_report.pdf" not in page
    response = client.get(f"/projects/{contracted.id}/documents/acceptance_certificate.pdf")
    assert response.status_code == 200 and "验收证书" in text_of(response.data)
    assert client.get(f"/projects/{contracted.id}/documents/evaluation_report.pdf").status_code == 404
    evaluation.finalised_at, evaluation.score, evaluation.grade = START, Decimal("91.20"), "excellent"
    evaluation.group_scores = GROUP_SCORES
    db.session.commit()
    assert client.get(f"/projects/{contracted.id}/documents/evaluation_report.pdf").status_code == 200


def test_openapi_lists_every_project_kind(doc, app):  # noqa: F811  (the fixture)
    from procure.documents.sources import PROJECT_KINDS, TITLES

    path = doc["paths"]["/projects/{project_id}/documents/{kind}.pdf"]["get"]
    kind = next(p for p in path["parameters"] if p.get("name") == "kind")
    assert kind["schema"]["enum"] == list(PROJECT_KINDS)
    assert {"acceptance_certificate", "evaluation_report"} <= set(PROJECT_KINDS)
    with app.test_request_context("/"):
        assert str(TITLES["evaluation_report"]) == "绩效评价报告"
