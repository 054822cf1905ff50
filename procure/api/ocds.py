"""Open Contracting Data Standard 1.1.5 endpoints (public, no token): the feed of releases, a year's bulk
file, and each contracting process's releases and record."""
import re
from datetime import datetime, timezone
from urllib.parse import urlencode

from flask import Response, current_app, jsonify, request, stream_with_context

from procure.api import bp
from procure.errors import InvalidInput, NotFound
from procure.opendata import packages
from procure.projects.listing import bounded_int
from procure.urls import absolute_path


RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")


def parse_since(raw: str) -> datetime:
    """An RFC 3339 date-time (with its offset) as UTC; anything else is a 400."""
    moment = None
    if RFC3339.fullmatch(raw):
        try:
            moment = datetime.fromisoformat(raw.upper().replace("Z", "+00:00"))
        except ValueError:  # the shape is right but the date or time is not (2026-02-30, 25:00)
            pass
    if moment is None:
        raise InvalidInput({"since": ["an RFC 3339 date-time such as 2026-03-02T02:00:00Z / 须为 RFC 3339 日期时间"]})
    return moment.astimezone(timezone.utc)


@bp.get("/ocds/releases")
def ocds_feed():
    args, size = request.args, current_app.config["OCDS_FEED_PAGE_SIZE"]
    since = parse_since(args["since"]) if "since" in args else None
    after = None
    if "cursor" in args:
        after = packages.decode_cursor(args["cursor"])
        if after is None:
            raise InvalidInput({"cursor": ["unknown cursor: use links.next as given / 游标无效"]})
    limit = size
    if "limit" in args:
        limit = bounded_int(args["limit"], 1, size)
        if limit is None:
            raise InvalidInput({"limit": [f"an integer from 1 to {size} / 须为 1 至 {size} 的整数"]})
    rows, more = packages.feed_page(since, after, limit)
    links = {}
    if more:
        query = {key: args[key] for key in ("since", "limit") if key in args}
        query["cursor"] = packages.encode_cursor(rows[-1])
        links["next"] = absolute_path(request.path + "?" + urlencode(query))
    if not rows:  # a package holds at least one release: an empty page is a package with none yet
        return jsonify({**packages.metadata(None), "releases": [], "links": links})
    return jsonify(packages.release_package(rows, links=links) if links else packages.release_package(rows))


@bp.get("/ocds/bulk/<int:year>.json")
def ocds_bulk(year):
    latest = packages.year_latest(year) if 2000 <= year <= 9998 else None
    if latest is None:
        raise NotFound()
    body = stream_with_context(packages.stream_year(year, latest))
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="ocds-releases-{year}.json"'})


def process_releases(ocid):
    rows = packages.of_process(ocid) if len(ocid) <= 64 else []
    if not rows:
        raise NotFound()
    return rows


@bp.get("/ocds/processes/<ocid>/releases")
def ocds_project_releases(ocid):
    return jsonify(packages.release_package(process_releases(ocid)))


@bp.get("/ocds/processes/<ocid>/record")
def ocds_record(ocid):
    return jsonify(packages.record_package(process_releases(ocid)))
