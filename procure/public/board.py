"""The public star board of volunteers (志愿服务积分明星榜, no login): masked names of the volunteers who consented,
their community, hours in the period and stars; and the top five of the month for the home page's card."""
from flask import current_app, render_template, request

from procure.database import MAX_ID
from procure.projects.listing import bounded_int, page_window
from procure.public import bp
from procure.volunteers import board as star_board

HOME_TOP = 5


@bp.get("/public/volunteers/board")
def volunteer_board():
    filters = star_board.board_filters(request.args)
    per_page = current_app.config["PER_PAGE"]
    requested = bounded_int(request.args.get("page"), 1, MAX_ID) or 1
    rows, total = star_board.board(filters, requested, per_page)
    pages = max(1, -(-total // per_page))
    page = min(requested, pages)
    if page != requested:  # past the end: show the last page
        rows, total = star_board.board(filters, page, per_page)
    return render_template("public/board.html", rows=rows, total=total, filters=filters, page=page, pages=pages,
                           page_numbers=page_window(page, pages), choices=star_board.filter_choices(),
                           periods=dict(star_board.PERIODS))


@bp.app_template_global("volunteer_stars_of_the_month")
def volunteer_stars_of_the_month() -> list[dict]:
    """For the public home page's card: plain rows (masked names), this month's top five."""
    return star_board.top(HOME_TOP, "month")
