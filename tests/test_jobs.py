"""Daily jobs do the day's work once however many machines' timers fire (issue 16): two runs at once, or a
second run the same day, notify each user once and the other run says it has nothing to do; a run that
fails lets a later one do the day's work; --again runs anyway. On SQLite and PostgreSQL."""
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from procure import clock as app_clock
from procure.extensions import db
from procure.jobs import JobRun
from procure.notifications.models import Notification
from procure.procurement.models import Contract

ROOT = Path(__file__).resolve().parent.parent

# One machine's timer: a process of its own on the test database, at the test's time; it waits for a line
# on its standard input, so that several start their run at the same moment.
NODE = """
import sys
from datetime import datetime
from procure import create_app
from procure.clock import ManualClock

url, moment = sys.argv[1], datetime.fromisoformat(sys.argv[2])
app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, CLOCK=ManualClock(moment))
sys.stdin.readline()
with app.app_context():  # as `flask` gives every command
    result = app.test_cli_runner().invoke(args=sys.argv[3:])
print(result.output, end="")
if result.exception is not None and not isinstance(result.exception, SystemExit):
    import traceback
    traceback.print_exception(result.exception, file=sys.stderr)
sys.exit(result.exit_code)
"""


@pytest.fixture
def overdue(world, journey, clock):
    """A milestone one day late: one reminder each for the implementer's and the community's users."""
    project = journey.drive(journey.create(), "in_delivery")
    first = db.session.scalar(select(Contract).filter_by(project_id=project.id)).milestones[0]
    clock.advance(days=(first.due - app_clock.today()).days + 1)
    db.session.commit()
    return first


def reminders_sent() -> list[tuple[int, str]]:
    db.session.expire_all()
    return sorted(db.session.execute(select(Notification.user_id, Notification.key)).tuples())


def flask(app, *args):
    result = app.test_cli_runner().invoke(args=list(args))
    db.session.expire_all()
    return result


def test_two_machines_firing_at_once_notify_each_user_once(app, overdue, clock):
    db.session.commit()  # the test's own session holds no transaction (SQLite's write lock) meanwhile
    url = db.engine.url.render_as_string(hide_password=False)
    nodes = [subprocess.Popen([sys.executable, "-c", NODE, url, clock.moment.isoformat(), "reminders"], cwd=ROOT,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    for node in nodes:  # both have started and loaded the app by now or soon: release them together
        node.stdin.write("go\n")
        node.stdin.flush()
    outputs = []
    for node in nodes:
        out, err = node.communicate(timeout=120)
        assert node.returncode == 0, out + err
        outputs.append(out.strip())
    assert sorted(outputs, key=lambda o: "nothing done" in o)[0] == "2 notifications written for 2 users", outputs
    other = next(o for o in outputs if "nothing done" in o)
    assert other.startswith((f"reminders: already ran for {app_clock.today()}", "reminders: already running"))
    assert len(reminders_sent()) == 2
    [run] = db.session.scalars(select(JobRun)).all()
    assert run.job == "reminders" and run.day == app_clock.today() and run.finished_at is not None
    assert run.outcome == "2 notifications written for 2 users"


def test_a_second_run_the_same_day_says_so_and_the_next_day_runs(app, overdue, clock):
    first = flask(app, "reminders")
    assert first.exit_code == 0 and first.output.strip() == "2 notifications written for 2 users"
    sent = reminders_sent()
    second = flask(app, "reminders")
    assert second.exit_code == 0
    assert second.output.startswith(f"reminders: already ran for {app_clock.today()}")
    assert "2 notifications written for 2 users" in second.output and "nothing done" in second.output
    assert reminders_sent() == sent
    clock.advance(days=1)
    third = flask(app, "reminders")
    assert third.exit_code == 0 and third.output.strip() == "0 notifications written for 0 users"
    assert len(db.session.scalars(select(JobRun)).all()) == 2


def test_each_job_claims_its_own_day(app, overdue):
    assert flask(app, "reminders").output.strip() == "2 notifications written for 2 users"
    expire = flask(app, "volunteers", "expire")
    assert expire.exit_code == 0 and "points expired for 0 volunteers" in expire.output
    assert "already ran" in flask(app, "volunteers", "expire").output
    assert {run.job for run in db.session.scalars(select(JobRun))} == {"reminders", "volunteers-expire"}


def test_a_failed_run_lets_the_next_one_do_the_work(app, overdue, monkeypatch):
    import procure.notifications.reminders as reminders

    def broken():
        raise RuntimeError("the mail relay is down")

    monkeypatch.setattr(reminders, "write_notifications", broken)
    failed = flask(app, "reminders")
    assert failed.exit_code != 0 and isinstance(failed.exception, RuntimeError)
    assert db.session.scalars(select(JobRun)).all() == [] and reminders_sent() == []
    monkeypatch.undo()
    assert flask(app, "reminders").output.strip() == "2 notifications written for 2 users"


def test_a_run_that_died_is_named_and_again_runs_anyway(app, overdue, clock):
    db.session.add(JobRun(job="reminders", day=app_clock.today(), node="node-a pid 4242",
                          started_at=clock.moment))  # killed before it finished: never completed
    db.session.commit()
    stuck = flask(app, "reminders")
    assert stuck.exit_code == 0 and "already running" in stuck.output and "node-a pid 4242" in stuck.output
    assert "--again" in stuck.output and reminders_sent() == []
    again = flask(app, "reminders", "--again")
    assert again.exit_code == 0 and again.output.strip() == "2 notifications written for 2 users"
    [run] = db.session.scalars(select(JobRun)).all()
    assert run.finished_at is not None and run.node != "node-a pid 4242"


def test_a_run_while_another_holds_the_database_answers_at_once(app, overdue):
    """On SQLite a run at work holds the write lock: a second run reads the claim without waiting for it."""
    assert flask(app, "reminders").exit_code == 0
    with db.engine.begin() as working:  # another run's transaction (on SQLite: BEGIN IMMEDIATE)
        working.execute(select(JobRun.id)).all()
        second = flask(app, "reminders")
    assert second.exit_code == 0 and "already ran" in second.output, second.output
