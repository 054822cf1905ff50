"""One render of a document at a time, across every worker and machine.

When a document is downloaded many times at once before it is kept (a link shared in a residents' group), every
worker would otherwise render the same PDF side by side, each in a child process of its own, and the pages would
wait for the CPU. The first download claims the document; the others wait for the claim, then find the PDF kept
(procure.documents.issuance re-reads it under the claim) and serve it without rendering.

The claim lives where every process that can render shares something: a PostgreSQL advisory lock (every machine
shares the database; the lock goes with its connection if the process dies), or, on SQLite, a byte-range lock on
a file beside the database file (every process on that machine). Threads of one process are kept apart by
render_pool.slot(), which they take after the claim."""
import fcntl
import hashlib
import os
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from flask import current_app
from sqlalchemy import text

from procure.documents.render_pool import RenderBusy
from procure.extensions import db

POLL_SECONDS = 0.05
_files: dict[str, int] = {}  # the lock file's descriptor per database file, open for the process's life
_opening = threading.Lock()


def _key(name: str) -> int:
    """A signed 63-bit number for `name` (PostgreSQL's advisory lock key, the lock file's byte offset)."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big") >> 1


def _patience() -> float:
    """How long a download waits for another's render: the render's own wait for a slot and its time cap."""
    config = current_app.config
    return config["DOCUMENT_RENDER_WAIT_SECONDS"] + config["DOCUMENT_RENDER_TIMEOUT_SECONDS"]


def _until(acquired, deadline: float):
    while not acquired():
        if time.monotonic() > deadline:
            raise RenderBusy()
        time.sleep(POLL_SECONDS)


@contextmanager
def claimed(name: str):
    """Hold the claim on rendering the document `name` (its kind and subject), waiting for another process's
    render of it to end; RenderBusy (503 with Retry-After) if it does not end in time."""
    key, deadline = _key(name), time.monotonic() + _patience()
    url = db.engine.url
    if url.get_backend_name() == "postgresql":
        with db.engine.connect() as connection:
            _until(lambda: connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}).scalar(),
                   deadline)
            connection.commit()
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                connection.commit()
    elif url.database and url.database != ":memory:":
        descriptor = _lock_file(url.database + ".render-lock")
        offset = key % (2**31)

        def acquired() -> bool:
            try:
                fcntl.lockf(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, offset)
                return True
            except OSError:
                return False

        _until(acquired, deadline)
        try:
            yield
        finally:
            fcntl.lockf(descriptor, fcntl.LOCK_UN, 1, offset)
    else:  # an in-memory database lives in one process: render_pool.slot() is enough
        yield


def _lock_file(path: str) -> int:
    """The open lock file (opened once: closing any descriptor of it would drop the process's locks on it)."""
    with _opening:
        if path not in _files:
            Path(path).touch(exist_ok=True)
            _files[path] = os.open(path, os.O_RDWR)
        return _files[path]
