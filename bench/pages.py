"""Pages at scale: every page a user meets, timed on the demo city and on a city grown to 100,000 projects
(`flask demo scale`), both served by gunicorn as production serves them (gunicorn.conf.py, two workers), the
requests alternating between the two servers so that a busy machine slows both alike. Prints, per page, the
median and 90th percentile on each and the ratio of the medians (100k ÷ demo: 1 means the page costs the same
whatever the data), then the largest resident memory of a worker.

    .venv/bin/python bench/pages.py [-n 10] [--projects 100000] [--keep DIR]    # builds both cities (minutes)
    .venv/bin/python bench/pages.py --demo-db DEMO.db --scale-db SCALE.db      # SQLite files built before
    .venv/bin/python bench/pages.py --database-url-demo URL --database-url-scale URL   # PostgreSQL
    .venv/bin/python bench/pages.py ... --reference DIR/reference_app.py [--duration 10] [--runs 3]

--reference also runs the staff project list at 100k (signed in as bureau1) against the reference page (bare
Flask and raw sqlite3 listing 20 of 100,000 rows with a count, served by gunicorn with two workers), alternating
`wrk -t1 -c8` runs of each, and prints the requests per second of both and their ratio. Needs Debian's `wrk`.
Exports and bulk files are timed to their first byte (they stream); other pages to their last byte.
"""
import argparse
import http.client
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ROLES = ("admin", "bureau1", "community1", "reviewer1", "provider1", "evaluator1", "resident1")
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
DEEP = 2000  # the deep page asked of every list (the demo's lists have fewer: they show their last)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=10, help="requests per page and server (default 10)")
    parser.add_argument("--projects", type=int, default=100_000, help="projects of the scaled city it builds")
    parser.add_argument("--demo-db", help="the demo city as a SQLite file (default: build one)")
    parser.add_argument("--scale-db", help="the scaled city as a SQLite file (default: build one)")
    parser.add_argument("--database-url-demo", help="the demo city on PostgreSQL (a database URL)")
    parser.add_argument("--database-url-scale", help="the scaled city on PostgreSQL (a database URL)")
    parser.add_argument("--keep", metavar="DIR", help="build the SQLite cities in DIR and keep them there")
    parser.add_argument("--reference", metavar="PATH", help="reference_app.py: also run the staff list against it")
    parser.add_argument("--reference-db", help="the reference app's database (default: built, 100,000 rows)")
    parser.add_argument("--duration", type=int, default=10, help="seconds of each wrk run (default 10)")
    parser.add_argument("--runs", type=int, default=3, help="wrk runs of each side (default 3)")
    parser.add_argument("--skip-pages", action="store_true", help="only the reference comparison")
    parser.add_argument("--markdown", action="store_true", help="print the table of pages in Markdown")
    args = parser.parse_args()
    if args.reference and not shutil.which("wrk"):
        sys.exit("--reference needs wrk (Debian: apt-get install wrk)")
    with ExitStack() as stack:
        work = Path(args.keep or stack.enter_context(tempfile.TemporaryDirectory()))
        work.mkdir(parents=True, exist_ok=True)
        demo_url, scale_url = databases(args, work)
        demo = stack.enter_context(Server("demo", demo_url, work))
        scale = stack.enter_context(Server("100k", scale_url, work))
        print(f"serving the demo at {demo.base} and the scaled city at {scale.base} (two workers each)")
        if not args.skip_pages:
            measure_pages(demo, scale, subjects(demo_url), args.n, args.markdown)
        if args.reference:
            against_reference(scale, Path(args.reference).resolve(), args, work)


# ---- the two cities ----------------------------------------------------------------------------------------

def environment(instance: Path, url: str) -> dict:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("TEST_DATABASE", "PYTHON", "VIRTUAL_ENV"))}
    env.update(PROCURE_INSTANCE=str(instance), DATABASE_URL=url, FLASK_APP="wsgi",
               PUBLIC_DOCUMENT_LIMIT="1000000 per hour")
    return env


def flask(env, *command):
    subprocess.run([str(BIN / "flask"), *command], cwd=ROOT, env=env, check=True)


def databases(args, work: Path) -> tuple[str, str]:
    """The database URLs of the demo city and the scaled one, building the SQLite files that were not given."""
    if args.database_url_demo or args.database_url_scale:
        if not (args.database_url_demo and args.database_url_scale):
            sys.exit("give both --database-url-demo and --database-url-scale")
        return args.database_url_demo, args.database_url_scale
    demo = Path(args.demo_db) if args.demo_db else work / "demo.db"
    if not args.demo_db and not demo.exists():
        instance = work / "build"
        instance.mkdir(exist_ok=True)
        env = environment(instance, f"sqlite:///{demo}")
        started = time.perf_counter()
        for command in (["db", "upgrade"], ["calendar", "sync"], ["demo", "load"]):
            flask(env, *command)
        print(f"demo city built in {time.perf_counter() - started:.0f} s: {demo}")
    scale = Path(args.scale_db) if args.scale_db else work / f"scale-{args.projects}.db"
    if not args.scale_db and not scale.exists():
        shutil.copyfile(demo, scale)
        instance = work / "build"
        instance.mkdir(exist_ok=True)
        started = time.perf_counter()
        flask(environment(instance, f"sqlite:///{scale}"), "demo", "scale", "--projects", str(args.projects))
        print(f"scaled city built in {time.perf_counter() - started:.0f} s: {scale}")
    return f"sqlite:///{demo.resolve()}", f"sqlite:///{scale.resolve()}"


def subjects(url: str) -> dict:
    """What the page addresses name, read from the demo city (the scaled city holds the demo's rows unchanged):
    a closed purchase project, the catalogue in force, the latest year of OCDS releases, community1's and
    provider1's organisations."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as connection:
        def one(sql):
            return connection.execute(text(sql)).first()
        project = one("SELECT id, code FROM projects WHERE state = 'closed' AND funding_form = 'purchase' "
                      "ORDER BY id LIMIT 1")
        found = {"project_id": project.id, "code": project.code,
                 "catalogue": one("SELECT max(year) FROM catalogues WHERE state = 'in_force'")[0],
                 "community": one("SELECT organisation_id FROM users WHERE username = 'community1'")[0],
                 "provider": one("SELECT organisation_id FROM users WHERE username = 'provider1'")[0],
                 "ocds_year": int(str(one("SELECT max(date) FROM ocds_releases")[0])[:4])}
    engine.dispose()
    return found


# ---- serving ----------------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn -c gunicorn.conf.py (two workers) on a free port over `url`, until the block ends."""

    def __init__(self, name, url, work: Path):
        self.name, self.url = name, url
        self.instance = Path(tempfile.mkdtemp(prefix=f"instance-{name}-", dir=work))
        self.cookies = {}

    def __enter__(self):
        port = free_port()
        env = environment(self.instance, self.url)
        env.update(PROCURE_BIND=f"127.0.0.1:{port}", WORKERS="2", GUNICORN_TIMEOUT="300")
        self.log = open(self.instance / "gunicorn.log", "w")
        self.process = subprocess.Popen([str(BIN / "gunicorn"), "-c", "gunicorn.conf.py"], cwd=ROOT, env=env,
                                        stdout=self.log, stderr=subprocess.STDOUT)
        self.host, self.port, self.base = "127.0.0.1", port, f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            try:
                if request(self, "/healthz")[0] == 200:
                    return self
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                sys.exit(f"gunicorn ({self.name}) did not start:\n" + (self.instance / "gunicorn.log").read_text())
            time.sleep(0.3)

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()
        shutil.rmtree(self.instance, ignore_errors=True)

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def worst_rss_mb(self) -> float:
        """The largest resident memory (VmRSS) of the workers now, in MB."""
        worst = 0
        for pid in self.workers():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            found = re.search(r"VmRSS:\s+(\d+) kB", status)
            worst = max(worst, int(found.group(1)) if found else 0)
        return worst / 1024

    def sign_in(self, username, password):
        status, headers, body = request(self, "/login", want_headers=True)
        token = CSRF.search(body.decode()).group(1)
        cookie = _cookie(headers)
        form = urlencode({"csrf_token": token, "username": username, "password": password})
        status, headers, _ = request(self, "/login", cookie=cookie, method="POST", body=form, want_headers=True)
        if status != 302:
            sys.exit(f"{username} could not sign in on {self.name} ({status})")
        cookie = _cookie(headers) or cookie
        # Then the page the login leads to, as a browser follows it: its cookie carries the session's form token
        # from then on (a cookie without one would have every page write a new one into the session).
        location = dict((name.lower(), value) for name, value in headers)["location"]
        status, headers, _ = request(self, urlsplit(location).path, cookie=cookie, want_headers=True)
        self.cookies[username] = _cookie(headers) or cookie

    def refresh(self, username, path="/"):
        """Take the cookie a page sends back, as a browser keeps it: the session notes when it was last used
        (every 30 s), and a client that sent an old cookie for ever would have every page write it again."""
        status, headers, _ = request(self, path, cookie=self.cookies[username], want_headers=True)
        self.cookies[username] = _cookie(headers) or self.cookies[username]


def _cookie(headers) -> str:
    return "; ".join(value.split(";", 1)[0] for name, value in headers if name.lower() == "set-cookie")


def request(server, path, cookie="", method="GET", body=None, want_headers=False, first_byte=False):
    """(status, milliseconds) — or (status, headers, body) with want_headers. A new connection each time, as
    gunicorn's sync workers close theirs; `first_byte` stops at the first byte of the body."""
    headers = {"Cookie": cookie} if cookie else {}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection = http.client.HTTPConnection(server.host, server.port, timeout=600)
    started = time.perf_counter()
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        if want_headers:
            return response.status, response.getheaders(), response.read()
        if first_byte and response.status == 200:
            response.read(1)
        else:
            response.read()
        return response.status, (time.perf_counter() - started) * 1000
    finally:
        connection.close()


# ---- the pages --------------------------------------------------------------------------------------------

def pages(s: dict) -> list[tuple]:
    """(label, who (None: the public), path, timed to the first byte)."""
    search = "q=%E8%80%81%E5%B9%B4"  # 老年
    return [
        ("home", None, "/", False),
        ("public list", None, "/public/projects", False),
        (f"public list page {DEEP}", None, f"/public/projects?page={DEEP}", False),
        ("public list filtered", None, "/public/projects?stage=delivery&funding_form=purchase", False),
        ("public list search 老年", None, f"/public/projects?{search}", False),
        (f"public list search, page {DEEP}", None, f"/public/projects?{search}&page={DEEP}", False),
        ("public project", None, f"/public/projects/{s['code']}", False),
        ("public catalogue", None, f"/public/catalogues/{s['catalogue']}", False),
        ("public contracts", None, "/public/contracts", False),
        ("public evaluations", None, "/public/evaluations", False),
        ("public providers", None, "/public/providers", False),
        ("public provider page", None, f"/public/providers/{s['provider']}", False),
        ("public evaluation firms", None, "/public/evaluators", False),
        ("public communities", None, "/public/communities", False),
        ("open data", None, "/open-data", False),
        ("volunteer star board", None, "/public/volunteers/board", False),
        ("volunteer star board, all time", None, "/public/volunteers/board?period=all", False),
        ("OCDS feed", None, "/api/v1/ocds/releases", False),
        (f"OCDS bulk {s['ocds_year']} (first byte)", None, f"/api/v1/ocds/bulk/{s['ocds_year']}.json", True),
        ("public export projects.csv (first byte)", None, "/public/exports/projects.csv", True),
        *[(f"desk {who}", who, "/desk", False) for who in ROLES if who != "resident1"],
        ("my volunteer page", "resident1", "/me/volunteer", False),
        ("staff list", "bureau1", "/projects", False),
        (f"staff list page {DEEP}", "bureau1", f"/projects?page={DEEP}", False),
        ("staff list filtered", "bureau1", "/projects?state=in_delivery&funding_form=purchase", False),
        ("staff list search 老年", "bureau1", f"/projects?{search}", False),
        ("staff list of community1's", "bureau1", f"/projects?community={s['community']}", False),
        ("staff list (community1)", "community1", "/projects", False),
        ("staff list (provider1)", "provider1", "/projects", False),
        ("project page", "bureau1", f"/projects/{s['project_id']}", False),
        ("catalogue", "bureau1", f"/catalogues/{s['catalogue']}", False),
        ("volunteer register", "community1", "/volunteers", False),
        ("volunteer register, a year's hours", "community1", f"/volunteers?year={s['ocds_year']}", False),
        ("staff export projects.csv (first byte)", "bureau1", "/projects/export.csv", True),
        ("volunteers export csv (first byte)", "community1", "/volunteers/export.csv", True),
    ]


def measure_pages(demo, scale, found, n, markdown=False):
    password = os.environ.get("DEMO_PASSWORD", "procure-demo-2026")
    for server in (demo, scale):
        for who in ROLES:
            server.sign_in(who, password)
    wanted = pages(found)
    times = {(label, server.name): [] for label, *_ in wanted for server in (demo, scale)}
    statuses = {}
    worst = {demo.name: 0.0, scale.name: 0.0}

    def one(server, label, who, path, first_byte, keep=True):
        status, ms = request(server, path, server.cookies.get(who, ""), first_byte=first_byte)
        statuses.setdefault((label, server.name), set()).add(status)
        if keep:
            times[(label, server.name)].append(ms)

    for label, who, path, first_byte in wanted:  # once each, untimed: the first request of a page warms caches
        for server in (demo, scale):
            one(server, label, who, path, first_byte, keep=False)
    for round_ in range(n):
        order = (demo, scale) if round_ % 2 == 0 else (scale, demo)
        for label, who, path, first_byte in wanted:
            for server in order:
                one(server, label, who, path, first_byte)
        for server in (demo, scale):
            worst[server.name] = max(worst[server.name], server.worst_rss_mb())
        print(f"round {round_ + 1}/{n} done", file=sys.stderr)
    rows = []
    for label, who, _path, _ in wanted:
        a, b = times[(label, demo.name)], times[(label, scale.name)]
        bad = sorted(s for key in ((label, demo.name), (label, scale.name)) for s in statuses[key] if s != 200)
        rows.append((label, who or "public", statistics.median(a), statistics.median(b), p90(a), p90(b),
                     f"status {bad}" if bad else ""))
    memory = (f"worst worker RSS: demo {worst[demo.name]:.0f} MB, 100k {worst[scale.name]:.0f} MB "
              f"(at the end: demo {demo.worst_rss_mb():.0f} MB, 100k {scale.worst_rss_mb():.0f} MB)")
    print(f"\n{n} requests per page on each server, alternating; milliseconds")
    if markdown:
        print("\n| page | as | demo median | 100k median | ratio | demo p90 | 100k p90 |\n|---|---|---:|---:|---:|---:|---:|")
        for label, who, a, b, a90, b90, note in rows:
            print(f"| {label}{' (' + note + ')' if note else ''} | {who} | {a:.0f} | {b:.0f} | {b / a:.2f} | {a90:.0f} "
                  f"| {b90:.0f} |")
        print(f"\n{memory}")
        return
    print(f"{'page':<42}{'as':<12}{'demo median':>12}{'100k median':>12}{'ratio':>9}{'demo p90':>10}{'100k p90':>10}")
    for label, who, a, b, a90, b90, note in rows:
        print(f"{pad(label, 42)}{who:<12}{a:>12.0f}{b:>12.0f}{b / a:>9.2f}{a90:>10.0f}{b90:>10.0f}  {note}")
    print(f"\n{memory}")


def pad(text: str, width: int) -> str:
    """`text` left-aligned in `width` columns of a terminal, where a Chinese character takes two."""
    return text + " " * max(1, width - sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text))


def p90(values) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]


# ---- against the reference page ------------------------------------------------------------------------------

def against_reference(scale, reference: Path, args, work: Path):
    """The staff list at 100k (bureau1) and the reference page, alternating wrk runs of each."""
    password = os.environ.get("DEMO_PASSWORD", "procure-demo-2026")
    if "bureau1" not in scale.cookies:
        scale.sign_in("bureau1", password)
    ref_db = Path(args.reference_db) if args.reference_db else work / "reference.db"
    if not ref_db.exists():
        subprocess.run([sys.executable, str(reference), "init", str(ref_db), "100000"], check=True)
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env["REF_DB"] = str(ref_db)
    with open(work / "reference.log", "w") as log:
        server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}",
                                   "--no-control-socket", "reference_app:app"], cwd=reference.parent, env=env,
                                  stdout=log, stderr=subprocess.STDOUT)
    try:
        reference_url = f"http://127.0.0.1:{port}/projects"
        deadline = time.monotonic() + 60
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/hello")
                if connection.getresponse().status == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                sys.exit("the reference app did not start: " + (work / "reference.log").read_text())
            time.sleep(0.3)
        product_url = scale.base + "/projects"
        cookie = scale.cookies["bureau1"]
        wrk(product_url, cookie, 3, connections=4)  # warm both
        wrk(reference_url, "", 3, connections=4)
        ratios = []
        print(f"\nstaff list at 100k (bureau1) against the reference page, wrk -t1 -c8 -d{args.duration}s, alternating")
        for run in range(args.runs):
            scale.refresh("bureau1", "/projects")
            product = wrk(product_url, scale.cookies["bureau1"], args.duration)
            naive = wrk(reference_url, "", args.duration)
            ratios.append(product / naive)
            print(f"run {run + 1}: product {product:.1f} req/s, reference {naive:.1f} req/s, ratio {product / naive:.3f}")
        print(f"median ratio {statistics.median(ratios):.3f} (product ÷ reference)")
    finally:
        server.terminate()
        server.wait(timeout=30)


def wrk(url, cookie, seconds, connections=8) -> float:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command + [url], capture_output=True, text=True).stdout
    found = re.search(r"Requests/sec:\s+([\d.]+)", output)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    if non_2xx:
        print(f"  ({non_2xx.group(1)} responses were not 2xx/3xx from {url})")
    return float(found.group(1)) if found else 0.0


if __name__ == "__main__":
    main()
