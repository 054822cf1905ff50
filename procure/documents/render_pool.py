"""Rendering official PDFs within bounds: a few renders at a time per process (DOCUMENT_RENDER_CONCURRENCY), each
in a child process stopped after DOCUMENT_RENDER_TIMEOUT_SECONDS and refused beyond DOCUMENT_MAX_PAGES pages.

Why a child process per render: WeasyPrint cannot be interrupted inside a thread, so a time cap checked in the
web worker would only be noticed once the render had ended. The child (`python -I procure/documents/render.py`)
is killed when the cap passes, so the cap is real, and its memory goes back when it exits. It is started
afresh, not forked, so it shares no database connection, lock or thread with the worker, and the same code
holds under gunicorn's sync workers, threaded workers and the development server. Starting the interpreter and
WeasyPrint costs about half a second per render; since issued PDFs are kept (procure.documents.issuance), a
document renders only on its first download and after its data changed.

Why a bounded wait: a request that finds every render slot of its process taken waits at most
DOCUMENT_RENDER_WAIT_SECONDS, then answers 503 with Retry-After instead of piling up behind the others."""
import logging
import subprocess
import sys
import threading
from contextlib import contextmanager

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from procure.documents import render as child_module
from procure.documents.render import TOO_MANY_PAGES, Rendered
from procure.errors import Refusal

log = logging.getLogger(__name__)
_creating = threading.Lock()


def bilingual(message) -> str:
    """"english / 中文", as the API words its errors."""
    with force_locale("en"):
        english = str(message)
    with force_locale("zh_Hans_CN"):
        chinese = str(message)
    return f"{english} / {chinese}"


class RenderRefusal(Refusal):
    def body(self) -> dict:
        return {"error": self.code, "message": bilingual(self.message)}


class DocumentTooLarge(RenderRefusal):
    status, code = 422, "document_too_large"

    def __init__(self, limit: int):
        super().__init__(limit)
        self.message = _l("文件过大，无法生成（超过 %(limit)s 页）", limit=limit)


class RenderUnavailable(RenderRefusal):
    """No slot came free in time, or the render ran out of time: try again once the others are done."""
    status = 503

    def headers(self) -> dict:
        return {"Retry-After": str(retry_after())}


class RenderBusy(RenderUnavailable):
    code, message = "busy", _l("正在生成的文件较多，请稍后再试")


class RenderTimedOut(RenderUnavailable):
    code, message = "render_timeout", _l("文件生成超时，请稍后再试")


def retry_after() -> int:
    """Seconds after which a slot is free again: a render holds one at most this long."""
    return max(1, int(current_app.config["DOCUMENT_RENDER_TIMEOUT_SECONDS"]))


def slots() -> threading.BoundedSemaphore:
    """The process's render slots (one set per app, made on first use)."""
    extensions = current_app.extensions
    with _creating:
        if "document_render_slots" not in extensions:
            extensions["document_render_slots"] = threading.BoundedSemaphore(
                current_app.config["DOCUMENT_RENDER_CONCURRENCY"])
    return extensions["document_render_slots"]


@contextmanager
def slot():
    """Hold one render slot, waiting at most DOCUMENT_RENDER_WAIT_SECONDS; RenderBusy (503) otherwise."""
    held = slots()
    if not held.acquire(timeout=current_app.config["DOCUMENT_RENDER_WAIT_SECONDS"]):
        log.warning("document render refused: every render slot stayed taken for %s s",
                    current_app.config["DOCUMENT_RENDER_WAIT_SECONDS"])
        raise RenderBusy()
    try:
        yield
    finally:
        held.release()


def render(html: str) -> Rendered:
    """Render `html` in a child process within the page and time caps (the caller holds a slot())."""
    limit, timeout = current_app.config["DOCUMENT_MAX_PAGES"], current_app.config["DOCUMENT_RENDER_TIMEOUT_SECONDS"]
    try:
        done = subprocess.run([sys.executable, "-I", child_module.__file__, str(limit)], input=html.encode("utf-8"),
                              capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:  # the child is killed by now
        log.warning("document render stopped after %s s (DOCUMENT_RENDER_TIMEOUT_SECONDS)", timeout)
        raise RenderTimedOut() from None
    if done.returncode == TOO_MANY_PAGES:
        log.warning("document of %s pages refused (DOCUMENT_MAX_PAGES = %s)", done.stdout.decode(), limit)
        raise DocumentTooLarge(limit)
    if done.returncode != 0:
        raise RuntimeError(f"document render failed (exit status {done.returncode}): "
                           f"{done.stderr.decode('utf-8', 'replace')[-2000:]}")
    pages, _, pdf = done.stdout.partition(b"\n")
    return Rendered(pdf, int(pages))
