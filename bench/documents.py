"""Render time of the official PDF documents: loads the demo city into a temporary SQLite database,
renders each document kind N times (in memory, nothing issued) and prints the time per document and per
page, and the page counts.

    .venv/bin/python bench/documents.py [-n 5]
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
    parser.add_argument("-n", type=int, default=5, help="renders per document kind (default 5)")
    parser.add_argument("--keep", metavar="DIR", help="also write one PDF of each kind into DIR")
    args = parser.parse_args()

    from flask_migrate import upgrade

    from procure import create_app
    from procure.extensions import db

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{os.path.join(tmp, 'bench.db')}",
                         PUBLIC_BASE_URL="https://procure.example.gov.cn")
        with app.app_context():
            upgrade()
            from procure.demo import load

            started = time.perf_counter()
            load(app.config["DEMO_PASSWORD"])
            db.session.commit()
            print(f"demo loaded in {time.perf_counter() - started:.1f} s")
            with app.test_request_context("/"):
                rows = [bench(kind, subject, args.n, args.keep) for kind, subject in subjects()]
    print(f"\n{'kind':<24}{'subject':<22}{'pages':>6}{'ms/doc':>10}{'ms/page':>10}{'min ms':>9}{'KiB':>7}")
    for kind, subject, pages, times, size in rows:
        mean = statistics.mean(times)
        print(f"{kind:<24}{subject:<22}{pages:>6}{mean:>10.0f}{mean / pages:>10.0f}{min(times):>9.0f}"
              f"{size / 1024:>7.0f}")


def subjects():
    """One project (or catalogue) per kind: the one with the most content, for a fair worst case."""
    from procure.catalogue.models import Catalogue
    from procure.documents import sources
    from procure.extensions import db
    from procure.projects.models import Project

    projects = db.session.scalars(db.select(Project).order_by(Project.id)).all()
    for kind in sources.PROJECT_KINDS:
        having = [p for p in projects if sources.available(p, kind)]
        if having:
            yield kind, max(having, key=lambda p: len(p.budget_lines) + len(p.needs_analysis or ""))
        else:
            print(f"skipped {kind} ({sources.TITLES[kind]}): no demo project has reached its stage yet")
    catalogue = db.session.scalar(db.select(Catalogue).where(Catalogue.state != "draft")
                                  .order_by(Catalogue.year.desc()))
    if catalogue is not None:
        yield "catalogue", catalogue


def bench(kind, subject, n, keep):
    from procure import clock
    from procure.documents import issuance, sources
    from procure.documents.models import IssuedDocument
    from procure.documents.render import render_pdf

    catalogue = kind == "catalogue"
    label = f"{subject.year}" if catalogue else subject.code
    # A stand-in record (never added to the session) gives the number, code and date a real one would.
    stand_in = IssuedDocument(kind=kind, number=f"{label}-{kind}-01", verification_code=issuance.new_code(),
                              issued_at=clock.now())
    times, rendered = [], None
    for _ in range(n):
        started = time.perf_counter()
        context = sources.catalogue_context(subject) if catalogue else sources.project_context(subject, kind)
        rendered = render_pdf(issuance._html(kind, context, stand_in))
        times.append((time.perf_counter() - started) * 1000)
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        (Path(keep) / f"{kind}.pdf").write_bytes(rendered.pdf)
    return kind, label, rendered.pages, times, len(rendered.pdf)


if __name__ == "__main__":
    main()
