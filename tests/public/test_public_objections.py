"""Residents' objections filed on the public page: stored with the name and contact, which only the community
and the reviewer see; a honeypot and a per-address limit against robots; refused once the notice is over."""
import pytest

from conftest import PASSWORD
from procure.audit.models import AuditEntry
from procure.extensions import db, limiter
from procure.notifications.models import Notification
from procure.projects.models import Objection

FORM = {"content": "活动场地离住户太近，担心晚间噪音影响休息。", "resident_name": "居民张秘密",
        "resident_contact": "13900001234"}


@pytest.fixture(autouse=True)
def fresh_limits():
    limiter.reset()
    yield
    limiter.reset()


@pytest.fixture
def noticed(journey):
    return journey.drive(journey.create(title="社区长者助餐"), "notice")


def file(client, project, address="203.0.113.7", **data):
    return client.post(f"/public/projects/{project.code}/objections", data={**FORM, **data},
                       environ_base={"REMOTE_ADDR": address})


def objections():
    db.session.expire_all()
    return db.session.scalars(db.select(Objection).order_by(Objection.id)).all()


def test_an_objection_is_stored_with_its_private_details_kept_off_the_public_page(client, noticed, world):
    response = file(client, noticed)
    # Back to the objections, the confirmation in view there.
    assert response.status_code == 302
    assert response.location.endswith(f"/public/projects/{noticed.code}?filed=1#objections")
    [row] = objections()
    assert (row.content, row.resident_name, row.resident_contact) == (FORM["content"], "居民张秘密", "13900001234")
    assert row.recorded_by_id is None
    page = client.get(response.location).get_data(as_text=True)
    assert "异议已提交，社区将在公示期内答复" in page
    assert FORM["content"] in page
    assert "居民张秘密" not in page and "13900001234" not in page
    # The audit entry names no user and keeps neither the content nor the resident's details.
    entry = db.session.scalar(db.select(AuditEntry).filter_by(action="file_objection"))
    assert entry.user_id is None and entry.organisation_id is None and entry.comment == ""
    assert "居民张秘密" not in str(entry.data) and FORM["content"] not in str(entry.data)
    # The community hears of it.
    notification = db.session.scalar(db.select(Notification).filter_by(user_id=world["community"].id))
    assert notification.kind == "objection_filed" and notification.project_id == noticed.id
    assert "居民张秘密" not in str(notification.params)


def test_the_community_sees_and_answers_an_online_objection(client, noticed, world):
    file(client, noticed)
    client.post("/login", data={"username": "community", "password": PASSWORD})
    page = client.get(f"/projects/{noticed.id}").get_data(as_text=True)
    assert FORM["content"] in page and "居民张秘密" in page and "13900001234" in page
    assert "居民在线提出异议" in page  # the logged-in timeline's label
    [row] = objections()
    response = client.post(f"/projects/{noticed.id}/objections/{row.id}/answer", data={"answer": "将调整活动时间至白天。"})
    assert response.status_code == 302
    assert objections()[0].answer == "将调整活动时间至白天。"
    notices = client.get("/notifications").get_data(as_text=True)
    assert "居民异议" in notices and noticed.code in notices
    client.post("/logout")
    public = client.get(f"/public/projects/{noticed.code}").get_data(as_text=True)
    assert "将调整活动时间至白天。" in public and "居民张秘密" not in public


def test_the_reviewer_sees_the_name_once_the_proposal_is_submitted(client, journey, noticed, world):
    from procure.formfields import json_to_formdata
    from procure.projects import operations

    file(client, noticed)
    [row] = objections()
    operations.answer_objection(noticed, world["community"], row.id, json_to_formdata({"answer": "已沟通。"}))
    db.session.commit()
    journey.submit(noticed)
    client.post("/login", data={"username": "reviewer", "password": PASSWORD})
    page = client.get(f"/projects/{noticed.id}").get_data(as_text=True)
    assert "居民张秘密" in page and "13900001234" in page
    client.post("/logout")
    client.post("/login", data={"username": "provider", "password": PASSWORD})
    response = client.get(f"/projects/{noticed.id}")
    assert "居民张秘密" not in response.get_data(as_text=True)


def test_the_honeypot_stores_nothing_but_looks_like_success(client, noticed):
    response = file(client, noticed, website="http://spam.example")
    assert response.status_code == 302
    assert "异议已提交" in client.get(response.location).get_data(as_text=True)
    assert objections() == []
    assert db.session.scalar(db.select(AuditEntry).filter_by(action="file_objection")) is None


def test_missing_name_or_content_shows_field_errors_and_stores_nothing(client, noticed):
    response = file(client, noticed, resident_name="", content="x" * 2001)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "请填写姓名" in page and "异议内容不能超过 2000 字" in page
    assert objections() == []


def test_the_sixth_objection_from_one_address_in_an_hour_is_refused(client, noticed):
    for number in range(5):
        assert file(client, noticed, content=f"第{number}条意见").status_code == 302
    response = file(client, noticed, content="第六条意见")
    assert response.status_code == 429
    assert "请求过于频繁" in response.get_data(as_text=True)
    assert len(objections()) == 5
    assert file(client, noticed, address="198.51.100.9").status_code == 302  # another address may still file


def test_an_objection_after_the_notice_is_refused(client, journey, noticed):
    journey.submit(noticed)
    response = file(client, noticed)
    assert response.status_code == 404  # submitted: not public at all
    listed = journey.drive(journey.create(), "cataloged")
    response = file(client, listed)
    assert response.status_code == 409 and "公示期已结束" in response.get_data(as_text=True)
    assert objections() == []
    page = client.get(f"/public/projects/{listed.code}").get_data(as_text=True)
    assert 'data-testid="objection-form"' not in page


def test_the_survey_answer_is_limited_per_address_too(app, client):
    app.config["PUBLIC_SURVEY_LIMIT"] = "2 per hour"
    try:
        codes = [client.post("/survey/no-such-survey", data={"token": "x"},
                             environ_base={"REMOTE_ADDR": "192.0.2.1"}).status_code for _ in range(3)]
        api = [client.post("/api/v1/surveys/no-such-survey/responses", json={"token": "x"},
                           environ_base={"REMOTE_ADDR": "192.0.2.2"}) for _ in range(3)]
    finally:
        app.config["PUBLIC_SURVEY_LIMIT"] = "30 per hour"
    assert codes[:2] == [404, 404] and codes[2] == 429
    assert [r.status_code for r in api][2] == 429 and api[2].get_json()["error"] == "too_many_requests"
