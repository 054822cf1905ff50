"""Daily jobs (`flask reminders`, `flask volunteers expire`) do their work once a day, however many machines'
timers fire and however the runs overlap: a run first claims (job, day) in job_runs and commits the claim on
its own; a second run the same day, on this machine or another, finds the claim, says so and exits 0."""
import functools
import os
import socket
from datetime import date, datetime

import click
from sqlalchemy import Date, String, UniqueConstraint, delete, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column

from procure import clock
from procure.extensions import db
from procure.types import UTCDateTime


class JobRun(db.Model):
    __tablename__ = "job_runs"
    __table_args__ = (UniqueConstraint("job", "day", name="uq_job_runs_job_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(64))
    day: Mapped[date] = mapped_column(Date)  # the day in Asia/Shanghai the run was for
    node: Mapped[str] = mapped_column(String(255))  # host name and process id of the run
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # committed with the job's work
    outcome: Mapped[str | None] = mapped_column(String(255))  # what the run printed


def node_name() -> str:
    return f"{socket.gethostname()} pid {os.getpid()}"[:255]


def _recorded(job: str, day: date):
    """Today's claim, read without taking SQLite's write lock (a run at work holds it)."""
    with db.engine.connect().execution_options(reads_only=True) as connection:
        return connection.execute(select(JobRun.node, JobRun.started_at, JobRun.finished_at, JobRun.outcome)
                                  .where(JobRun.job == job, JobRun.day == day)).first()


def _claim(job: str, day: date, again: bool) -> int | None:
    """Claim (job, day), committed at once: the claim's id, or None when another run has it (then says so)."""
    if again:
        run = db.session.scalar(select(JobRun).where(JobRun.job == job, JobRun.day == day)) or JobRun(job=job, day=day)
        run.node, run.started_at, run.finished_at, run.outcome = node_name(), clock.now(), None, None
        db.session.add(run)
        db.session.commit()
        return run.id
    if _recorded(job, day) is None:
        run = JobRun(job=job, day=day, node=node_name(), started_at=clock.now())
        db.session.add(run)
        try:
            db.session.commit()
            return run.id
        except IntegrityError:  # another run claimed it in between
            db.session.rollback()
    _say_taken(job, day)
    return None


def _say_taken(job: str, day: date):
    other = _recorded(job, day)
    if other is None:  # the other run failed and let go of its claim meanwhile
        click.echo(f"{job}: another run for {day} stopped without finishing; nothing done")
        return
    node, started_at, finished_at, outcome = other
    started = f"{clock.local(started_at):%H:%M:%S}"
    if finished_at is None:
        click.echo(f"{job}: already running for {day} (on {node}, since {started}); nothing done. If that run "
                   f"died, run again with --again")
    else:
        click.echo(f"{job}: already ran for {day} (on {node}, at {started}: {outcome}); nothing done")


def once_a_day(job: str):
    """Makes a command a daily job: the decorated function does the work (flushing, never committing) and
    returns what to print; its work commits together with the claim's completion. A run that fails lets
    go of its claim, so that a run after it may do the day's work; `--again` runs even though a run of
    today is recorded (after a run that was killed)."""

    def decorate(work):
        @click.option("--again", is_flag=True,
                      help="run even though today's run is recorded (the job is idempotent) / 今日已运行仍再次运行")
        @functools.wraps(work)
        def run(again, **kwargs):
            day = clock.today()
            claim = _claim(job, day, again)
            if claim is None:
                return
            try:
                outcome = work(**kwargs)
                done = db.session.get(JobRun, claim)
                done.finished_at, done.outcome = clock.now(), outcome[:255]
                db.session.commit()
            except BaseException:
                db.session.rollback()
                try:
                    db.session.execute(delete(JobRun).where(JobRun.id == claim))
                    db.session.commit()
                except SQLAlchemyError:  # the database is gone: the claim stays, and --again will be needed
                    db.session.rollback()
                raise
            click.echo(outcome)  # on standard output, which the timer's journal keeps

        return run

    return decorate
