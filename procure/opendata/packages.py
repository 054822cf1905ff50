"""OCDS 1.1.5 packages built from the stored releases: release packages (per process, the feed, a year's bulk
file) and record packages with a compiled release."""
import base64
import binascii
import json
from datetime import datetime, timezone

from flask import current_app, has_request_context, request

from procure import clock
from procure.extensions import db
from procure.opendata import merging
from procure.opendata.models import OcdsRelease
from procure.opendata.releases import public_url
from procure.urls import absolute_path

VERSION = "1.1"


def publisher() -> dict:
    config = current_app.config
    name = config.get("OCDS_PUBLISHER_NAME") or f"{config['CITY_NAME']}民政局"
    entry = {"name": name}
    if config.get("OCDS_PUBLISHER_UID"):
        entry.update(scheme="CN-USCC", uid=config["OCDS_PUBLISHER_UID"])
    return entry


def package_uri() -> str:
    """The address this package is served at, on PUBLIC_BASE_URL (or the open-data page's, outside a
    request)."""
    if has_request_context():
        return absolute_path(request.full_path.rstrip("?"))
    return public_url("opendata.page") or absolute_path("/open-data")


def metadata(published: datetime | None) -> dict:
    """The fields every package carries; publishedDate is the latest release's date, so an unchanged package
    is served unchanged."""
    return {"uri": package_uri(), "version": VERSION,
            "publishedDate": clock.utc_iso(published or clock.now()), "publisher": publisher(),
            "license": current_app.config["OCDS_LICENSE"],
            "publicationPolicy": public_url("opendata.page") or absolute_path("/open-data")}


def release_package(rows: list[OcdsRelease], **extra) -> dict:
    return {**metadata(max((r.date for r in rows), default=None)), "releases": [r.release for r in rows], **extra}


def record_package(rows: list[OcdsRelease]) -> dict:
    """One process's record: its releases in the feed's order and their compiled release, by the OCDS merge
    (procure.opendata.merging), as any OCDS tool would compile them from the releases."""
    releases = [r.release for r in rows]
    record = {"ocid": rows[0].ocid, "releases": releases, "compiledRelease": merging.compiled_release(releases)}
    return {**metadata(max(r.date for r in rows)), "records": [record]}


# ---- queries -------------------------------------------------------------------------------------------

ORDER = (OcdsRelease.date, OcdsRelease.id)
STREAM_BATCH = 500  # releases read at a time for a bulk file
STREAM_CHUNK = 64_000  # characters handed over at a time


def of_process(ocid: str) -> list[OcdsRelease]:
    return list(db.session.scalars(db.select(OcdsRelease).filter_by(ocid=ocid).order_by(*ORDER)))


def encode_cursor(row: OcdsRelease) -> str:
    moment = row.date if row.date.tzinfo else row.date.replace(tzinfo=timezone.utc)
    raw = f"{moment.astimezone(timezone.utc).isoformat()}|{row.id}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int] | None:
    """The (date, id) after which the next page starts, or None for a cursor this server did not write."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        moment, _, row_id = raw.partition("|")
        parsed = datetime.fromisoformat(moment)
        if parsed.tzinfo is None or not row_id.isdigit() or len(row_id) > 18:
            return None
        return parsed.astimezone(timezone.utc), int(row_id)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None


def feed_page(since: datetime | None, after: tuple[datetime, int] | None, limit: int) -> tuple[list, bool]:
    """Up to `limit` releases in (date, id) order from `since` on and after the cursor; and whether more follow."""
    query = db.select(OcdsRelease).order_by(*ORDER).limit(limit + 1)
    if since is not None:
        query = query.where(OcdsRelease.date >= since)
    if after is not None:
        moment, row_id = after
        query = query.where(db.or_(OcdsRelease.date > moment,
                                   db.and_(OcdsRelease.date == moment, OcdsRelease.id > row_id)))
    rows = list(db.session.scalars(query))
    return rows[:limit], len(rows) > limit


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """A calendar year in Shanghai, as UTC instants [start, end)."""
    start = datetime(year, 1, 1, tzinfo=clock.SHANGHAI).astimezone(timezone.utc)
    end = datetime(year + 1, 1, 1, tzinfo=clock.SHANGHAI).astimezone(timezone.utc)
    return start, end


def year_latest(year: int) -> datetime | None:
    start, end = year_bounds(year)
    return db.session.scalar(db.select(db.func.max(OcdsRelease.date))
                             .where(OcdsRelease.date >= start, OcdsRelease.date < end))


def stream_year(year: int, latest: datetime):
    """A year's release package as JSON text, piece by piece: the releases are read in batches, never all at
    once, as the database keeps their text (not parsed and written again), and handed over some 64 KB at a time."""
    start, end = year_bounds(year)
    head = json.dumps(metadata(latest), ensure_ascii=False)
    yield head[:-1] + ', "releases": ['
    query = (db.select(db.cast(OcdsRelease.release, db.Text)).where(OcdsRelease.date >= start, OcdsRelease.date < end)
             .order_by(*ORDER).execution_options(yield_per=STREAM_BATCH))
    pieces, size = [], 0
    for index, release in enumerate(db.session.scalars(query)):
        pieces.append(("," if index else "") + release)
        size += len(release)
        if size >= STREAM_CHUNK:
            yield "".join(pieces)
            pieces, size = [], 0
    yield "".join(pieces) + "]}"
