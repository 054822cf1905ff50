"""Serving the OpenAPI document: built once per app whatever the language of the first request, the same bytes
every time, an ETag that answers 304, cacheable by anyone."""
import pytest
from flask_babel import force_locale

import procure.api.openapi
from procure import create_app
from procure.projects.states import STATE_LABELS

URL = "/api/v1/openapi.json"


@pytest.fixture
def fresh(monkeypatch):
    """A new app (none has built the document yet) and a count of the builds."""
    builds = []
    document = procure.api.openapi.document
    monkeypatch.setattr(procure.api.openapi, "document", lambda: builds.append(1) or document())
    return create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://"), builds


def test_built_once_and_served_as_the_same_bytes(fresh):
    app, builds = fresh
    client = app.test_client()
    first, second = client.get(URL), client.get(URL, headers={"Accept-Language": "en"})
    assert first.status_code == second.status_code == 200
    assert first.mimetype == "application/json"
    assert first.get_data() == second.get_data()
    assert first.headers["ETag"] == second.headers["ETag"]
    assert len(builds) == 1


def test_an_english_first_request_leaves_the_labels_in_chinese(fresh):
    app, builds = fresh
    english = app.test_client().get(URL + "?lang=en", headers={"Accept-Language": "en"})
    chinese = app.test_client().get(URL, headers={"Accept-Language": "zh-CN"})
    assert english.get_data() == chinese.get_data() and len(builds) == 1
    with app.test_request_context():
        with force_locale("zh_Hans_CN"):
            source = str(STATE_LABELS["returned"])
        with force_locale("en"):
            translated = str(STATE_LABELS["returned"])
    assert source != translated  # the label is translated, so a leak of the request's language would show
    described = english.get_json()["components"]["schemas"]["State"]["description"]
    assert f"`returned`: {source}" in described and translated not in described


def test_etag_answers_304_and_the_document_may_be_cached(client):
    response = client.get(URL)
    etag = response.headers["ETag"]
    assert response.cache_control.public and response.cache_control.max_age == 300
    unchanged = client.get(URL, headers={"If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.get_data() == b""
    assert unchanged.headers["ETag"] == etag
    assert client.get(URL, headers={"If-None-Match": '"something-else"'}).get_data() == response.get_data()


def test_each_app_builds_its_own(fresh):
    app, builds = fresh
    other = create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://", DEBUG=True)  # pretty-printed JSON
    compact, pretty = app.test_client().get(URL), other.test_client().get(URL)
    assert compact.get_json() == pretty.get_json()
    assert compact.get_data() != pretty.get_data() and compact.headers["ETag"] != pretty.headers["ETag"]
    assert len(builds) == 2
