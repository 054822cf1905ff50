"""Response time and SQL statements of the volunteer pages on the demo data (about 300 volunteers, thousands of
sign-ups and ledger entries): loads the demo city into a temporary SQLite database, requests each page N times
through the test client and prints the median and worst time and the statements per request.

    .venv/bin/python bench/volunteers.py [-n 5]
"""
import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=5, help="requests per page (default 5)")
    args = parser.parse_args()

    from flask_migrate import upgrade
    from sqlalchemy import event

    from procure import create_app
    from procure.extensions import db

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{os.path.join(tmp, 'bench.db')}",
                         WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False)
        with app.app_context():
            upgrade()
            from procure.demo import load

            started = time.perf_counter()
            load(app.config["DEMO_PASSWORD"])
            db.session.commit()
            print(f"demo loaded in {time.perf_counter() - started:.1f} s; {counts(db)}")
            statements = []
            event.listen(db.engine, "before_cursor_execute", lambda *_a: statements.append(1))
            wanted = requests(db)
        rows = []  # requested outside the app context, as a server would (streamed exports push their own)
        for who, label, method, url in wanted:
            client = app.test_client()
            if who:
                client.post("/login", data={"username": who, "password": app.config["DEMO_PASSWORD"]})
            times, per_request = [], 0
            for _ in range(args.n):
                statements.clear()
                begun = time.perf_counter()
                response = client.open(url, method=method)
                body = response.get_data()  # a streamed export is produced while it is read
                times.append((time.perf_counter() - begun) * 1000)
                per_request = len(statements)
                assert response.status_code == 200, (url, response.status_code)
            rows.append((label, who or "public", statistics.median(times), max(times), per_request,
                         len(body)))
    print(f"\n{'page':<36}{'as':<12}{'median ms':>10}{'max ms':>9}{'SQL':>6}{'KiB':>7}")
    for label, who, median, worst, sql, size in rows:
        print(f"{label:<36}{who:<12}{median:>10.0f}{worst:>9.0f}{sql:>6}{size / 1024:>7.0f}")


def counts(db) -> str:
    from procure.volunteers.models import Activity, PointEntry, SignUp, Volunteer

    numbers = {name: db.session.scalar(db.select(db.func.count()).select_from(model))
               for name, model in (("volunteers", Volunteer), ("activities", Activity), ("sign-ups", SignUp),
                                   ("ledger entries", PointEntry))}
    return ", ".join(f"{n} {name}" for name, n in numbers.items())


def requests(db):
    """(user, label, method, url): the public board, the staff's register and its exports, a volunteer's page,
    the certificate, the talent search and the API."""
    from procure import clock
    from procure.accounts.models import User
    from procure.volunteers.models import Volunteer

    resident = db.session.scalar(db.select(User).filter_by(username="resident1"))
    volunteer = db.session.scalar(db.select(Volunteer).filter_by(user_id=resident.id))
    year = clock.today().year
    return [
        (None, "star board, this month", "GET", "/public/volunteers/board"),
        (None, "star board, all time", "GET", "/public/volunteers/board?period=all"),
        (None, "star board API, this year", "GET", "/api/v1/volunteers/board?period=year"),
        (None, "public home (top five)", "GET", "/"),
        ("community1", "volunteer register", "GET", "/volunteers"),
        ("community1", "register with a year's hours", "GET", f"/volunteers?year={year}"),
        ("community1", "register export CSV", "GET", f"/volunteers/export.csv?year={year}"),
        ("community1", "register export XLSX", "GET", f"/volunteers/export.xlsx?year={year}"),
        ("community1", "activities", "GET", "/activities?all=1"),
        ("community1", "talent pool search", "GET", "/talent"),
        ("resident1", "a volunteer's page", "GET", "/me/volunteer"),
        ("resident1", "redemption catalogue", "GET", f"/communities/{volunteer.community_id}/rewards"),
        ("resident1", "service certificate PDF", "GET",
         f"/volunteers/{volunteer.id}/certificates/volunteer_certificate.pdf"),
    ]


if __name__ == "__main__":
    main()
