"""Years the holiday library does not cover (it ends at 2026): their statutory holidays are counted by the 2024 rule
and marked provisional wherever a period is shown, until an admin enters and confirms the official arrangement
(or a newer library brings it). The story: a community notice and a challenge window running into the 2027
Spring Festival (除夕 is Friday 5 February 2027)."""
import shutil
from datetime import date, datetime, timedelta, timezone

import chinese_calendar
import pytest

from procure import clock as app_clock
from procure.extensions import db
from procure.procurement import panel
from procure.workdays.models import CalendarYear
from procure.workdays.service import Calendar
from procure.workdays.statutory import holidays_by_rule

from calendar_state import restore_calendar  # noqa: F401  (a fixture)
from openapi_check import check
from pdf_text import text_of
from support import reason_codes, valid_input

SPRING_FESTIVAL_2027 = [{"day": "2027-02-05", "name": "春节"}, {"day": "2027-02-08", "name": "春节"}]


def d(text):
    return date.fromisoformat(text)


def at_shanghai(text, hour=10):
    """A moment on a Shanghai calendar day, in UTC as the app clock keeps it."""
    return datetime.fromisoformat(text).replace(hour=hour - 8, tzinfo=timezone.utc)


def weekdays_after(start, count):
    """What a count over weekends only would give (the calendar before this rule)."""
    day = start
    while count:
        day += timedelta(days=1)
        count -= day.weekday() < 5
    return day


# ---- the rule --------------------------------------------------------------------------------------------------

def test_the_rule_gives_the_thirteen_holidays_of_2027():
    assert {k.isoformat(): v for k, v in holidays_by_rule(2027).items()} == {
        "2027-01-01": "元旦",
        "2027-02-05": "春节", "2027-02-06": "春节", "2027-02-07": "春节", "2027-02-08": "春节",  # 除夕 is 腊月廿九
        "2027-04-05": "清明节",  # the solar term, not a fixed date
        "2027-05-01": "劳动节", "2027-05-02": "劳动节",
        "2027-06-09": "端午节", "2027-09-15": "中秋节",
        "2027-10-01": "国庆节", "2027-10-02": "国庆节", "2027-10-03": "国庆节"}


@pytest.mark.parametrize("year,eve,qingming", [
    (2028, "2028-01-25", "2028-04-04"), (2030, "2030-02-02", "2030-04-05"),  # 除夕 on 腊月廿九 and on 腊月三十
    (2033, "2033-01-30", "2033-04-04"), (2050, "2050-01-22", "2050-04-04"), (2100, "2100-02-08", "2100-04-05"),
])
def test_spring_festival_starts_on_the_eve_and_qingming_follows_the_sun(year, eve, qingming):
    days = holidays_by_rule(year)
    spring = sorted(day for day, name in days.items() if "春节" in name)
    assert spring == [d(eve) + timedelta(days=n) for n in range(4)]
    assert [day for day, name in days.items() if "清明" in name] == [d(qingming)]


def test_a_day_two_holidays_share_counts_once_with_both_names():
    days = holidays_by_rule(2028)  # 中秋 falls on 3 October 2028
    assert days[d("2028-10-03")] == "中秋节、国庆节" and len(days) == 12


@pytest.mark.parametrize("year", [2025, 2026])
def test_the_rule_agrees_with_the_official_arrangements_it_can_be_checked_against(year):
    rule = holidays_by_rule(year)
    assert len(rule) == 13
    assert all(day in chinese_calendar.constants.holidays for day in rule)


def test_no_rule_outside_the_years_it_applies_to():
    assert holidays_by_rule(2024) == {} and holidays_by_rule(2101) == {}


# ---- counting ------------------------------------------------------------------------------------------------

def test_a_notice_published_late_january_2027_skips_the_spring_festival():
    calendar = Calendar()
    period = calendar.period(d("2027-01-29"), 5)  # Friday 29 January, 5 working days
    assert period.ends_on == d("2027-02-09")  # Mon–Thu 1–4 Feb, then Tuesday 9 Feb after 春节 (Fri 5, Mon 8)
    assert weekdays_after(d("2027-01-29"), 5) == d("2027-02-05")  # what it was before: 除夕 counted as working
    assert [h.as_dict() for h in period.provisional] == SPRING_FESTIVAL_2027
    assert not calendar.is_workday(d("2027-02-05")) and not calendar.is_workday(d("2027-02-08"))


def test_official_data_wins_and_nothing_in_its_years_is_provisional():
    calendar = Calendar()
    period = calendar.period(d("2026-02-13"), 2)  # across the 2026 Spring Festival, from the library
    assert period.ends_on == d("2026-02-24") and period.provisional == ()
    assert calendar.provisional_holidays(2026) == {}
    assert calendar.period(d("2027-03-01"), 5).provisional == ()  # in 2027, but no holiday inside


def test_make_up_days_are_never_guessed():
    # 2027 National Day by rule is Fri 1 – Sun 3 October; the Saturday before stays a day off.
    calendar = Calendar()
    assert not calendar.is_workday(d("2027-09-25")) and not calendar.is_workday(d("2027-10-01"))
    assert calendar.is_workday(d("2027-10-04"))
    assert [h.day for h in calendar.period(d("2027-09-30"), 1).provisional] == [d("2027-10-01")]


# ---- through the API and the pages: the community notice ---------------------------------------------------

def notice_published_on_29_january_2027(journey, clock):
    clock.moment = at_shanghai("2027-01-29")
    project = journey.drive(journey.create(), "notice")
    assert project.notice_published_on == d("2027-01-29")
    return project


def test_the_api_shows_the_notice_period_and_its_provisional_holidays(journey, clock, api, doc):
    project = notice_published_on_29_january_2027(journey, clock)
    body = check(doc, "/projects/{project_id}", "get", api.as_("community").get(f"/projects/{project.id}"), 200)
    assert body["notice_published_on"] == "2027-01-29"
    assert body["notice_ends_on"] == "2027-02-09"
    assert body["notice_provisional_holidays"] == SPRING_FESTIVAL_2027


def test_submitting_waits_for_the_notice_to_run_past_the_spring_festival(journey, clock, api):
    project = notice_published_on_29_january_2027(journey, clock)
    clock.moment = at_shanghai("2027-02-08")  # past the end a weekend-only count gives (Friday 5 February)
    response = api.as_("community").fire(project, "submit")
    assert reason_codes(response) == ["notice_period_running"]
    message = response.get_json()["reasons"][0]["message"]
    assert "2027-02-09" in message and "暂定" in message
    db.session.refresh(project)
    english = api.as_("community").post(f"/projects/{project.id}/transitions/submit",
                                        json={"version": project.version}, headers={"Accept-Language": "en"})
    assert reason_codes(english) == ["notice_period_running"]
    assert "2027-02-09" in english.get_json()["reasons"][0]["message"]
    assert "provisional" in english.get_json()["reasons"][0]["message"]
    clock.moment = at_shanghai("2027-02-10")
    assert api.as_("community").fire(project, "submit").status_code == 200


def test_the_project_pages_say_the_notice_includes_provisional_holidays(journey, clock, client, as_user):
    project = notice_published_on_29_january_2027(journey, clock)
    public = client.get(f"/public/projects/{project.code}").get_data(as_text=True)
    assert "公示期至 2027-02-09" in public
    assert 'data-testid="provisional-holidays"' in public and "春节 2027-02-05、2027-02-08" in public
    page = as_user("community").get(f"/projects/{project.id}").get_data(as_text=True)
    assert "公示期至 2027-02-09" in page and "春节 2027-02-05、2027-02-08" in page
    english = client.get(f"/projects/{project.id}?lang=en").get_data(as_text=True)
    assert "includes provisional holidays (春节 2027-02-05、2027-02-08)" in english


def test_a_notice_in_an_official_year_carries_no_note(journey, client, api):
    project = journey.drive(journey.create(), "notice")  # March 2026, from the library
    body = api.as_("community").get(f"/projects/{project.id}").get_json()
    assert body["notice_ends_on"] == "2026-03-09" and body["notice_provisional_holidays"] == []
    assert 'data-testid="provisional-holidays"' not in client.get(f"/public/projects/{project.code}").get_data(
        as_text=True)


def test_once_the_official_arrangement_is_confirmed_the_notice_follows_it(journey, clock, api, as_user,
                                                                         restore_calendar):
    project = notice_published_on_29_january_2027(journey, clock)
    admin = as_user("admin")
    # A made-up official arrangement: 春节 Fri 5 – Fri 12 February off, Saturday 20 February worked.
    for day in ("2027-02-05", "2027-02-08", "2027-02-09", "2027-02-10", "2027-02-11", "2027-02-12"):
        assert admin.post("/admin/calendar/days", data={"day": day, "kind": "holiday", "name": "春节"}).status_code == 302
    admin.post("/admin/calendar/days", data={"day": "2027-02-20", "kind": "workday", "name": "春节调休上班"})
    # Entered, not yet confirmed: the entries count, and 5 and 8 February are no longer provisional.
    body = api.as_("community").get(f"/projects/{project.id}").get_json()
    assert body["notice_ends_on"] == "2027-02-15" and body["notice_provisional_holidays"] == []
    assert admin.post("/admin/calendar/years/2027/confirm").status_code == 302
    assert db.session.get(CalendarYear, 2027).source == "admin"
    # Confirmed: 1 May 2027 (a Saturday) is only a weekend now; 5 April (清明, entered nowhere) is a working day.
    assert Calendar().is_workday(d("2027-04-05"))
    body = api.as_("community").get(f"/projects/{project.id}").get_json()
    assert body["notice_ends_on"] == "2027-02-15" and body["notice_provisional_holidays"] == []
    # Withdrawn again: the rule's days count again, provisionally, beside the entries.
    assert admin.post("/admin/calendar/years/2027/reopen").status_code == 302
    assert db.session.get(CalendarYear, 2027) is None and not Calendar().is_workday(d("2027-04-05"))


# ---- the challenge window -----------------------------------------------------------------------------------

def awarded_just_before_the_spring_festival(journey, clock):
    clock.moment = at_shanghai("2026-12-26")  # the journey's waits put the award notice in early February
    project = journey.drive(journey.create(), "awarded")
    noticed = app_clock.local(panel.tender_of(project).award_notice_at).date()
    assert d("2027-01-27") <= noticed <= d("2027-02-04"), noticed
    return project, noticed


def test_a_challenge_window_over_the_spring_festival(journey, clock, api, as_user, world, doc):
    project, noticed = awarded_just_before_the_spring_festival(journey, clock)
    tender = check(doc, "/projects/{project_id}/tender", "get",
                   api.as_("bureau").get(f"/projects/{project.id}/tender"), 200)

    ends = d(tender["challenge_window_ends"])
    assert ends == Calendar().add(noticed, 7) and ends > weekdays_after(noticed, 7)
    assert tender["challenge_window_provisional_holidays"] == SPRING_FESTIVAL_2027
    page = as_user("bureau").get(f"/projects/{project.id}").get_data(as_text=True)
    assert f"质疑期至 {ends.isoformat()}" in page and "春节 2027-02-05、2027-02-08" in page
    # The award notice the bidders receive says so too.
    if shutil.which("pdftotext"):  # poppler-utils, as tests/documents need
        notice = text_of(as_user("bureau").get(f"/projects/{project.id}/documents/award_notice.pdf").data)
        assert f"至 {ends.isoformat()}（含）" in notice and "含暂定节假日（春节 2027-02-05、2027-02-08）" in notice
    # Signing waits for the window, and says why it ends when it does.
    clock.moment = at_shanghai(weekdays_after(noticed, 7).isoformat())
    response = api.as_("bureau").fire(project, "sign_contract", **valid_input("sign_contract", project, world))
    assert response.status_code == 422, response.get_json()
    running = [r for r in response.get_json()["reasons"] if r["code"] == "challenge_period_running"]
    assert running and ends.isoformat() in running[0]["message"] and "暂定" in running[0]["message"]


# ---- the admin page ------------------------------------------------------------------------------------------

def test_the_admin_page_tells_official_from_provisional_years_and_days(clock, as_user):
    clock.moment = at_shanghai("2026-12-10")
    admin = as_user("admin")
    page = admin.get("/admin/calendar").get_data(as_text=True)
    assert 'data-year="2026" data-status="official"' in page and 'data-year="2027" data-status="provisional"' in page
    assert 'data-testid="calendar-missing"' in page  # 2027 has no official arrangement yet
    page = admin.get("/admin/calendar?year=2027").get_data(as_text=True)
    assert 'data-testid="calendar-year-status" data-status="provisional"' in page
    assert page.count('data-provisional="true"') == 13
    assert '<tr data-day="2027-02-05" data-provisional="true"' in page and 'data-testid="calendar-confirm"' in page
    page = admin.get("/admin/calendar?year=2026").get_data(as_text=True)
    assert 'data-status="official"' in page and 'data-provisional="true"' not in page
    assert 'data-testid="calendar-reopen"' not in page  # the library's year cannot be withdrawn


@pytest.mark.parametrize("path,code", [
    ("/admin/calendar/years/2027/confirm", "calendar_year_empty"),  # nothing entered: would drop every holiday
    ("/admin/calendar/years/2026/confirm", "calendar_year_official"),
    ("/admin/calendar/years/2026/reopen", "calendar_year_from_library"),
    ("/admin/calendar/years/2027/reopen", "calendar_year_provisional"),
    ("/admin/calendar/years/abc/confirm", "calendar_year_out_of_range"),
    ("/admin/calendar/years/1999/confirm", "calendar_year_out_of_range"),
    ("/admin/calendar/years/99999999999999999999/reopen", "calendar_year_out_of_range"),
])
def test_refusals_on_the_admin_page_are_422_with_a_code_and_change_nothing(path, code, clock, as_user,
                                                                           restore_calendar):
    from procure.audit.models import AuditEntry

    clock.moment = at_shanghai("2026-12-10")
    admin = as_user("admin")
    years = db.session.scalars(db.select(CalendarYear.year)).all()
    entries = db.session.scalar(db.select(db.func.count(AuditEntry.id)))
    response = admin.post(path)
    assert response.status_code == 422
    assert f'data-code="{code}"' in response.get_data(as_text=True)
    english = admin.post(path + "?lang=en")
    assert english.status_code == 422 and f'data-code="{code}"' in english.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalars(db.select(CalendarYear.year)).all() == years
    assert db.session.scalar(db.select(db.func.count(AuditEntry.id))) == entries


def test_only_admins_confirm_a_year(as_user, restore_calendar):
    for username in ("bureau", "reviewer", "community"):
        assert as_user(username).post("/admin/calendar/years/2027/confirm").status_code == 404
    assert db.session.get(CalendarYear, 2027) is None


def test_confirming_and_withdrawing_are_audited_and_shown(clock, as_user, restore_calendar):
    clock.moment = at_shanghai("2026-12-10")
    admin = as_user("admin")
    admin.post("/admin/calendar/days", data={"day": "2027-02-05", "kind": "holiday", "name": "春节"})
    response = admin.post("/admin/calendar/years/2027/confirm", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert 'data-testid="calendar-year-status" data-status="official"' in page
    assert 'data-year="2027" data-status="official"' in page and "确认全年放假安排" in page
    assert 'data-provisional="true"' not in page and 'data-testid="calendar-missing"' not in page
    page = admin.post("/admin/calendar/years/2027/reopen", follow_redirects=True).get_data(as_text=True)
    assert 'data-status="provisional"' in page and "撤销全年放假安排确认" in page
    # The entered day stays and shows as entered, not provisional; the rule's other days are provisional again.
    assert '<tr data-day="2027-02-05">' in page and page.count('data-provisional="true"') == 12


def test_a_newer_library_makes_a_year_official(restore_calendar, monkeypatch):
    """When chinesecalendar brings 2027, the sync marks it official and the rule no longer applies."""
    from procure.workdays.service import sync_from_library

    spring = chinese_calendar.constants.Holiday.spring_festival
    monkeypatch.setitem(chinese_calendar.constants.holidays, d("2027-02-09"), spring)  # restore_calendar: after
    monkeypatch.setitem(chinese_calendar.constants.workdays, d("2027-02-20"), spring)
    assert 2027 in sync_from_library()
    db.session.commit()
    calendar = Calendar()
    assert calendar.provisional_holidays(2027) == {}
    assert calendar.is_workday(d("2027-02-05")) and not calendar.is_workday(d("2027-02-09"))
    assert calendar.is_workday(d("2027-02-20"))
