"""A reviewer rejects a proposal only with a reason (DOMAIN.md: "reject (with reason)"), through the API and the
pages alike: without one (missing, empty, blank, null) the rejection is refused as invalid input naming the
field, in both languages, and nothing changes; with one, the community reads it on its project page."""
import pytest

from procure.audit.models import AuditEntry
from procure.extensions import db

REASON = "属于社区日常工作经费支出范围，不宜通过购买服务解决。"
WITHOUT_A_REASON = [{}, {"reason": ""}, {"reason": "   "}, {"reason": "\u3000\n\t"}, {"reason": None}]


@pytest.fixture
def under_review(journey):
    return journey.drive(journey.create(), "under_review")


def page(response) -> str:
    return response.get_data(as_text=True)


@pytest.mark.parametrize("without", WITHOUT_A_REASON)
def test_the_api_refuses_a_rejection_without_a_reason(api, under_review, db_snapshot, without):
    path = f"/projects/{under_review.id}/transitions/reject"
    before = db_snapshot()
    response = api.as_("reviewer").post(path, json={"version": under_review.version, **without})
    body = response.get_json()
    assert (response.status_code, body["error"]) == (400, "invalid_input"), body
    assert body["fields"]["reason"] == ["此项必填"]
    english = api.as_("reviewer").post(path, json={"version": under_review.version, **without},
                                       headers={"Accept-Language": "en"}).get_json()
    assert english["fields"]["reason"] == ["This field is required"] and english["message"] != body["message"]
    assert db_snapshot() == before
    db.session.refresh(under_review)
    assert under_review.state == "under_review"


def test_the_api_rejects_with_a_reason(api, under_review, as_user):
    response = api.as_("reviewer").post(f"/projects/{under_review.id}/transitions/reject",
                                        json={"version": under_review.version, "reason": REASON})
    assert response.status_code == 200, response.get_json()
    db.session.refresh(under_review)
    assert under_review.state == "rejected"
    entry = db.session.scalar(db.select(AuditEntry).filter_by(project_id=under_review.id, action="reject"))
    assert entry.comment == REASON
    assert REASON in page(as_user("community").get(f"/projects/{under_review.id}"))


@pytest.mark.parametrize("reason", ["", "   ", "\u3000\n\t"])
def test_the_page_refuses_a_rejection_without_a_reason(as_user, under_review, db_snapshot, reason):
    client = as_user("reviewer")
    before = db_snapshot()
    response = client.post(f"/projects/{under_review.id}/fire/reject",
                           data={"version": under_review.version, "reason": reason})
    assert response.status_code == 400
    form = page(response).split('data-testid="action-reject"')[1].split("</details>")[0]
    assert "此项必填" in form and "field-error" in form
    assert db_snapshot() == before
    response = client.post(f"/projects/{under_review.id}/fire/reject", data={"version": under_review.version})
    assert response.status_code == 400 and db_snapshot() == before


def test_the_page_rejects_with_a_reason(as_user, under_review):
    response = as_user("reviewer").post(f"/projects/{under_review.id}/fire/reject",
                                        data={"version": under_review.version, "reason": REASON})
    assert response.status_code == 302
    db.session.refresh(under_review)
    assert under_review.state == "rejected"
    assert REASON in page(as_user("community").get(f"/projects/{under_review.id}"))
