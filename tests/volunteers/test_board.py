"""The public star board (积分明星榜): masked names of consenting volunteers only, no personal data, hours per
period, per community and district, linked from the public home page; bounded queries."""
from datetime import datetime, timezone
from decimal import Decimal

import pytest
from sqlalchemy import event

from conftest import START
from procure.accounts.models import User
from procure.extensions import db
from procure.volunteers import ledger
from procure.volunteers.models import Volunteer

BOARD = "/public/volunteers/board"
LAST_YEAR = datetime(2025, 6, 1, 2, 0, tzinfo=timezone.utc)
LAST_MONTH = datetime(2026, 2, 10, 2, 0, tzinfo=timezone.utc)
# The first minute of March in Shanghai is still February in UTC: it counts for March.
MONTH_START_LOCAL = datetime(2026, 2, 28, 16, 0, 30, tzinfo=timezone.utc)


def volunteer(community, key, surname, consent=True) -> Volunteer:
    """A volunteer whose private fields carry markers that must never appear on a public page."""
    user = User(username=f"USERMARK{key}", role="resident", organisation_id=community.id,
                display_name=f"DISPMARK{key}", password_hash="x")
    db.session.add(user)
    db.session.flush()
    v = Volunteer(user_id=user.id, community_id=community.id, real_name=f"{surname}NAMEMARK{key}",
                  id_number=f"IDMARK{key:0>12}", phone=f"PHONEMARK{key}", skills=f"SKILLMARK{key}",
                  consent_public=consent)
    db.session.add(v)
    db.session.flush()
    return v


def serve(clock, v, hours, at=None):
    moment = clock.moment
    clock.moment = at or moment
    ledger.append(v, "service", hours=Decimal(hours), points=Decimal(hours))
    clock.moment = moment


MARKERS = ("NAMEMARK", "IDMARK", "PHONEMARK", "USERMARK", "DISPMARK", "SKILLMARK")


@pytest.fixture
def people(world, clock):
    a = volunteer(world.community, "a", "王")
    serve(clock, a, 20)
    serve(clock, a, 10, at=MONTH_START_LOCAL)
    b = volunteer(world.community_b, "b", "李")
    serve(clock, b, 10)
    serve(clock, b, 200, at=LAST_YEAR)
    hidden = volunteer(world.community, "c", "隐", consent=False)
    serve(clock, hidden, 50)
    d = volunteer(world.community_far, "d", "赵")
    serve(clock, d, 5, at=LAST_MONTH)
    ledger.append(a, "redemption", points=Decimal("-5"))  # spending changes neither hours nor the board
    db.session.commit()
    return {"a": a, "b": b, "hidden": hidden, "d": d}


def board_rows(client, **args) -> list[tuple]:
    """(rank, name, community, hours, stars) of the board's table."""
    import re

    html = client.get(BOARD, query_string=args).get_data(as_text=True)
    body = html.split('data-testid="board-table"', 1)[1].split("</table>", 1)[0] if "board-table" in html else ""
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)[1:]:
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        rows.append((int(cells[0]), cells[1], cells[2], cells[3], cells[4].count("★")))
    return rows


def test_the_board_ranks_hours_per_period(client, world, people):
    assert board_rows(client) == [(1, "王" + "*" * 9, "幸福社区", "30.00", 0),
                                  (2, "李" + "*" * 9, "和平社区", "10.00", 1)]  # stars by all hours: 210
    assert board_rows(client, period="year") == [(1, "王" + "*" * 9, "幸福社区", "30.00", 0),
                                                 (2, "李" + "*" * 9, "和平社区", "10.00", 1),
                                                 (3, "赵" + "*" * 9, "远山社区", "5.00", 0)]
    assert board_rows(client, period="all") == [(1, "李" + "*" * 9, "和平社区", "210.00", 1),
                                                (2, "王" + "*" * 9, "幸福社区", "30.00", 0),
                                                (3, "赵" + "*" * 9, "远山社区", "5.00", 0)]


def test_corrections_count_and_ties_share_a_rank(client, world, people, clock):
    ledger.append(people["a"], "correction", hours=Decimal("-20"), points=Decimal("-20"))
    serve(clock, people["d"], 8)  # this month's 8, not last month's 5
    db.session.commit()
    assert [(r[0], r[1][0], r[3]) for r in board_rows(client)] == [(1, "王", "10.00"), (1, "李", "10.00"),
                                                                   (3, "赵", "8.00")]


def test_per_community_and_district(client, world, people):
    assert [r[1][0] for r in board_rows(client, period="all", community=world.community_b.id)] == ["李"]
    assert [r[1][0] for r in board_rows(client, period="all", district="330201")] == ["赵"]
    assert [r[1][0] for r in board_rows(client, period="all", district="330102")] == ["李", "王"]
    page = client.get(BOARD).get_data(as_text=True)
    assert 'value="330102"' in page and 'value="330201"' in page  # the district choices
    assert f'value="{world.community_far.id}"' in page


def test_non_consenting_volunteers_and_personal_data_never_show(client, world, people):
    pages = [client.get(BOARD, query_string=args).get_data(as_text=True)
             for args in ({}, {"period": "year"}, {"period": "all"}, {"period": "all", "community": world.community.id},
                          {"period": "all", "district": "330102"})]
    pages.append(client.get("/").get_data(as_text=True))
    for html in pages:
        assert "隐*" not in html
        for marker in MARKERS:
            assert marker not in html
        assert "13900000000" not in html
    assert "王*" in pages[0] and "幸福社区" in pages[0]


def test_the_home_page_shows_the_top_five_of_the_month_and_links_the_board(client, world, people, clock):
    for n in range(6):
        serve(clock, volunteer(world.community, f"x{n}", "钱"), 40 + n)
    db.session.commit()
    html = client.get("/").get_data(as_text=True)
    card = html.split('data-testid="home-volunteer-stars"', 1)[1].split("</section>", 1)[0]
    assert card.count("<li") == 5 and "钱" in card and "王*" not in card  # 30 hours: sixth and lower
    assert "45.00" in card and "41.00" in card and "40.00" not in card
    assert BOARD in card
    assert f'href="{BOARD}"' in html.split('class="main-nav public-nav"', 1)[1].split("</nav>", 1)[0]


def test_pages_and_bad_input(app, client, world, people, monkeypatch):
    monkeypatch.setitem(app.config, "PER_PAGE", 2)
    assert [r[0] for r in board_rows(client, period="all", page="2")] == [3]
    assert [r[0] for r in board_rows(client, period="all", page="99")] == [3]  # past the end: the last page
    for args in ({"period": "decade"}, {"community": "x"}, {"community": "99999999999999"}, {"district": "33"},
                 {"page": "-1"}, {"page": "²"}, {"district": "abcdef"}, {"community": "0"}):
        response = client.get(BOARD, query_string=args)
        assert response.status_code == 200, args
    assert len(board_rows(client, period="decade")) == 2  # an unknown period: this month


def test_the_board_runs_a_fixed_number_of_queries(app, client, world, clock):
    def count_queries(**args):
        statements = []

        def listener(*_a):
            statements.append(1)
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get(BOARD, query_string=args).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    serve(clock, volunteer(world.community, "first", "周"), 3)
    db.session.commit()
    few = count_queries(), count_queries(period="all")
    for n in range(30):
        serve(clock, volunteer(world.community_b if n % 2 else world.community, f"n{n}", "吴"), 1 + n)
    db.session.commit()
    assert (count_queries(), count_queries(period="all")) == few


def test_spending_never_lowers_the_board(client, world, people):
    before = board_rows(client, period="all")
    ledger.append(people["b"], "redemption", points=Decimal("-100"))
    db.session.commit()
    assert board_rows(client, period="all") == before
    assert START.month == 3  # the periods above assume March 2026
