"""One render of a document at a time across processes: while another process (another worker, another
machine) renders a document, a download of it waits for that render, and gives up with a 503 if it does not end
in time; other documents are not held up."""
import fcntl
import multiprocessing
import os

import pytest
from sqlalchemy import create_engine, text

from procure.documents import render_claim
from procure.documents.render_pool import RenderBusy
from procure.extensions import db


def hold(url: str, name: str, holding, release):
    """In another process: claim `name` as render_claim does, until told to let go."""
    key = render_claim._key(name)
    if url.startswith("postgresql"):
        engine = create_engine(url)
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
            connection.commit()
            holding.set()
            release.wait(30)
    else:
        descriptor = os.open(url.removeprefix("sqlite:///") + ".render-lock", os.O_RDWR | os.O_CREAT)
        fcntl.lockf(descriptor, fcntl.LOCK_EX, 1, key % (2**31))
        holding.set()
        release.wait(30)


@pytest.fixture
def other_process(app):
    url = db.engine.url.render_as_string(hide_password=False)
    context = multiprocessing.get_context("spawn")
    holding, release = context.Event(), context.Event()
    process = context.Process(target=hold, args=(url, "proposal:project=1", holding, release))
    process.start()
    assert holding.wait(30), "the other process did not claim the document"
    yield release
    release.set()
    process.join(30)


def test_a_download_waits_for_another_process_rendering_the_same_document(app, other_process, monkeypatch):
    monkeypatch.setitem(app.config, "DOCUMENT_RENDER_WAIT_SECONDS", 0)
    monkeypatch.setitem(app.config, "DOCUMENT_RENDER_TIMEOUT_SECONDS", 1)
    with app.app_context():
        with pytest.raises(RenderBusy):  # the other render did not end within the wait: 503, try again
            with render_claim.claimed("proposal:project=1"):
                pass
        with render_claim.claimed("proposal:project=2"):  # another document is not held up
            pass
        other_process.set()  # the other render ends
        with render_claim.claimed("proposal:project=1"):
            pass
