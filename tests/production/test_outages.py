"""Issue 16: while the database is out of reach the served app answers 503 with Retry-After (a page in both
languages; JSON under /api/), never 500, and once the database is back it works again without a restart:
PostgreSQL restarted under running nodes, and a SQLite file that was read-only when the workers opened it."""
import pytest

from outage import read_only
from production.conftest import DEMO_PASSWORD, Browser, Cluster, await_node, node_env


def assert_unavailable(answer, api=False):
    assert answer.status == 503 and int(answer.headers["Retry-After"]) > 0, (answer.status, answer.text[:300])
    if api:
        assert answer.json()["error"] == "unavailable"
    else:
        assert "系统暂时无法连接数据库" in answer.text and "cannot reach its database" in answer.text


def test_postgresql_restarted_under_running_nodes(cluster, node_a, node_b):
    browser = Browser("203.0.113.20")
    assert node_a.sign_in(browser, "bureau1").status == 302
    cluster.postgres.stop()
    try:
        for node in (node_a, node_b):
            assert_unavailable(node.request("/projects", browser))
            assert_unavailable(node.request("/public/projects"))
            assert_unavailable(node.request("/api/v1/categories"), api=True)
            assert_unavailable(node.request("/api/v1/tokens", json_body={"username": "bureau1", "password": "x"}),
                               api=True)
    finally:
        cluster.postgres.start()
    for node in (node_a, node_b):  # every worker's pooled connections died with the server: none is reused
        assert [node.request("/projects", browser).status for _ in range(4)] == [200] * 4
        token = node.request("/api/v1/tokens", Browser("203.0.113.21"),
                             json_body={"username": "bureau1", "password": DEMO_PASSWORD})
        assert token.status == 201, token.text
    assert not node_a.errors() and not node_b.errors(), node_a.errors() + node_b.errors()


@pytest.fixture
def sqlite_site(tmp_path):
    """A migrated SQLite file and what a node on it needs (no node yet: the test starts it)."""
    database = tmp_path / "procure.db"
    url = f"sqlite:///{database}"
    site = Cluster(postgres=None, redis=None, database_url=url, workdir=tmp_path,
                   env=node_env(DATABASE_URL=url, PROCURE_INSTANCE=str(tmp_path)))
    migrated = site.flask("db", "upgrade")
    assert migrated.returncode == 0, migrated.stderr[-3000:]
    site.database = database
    return site


def test_a_sqlite_file_read_only_when_the_workers_opened_it(sqlite_site):
    """A file left read-only (a restored backup's permissions, a disk remounted read-only) when the service
    started: writes answer 503 and reads go on; made writable, writes succeed again without a restart
    (before, every write failed until the service was restarted)."""
    wrong_password = {"username": "nobody", "password": "not-this"}  # refused, and the failure is written down
    with read_only(sqlite_site.database):
        node = sqlite_site.start_node("sqlite")
        try:
            await_node(node)  # it reads
            for _ in range(4):  # over both workers
                assert_unavailable(node.request("/api/v1/tokens", json_body=wrong_password), api=True)
            assert_unavailable(node.sign_in(Browser(), "nobody", "not-this"))
            assert node.request("/public/projects").status == 200
        except BaseException:
            node.stop()
            raise
    try:
        assert [node.request("/api/v1/tokens", json_body=wrong_password).status for _ in range(6)] == [401] * 6
        assert sqlite_site.query("SELECT count(*) FROM login_failures") == [(6,)]
        assert not node.errors(), node.errors()
    finally:
        node.stop()
