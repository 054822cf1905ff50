"""A storm of public PDF downloads against the served app: the demo city on a copy of a demo SQLite database,
served by gunicorn as gunicorn.conf.py sets it up, with two workers; N parallel anonymous downloads of one
public PDF while `GET /` is timed over and over, twice (the first storm issues the PDF, rendered once; in the
second it is kept), then the kept PDF's download alone. Prints the home page's and the downloads' latencies (median, worst; ms).

    .venv/bin/python bench/download_storm.py [-n 12] [--demo-db DEMO.db]

Without --demo-db, the demo is loaded first (`flask db upgrade`, `calendar sync`, `demo load`, ~1 min).
"""
import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PROJECT_LINK = re.compile(r'href="(/public/projects/[A-Z0-9-]+)"')
PDF_LINK = re.compile(r'href="(/public/projects/[^"]+/documents/[a-z_]+\.pdf)"')


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=12, help="parallel downloads (default 12)")
    parser.add_argument("--demo-db", help="a demo SQLite database to serve a copy of (default: load one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        instance = Path(tmp)
        env = environment(instance)
        if args.demo_db:
            shutil.copyfile(args.demo_db, instance / "procure.db")
        else:
            load_demo(env)
        with served(env, instance) as base:
            run(base, args.n)


def environment(instance: Path) -> dict:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("TEST_DATABASE", "PYTHON", "VIRTUAL_ENV"))}
    env.update(PROCURE_INSTANCE=str(instance), DATABASE_URL=f"sqlite:///{instance / 'procure.db'}",
               FLASK_APP="wsgi", PUBLIC_DOCUMENT_LIMIT="100000 per hour")
    return env


def load_demo(env):
    started = time.perf_counter()
    for command in (["db", "upgrade"], ["calendar", "sync"], ["demo", "load"]):
        subprocess.run([str(BIN / "flask"), *command], cwd=ROOT, env=env, check=True, capture_output=True)
    print(f"demo loaded in {time.perf_counter() - started:.0f} s")


class served:
    """gunicorn as production serves it (gunicorn.conf.py), two workers, on a free port, until the block ends."""

    def __init__(self, env, instance):
        self.env, self.log = env, instance / "gunicorn.log"

    def __enter__(self) -> str:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        with open(self.log, "w") as out:
            self.server = subprocess.Popen([str(BIN / "gunicorn"), "-c", "gunicorn.conf.py"], cwd=ROOT,
                                           env={**self.env, "PROCURE_BIND": f"127.0.0.1:{port}", "WORKERS": "2"},
                                           stdout=out, stderr=subprocess.STDOUT)
        base, deadline = f"http://127.0.0.1:{port}", time.monotonic() + 60
        while True:
            try:
                if get(base + "/")[0] == 200:
                    return base
            except OSError:
                pass
            if self.server.poll() is not None or time.monotonic() > deadline:
                sys.exit("gunicorn did not start:\n" + self.log.read_text(errors="replace"))
            time.sleep(0.2)

    def __exit__(self, *exc):
        self.server.terminate()
        try:
            self.server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.server.kill()


def get(url) -> tuple[int, bytes, float]:
    """(status, body, milliseconds)."""
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=300) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read()
    return status, body, (time.perf_counter() - started) * 1000


def public_pdf(base) -> str:
    """The first public PDF linked from a public project page."""
    listing = get(base + "/public/projects")[1].decode()
    for path in dict.fromkeys(PROJECT_LINK.findall(listing)):
        found = PDF_LINK.search(get(base + path)[1].decode())
        if found:
            return found.group(1)
    sys.exit("no public PDF in the demo")


def storm(base, pdf, n) -> tuple[list, list]:
    """n parallel downloads of `pdf` while GET / is timed over and over: (downloads, home page times)."""
    home, storming = [], threading.Event()

    def time_home():
        while storming.is_set():
            status, _, ms = get(base + "/")
            home.append(ms if status == 200 else float("inf"))

    storming.set()
    timer = threading.Thread(target=time_home)
    timer.start()
    with ThreadPoolExecutor(max_workers=n) as pool:
        downloads = list(pool.map(lambda _: get(base + pdf), range(n)))
    storming.clear()
    timer.join()
    return downloads, home


def run(base, n):
    pdf = public_pdf(base)
    idle = [get(base + "/")[2] for _ in range(5)]
    first, home_first = storm(base, pdf, n)  # its first downloads: rendered once, then kept
    kept, home_kept = storm(base, pdf, n)    # every download served from the store
    alone = [get(base + pdf) for _ in range(10)]
    bodies = {body for _, body, _ in first + kept + alone}
    statuses = sorted({status for status, _, _ in first + kept + alone})
    print(f"\n{n} parallel anonymous downloads of {pdf} ({len(first[0][1]) / 1024:.0f} KiB), twice; "
          f"statuses {statuses}, identical bytes: {len(bodies) == 1}")
    print(f"{'':<52}{'median ms':>10}{'max ms':>9}{'requests':>9}")
    rows = [("GET / idle", idle),
            ("GET / during the first storm (PDF not yet issued)", home_first),
            ("  its downloads", [ms for _, _, ms in first]),
            ("GET / during the second storm (PDF kept)", home_kept),
            ("  its downloads", [ms for _, _, ms in kept]),
            ("the kept PDF downloaded alone", [ms for _, _, ms in alone])]
    for label, times in rows:
        print(f"{label:<52}{statistics.median(times):>10.0f}{max(times):>9.0f}{len(times):>9}")


if __name__ == "__main__":
    main()
