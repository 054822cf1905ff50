"""Fixtures: an app on a migrated database (SQLite file, or TEST_DATABASE_URL for PostgreSQL),
a manual clock, a small world of organisations and users, an API client and a database snapshot."""
import os
from datetime import datetime, timezone

import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from procure import create_app
from procure.accounts.models import ApiToken, Organisation, User
from procure.accounts.passwords import hash_password
from procure.clock import ManualClock
from procure.codes import make_uscc
from procure.demo.journey import Cast, Journey
from procure.evaluators.models import EvaluatorProfile
from procure.extensions import db, limiter
from procure.providers.models import ProviderProfile
from procure.workdays.service import sync_from_library
from database_state import KEEP, DemoImage, empty_data_tables
from support import meet_requirements
from serverlike import ServerLikeClient

PASSWORD = "pw-for-tests"
# Monday 2 March 2026, 10:00 in Shanghai: a plain working week.
START = datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    app.test_client_class = ServerLikeClient
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
        sync_from_library()
        db.session.commit()
    return app


def truncate_data():
    empty_data_tables()


@pytest.fixture(scope="session")
def demo_image(app, tmp_path_factory):
    """The demo city (password DEMO_PASSWORD), loaded at most once per run: `demo_image.restore()` puts
    a copy in place of whatever the tables hold."""
    return DemoImage(tmp_path_factory.mktemp("demo") / "demo.db")


DEMO_PASSWORD = "demo-pw-for-tests"


@pytest.fixture(scope="class")
def demo_city(app, demo_image):
    """The demo city for a class of read-only tests; yields the clock that was there before (the loader
    puts its own in place while it builds the city)."""
    from procure.demo import load

    previous = ManualClock(datetime.now(timezone.utc))
    app.config["CLOCK"] = previous
    with app.app_context():
        if demo_image.taken:
            demo_image.restore()
        else:
            empty_data_tables()
            assert load(DEMO_PASSWORD) is True
            db.session.commit()
            demo_image.take()
    yield previous
    with app.app_context():
        empty_data_tables(after_many=True)
    app.config.pop("CLOCK", None)


@pytest.fixture(autouse=True)
def ctx(app):
    """Each test runs in an app context with the clock at START and empty data tables."""
    clock = ManualClock(START)
    app.config["CLOCK"] = clock
    limiter.reset()  # the per-address limits count in memory across tests otherwise
    with app.app_context():
        yield clock
        db.session.rollback()
        truncate_data()
    app.config.pop("CLOCK", None)


@pytest.fixture
def clock(ctx):
    return ctx


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def as_user(client, world):
    """Sign the test client in through the login form as a user of the world: `as_user("bureau")`."""
    from support import login

    def log_in(username):
        client.post("/logout")
        response = login(client, username)
        assert response.status_code == 302, response.get_data(as_text=True)
        return client
    return log_in


@pytest.fixture
def doc(client):
    """The OpenAPI document, as served (tests/openapi_check.py checks responses against it)."""
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def _org(kind, name, division, **extra):
    org = Organisation(kind=kind, name=name, division_code=division, **extra)
    db.session.add(org)
    return org


class World:
    """Organisations and one user per part a test needs, by username."""

    def __init__(self):
        city = _org("government", "××市民政局", "330100")
        far = _org("government", "□□市民政局", "330200")
        self.community = _org("community", "幸福社区", "330102001001", community_class="mature", members_total=15)
        self.community_b = _org("community", "和平社区", "330102001002", community_class="urban_village",
                                members_total=15)
        self.community_far = _org("community", "远山社区", "330201001001", community_class="mature",
                                  members_total=15)
        self.providers = [_org("provider", name, "330102", credit_code=make_uscc(f"5233010{i}MJ000000{i}"),
                               legal_representative=f"法人{i}")
                          for i, name in enumerate(["阳光社会工作服务中心", "同心社工事务所", "乐龄养老服务中心"], 1)]
        self.evaluators = [_org("evaluator", name, "330100", credit_code=make_uscc(f"9133010{i}MA000000{i}"))
                           for i, name in enumerate(["明镜评估事务所", "公信第三方评估中心"], 1)]
        db.session.flush()
        self.orgs = {"city": city, "far": far}
        password = hash_password(PASSWORD)
        spec = [("community", "community", self.community), ("community_b", "community", self.community_b),
                ("community_far", "community", self.community_far), ("reviewer", "reviewer", city),
                ("bureau", "bureau", city), ("admin", "admin", city), ("reviewer_far", "reviewer", far),
                ("bureau_far", "bureau", far), ("provider", "provider", self.providers[0]),
                ("provider2", "provider", self.providers[1]), ("provider3", "provider", self.providers[2]),
                ("evaluator", "evaluator", self.evaluators[0]), ("evaluator2", "evaluator", self.evaluators[1])]
        self.users = {}
        for username, role, org in spec:
            user = User(username=username, role=role, organisation_id=org.id, display_name=username,
                        password_hash=password)
            db.session.add(user)
            self.users[username] = user
        db.session.flush()
        for org in self.evaluators:  # in the register, so each may be drawn
            db.session.add(EvaluatorProfile(organisation_id=org.id, accreditation="社会组织评估资质", active=True))
        for org in self.providers:  # verified by the bureau, so each may bid
            db.session.add(ProviderProfile(organisation_id=org.id, registration_type="social_service_agency",
                                           annual_inspection="qualified", verified_at=START,
                                           verified_by_id=self.users["bureau"].id))
            meet_requirements(org, self.users["bureau"], START.date())
        db.session.commit()

    def __getitem__(self, username) -> User:
        return self.users[username]

    def cast(self) -> Cast:
        return Cast(community=self["community"], reviewer=self["reviewer"], bureau=self["bureau"],
                    evaluator=self["evaluator"], providers=[self["provider"], self["provider2"], self["provider3"]],
                    panel=[self["evaluator"], self["evaluator2"]])


@pytest.fixture
def world(ctx):
    return World()


@pytest.fixture
def journey(world, clock):
    return Journey(world.cast(), clock)


class Api:
    """Calls the JSON API as a user: `api.as_("bureau").post(path, json=…)`."""

    def __init__(self, client, world):
        self.client, self.world = client, world

    def token(self, username):
        token = ApiToken.issue(self.world[username], 12)
        db.session.commit()
        return token

    def as_(self, username):
        return _UserApi(self, username)


class _UserApi:
    def __init__(self, api, username):
        self.api, self.username = api, username

    def _call(self, method, path, **kwargs):
        headers = {"Authorization": f"Bearer {self.api.token(self.username)}", **kwargs.pop("headers", {})}
        return self.api.client.open("/api/v1" + path, method=method, headers=headers, **kwargs)

    def get(self, path, **kw):
        return self._call("GET", path, **kw)

    def post(self, path, **kw):
        return self._call("POST", path, **kw)

    def patch(self, path, **kw):
        return self._call("PATCH", path, **kw)

    def put(self, path, **kw):
        return self._call("PUT", path, **kw)

    def fire(self, project, trigger, **data):
        db.session.refresh(project)
        return self.post(f"/projects/{project.id}/transitions/{trigger}", json={"version": project.version, **data})


@pytest.fixture
def api(client, world):
    return Api(client, world)


def snapshot() -> dict:
    """Every row of every table (tokens and the users' session generations aside: signing in and out between
    two snapshots is no change), to prove a refused action changed nothing."""
    db.session.expire_all()
    rows = {}
    for table in db.metadata.sorted_tables:
        if table.name in KEEP or table.name == "api_tokens":
            continue
        columns = [column for column in table.columns if (table.name, column.name) != ("users", "session_generation")]
        rows[table.name] = sorted(map(tuple, db.session.execute(table.select().with_only_columns(*columns)).all()),
                                  key=repr)
    return rows


@pytest.fixture
def db_snapshot():
    return snapshot


@pytest.fixture
def refused(db_snapshot):
    """refused(call, *codes): the call answers 422 with exactly these reasons and changes nothing."""
    from support import reason_codes

    def check(call, *codes):
        before = db_snapshot()
        response = call()
        assert reason_codes(response) == list(codes), response.get_json()
        assert db_snapshot() == before
        return response.get_json()["reasons"]
    return check


# A scaled city small enough for the suite: the demo's projects copied to SCALED["projects"], with new
# communities, volunteers and ledger entries (procure.demo.scale), for tests that need many rows.
SCALED = {"projects": 400, "communities": 24, "more_volunteers": 100, "more_entries": 2000}


@pytest.fixture(scope="class")
def scaled_city(app, demo_city):
    """The demo city grown by `flask demo scale` (see SCALED), for a class of read-only tests; yields the rows
    added per table. Classes using it override `ctx` as the demo's readers do (the data stays for the class)."""
    from procure.demo.scale import scale_city
    from procure.volunteers.models import PointEntry, Volunteer

    with app.app_context():
        volunteers = db.session.scalar(db.select(db.func.count()).select_from(Volunteer))
        entries = db.session.scalar(db.select(db.func.count()).select_from(PointEntry))
        added = scale_city(SCALED["projects"], volunteers + SCALED["more_volunteers"],
                           entries + SCALED["more_entries"], communities=SCALED["communities"])
    yield added
