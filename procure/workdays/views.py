"""Admin pages for the holiday calendar: the years it covers, a re-sync, and one day at a time."""
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from procure import clock
from procure.accounts.admin_only import admins_only
from procure.audit.models import AuditEntry
from procure.errors import Refusal
from procure.extensions import db
from procure.workdays import operations
from procure.workdays.forms import CalendarDayForm
from procure.workdays.models import CalendarDay, CalendarYear
from procure.workdays.service import missing_years
from procure.workdays.statutory import holidays_by_rule

bp = Blueprint("workdays", __name__, url_prefix="/admin/calendar")


bp.before_request(admins_only)


def _year_arg() -> int:
    from procure.projects.listing import bounded_int

    return bounded_int(request.args.get("year"), 2000, 2100) or clock.today().year


def _render(form=None, error=None, status=200, year=None):
    year = year or _year_arg()
    this_year = clock.today().year
    entered = db.session.scalars(select(CalendarDay).where(CalendarDay.day >= date(year, 1, 1),
                                                           CalendarDay.day <= date(year, 12, 31))
                                 .order_by(CalendarDay.day)).all()
    history = db.session.scalars(select(AuditEntry).where(AuditEntry.project_id.is_(None),
                                                          AuditEntry.action.startswith("calendar_"))
                                 .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(10)).all()
    years = db.session.scalars(select(CalendarYear).order_by(CalendarYear.year)).all()
    official = {y.year: y for y in years}
    provisional = sorted(y for y in {this_year, this_year + 1, year} - set(official) if holidays_by_rule(y))
    return render_template("workdays/calendar.html", years=years, provisional_years=provisional,
                           missing=missing_years([this_year, this_year + 1]), official=official.get(year),
                           form=form or CalendarDayForm(), error=error, year=year,
                           days=year_days(year, entered, official.get(year)), history=history,
                           year_choices=sorted(set(official) | {this_year, this_year + 1, year})), status


def year_days(year, entered, official) -> list[dict]:
    """The year's rows: the days entered, and for a year without official data its holidays by rule not entered."""
    rows = {d.day: {"day": d.day, "is_workday": d.is_workday, "name": d.name, "source": d.source,
                    "provisional": False} for d in entered}
    if official is None:
        for day, name in holidays_by_rule(year).items():
            rows.setdefault(day, {"day": day, "is_workday": False, "name": name, "source": "rule",
                                  "provisional": True})
    return [rows[day] for day in sorted(rows)]


@bp.get("")
def calendar():
    return _render()


@bp.post("/days")
def set_day():
    try:
        row = operations.set_day(current_user, request.form)
        db.session.commit()
    except Refusal as error:
        db.session.rollback()
        form = CalendarDayForm(formdata=request.form)
        form.validate()
        return _render(form, error, error.status)
    flash(_("已保存 %(day)s 的日历设置", day=row.day.isoformat()), "success")
    return redirect(url_for("workdays.calendar", year=row.day.year))


@bp.post("/days/<day>/remove")
def remove_day(day):
    try:
        moment = date.fromisoformat(day)
    except ValueError:
        abort(404)
    try:
        operations.remove_day(current_user, moment)
        db.session.commit()
    except Refusal as error:
        db.session.rollback()
        return _render(error=error, status=error.status, year=moment.year)
    flash(_("已删除 %(day)s 的人工调整", day=moment.isoformat()), "success")
    return redirect(url_for("workdays.calendar", year=moment.year))


@bp.post("/sync")
def sync():
    years = operations.resync(current_user)
    db.session.commit()
    if years:
        flash(_("已从 chinesecalendar 同步节假日数据，覆盖 %(first)s–%(last)s 年；人工调整的日期保持不变",
                first=years[0], last=years[-1]), "success")
    else:
        flash(_("节假日数据库中没有可同步的年份"), "warning")
    return redirect(url_for("workdays.calendar"))


@bp.post("/years/<year>/confirm")
def confirm_year(year):
    try:
        row = operations.confirm_year(current_user, year)
        db.session.commit()
    except Refusal as error:
        db.session.rollback()
        return _render(error=error, status=error.status)
    flash(_("已确认 %(year)s 年的正式放假安排：该年不再按规则暂定计算", year=row.year), "success")
    return redirect(url_for("workdays.calendar", year=row.year))


@bp.post("/years/<year>/reopen")
def reopen_year(year):
    try:
        operations.reopen_year(current_user, year)
        db.session.commit()
    except Refusal as error:
        db.session.rollback()
        return _render(error=error, status=error.status)
    flash(_("已撤销 %(year)s 年放假安排的确认：该年的法定节假日重新按规则暂定计算", year=year), "success")
    return redirect(url_for("workdays.calendar", year=year))
