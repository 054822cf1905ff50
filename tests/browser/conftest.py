"""Browser fixtures: the session app served on a free local port with CSRF on, and a headless Chromium page
(a test fails when the page's Content-Security-Policy blocked anything)."""
import threading

import pytest
from werkzeug.serving import make_server

from procure.extensions import db

from .pages import CHROMIUM, CHROMIUM_ARGS


@pytest.fixture
def live_server(app, world):
    """The session app on 127.0.0.1 and a free port, with CSRF on for as long as the test runs."""
    before = app.config.get("WTF_CSRF_ENABLED")
    app.config["WTF_CSRF_ENABLED"] = True
    # The test thread must hold no transaction while the server writes (SQLite takes the write lock
    # at BEGIN outside requests): end the one the world fixture may have left open.
    db.session.rollback()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        app.config["WTF_CSRF_ENABLED"] = before


@pytest.fixture
def browser_page():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        context.set_default_timeout(15_000)
        page = context.new_page()
        # What the Content-Security-Policy blocked (Chromium says so on the console): a page that needs an inline
        # script or style the policy refuses is broken for its users, so it fails the test that showed it.
        blocked = []
        page.on("console", lambda message: blocked.append(message.text) if message.type == "error" and (
            "Content Security Policy" in message.text) else None)
        try:
            yield page
        finally:
            context.close()
            browser.close()
        assert not blocked, blocked
