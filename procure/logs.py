"""Log lines: one per record, with the request id of the request being served ("-" outside one), as readable
text or, with LOG_FORMAT=json, as one JSON object per line (time, level, logger, message, request_id and the
exception's traceback) for a log collector.

The request id is put on every record when it is created (a log record factory) rather than by a filter on one
handler: records reach handlers installed by others too (gunicorn's, Alembic's during `flask db upgrade`, a test's
capture), and each of them then sees it."""
import json
import logging
import sys
from collections.abc import Mapping
from datetime import datetime, timezone

from flask.logging import default_handler

from procure import request_id

TEXT_FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"
GUNICORN_REQUEST_ID = "{x-request-id}o"  # the response header, among the values of gunicorn's access line


class JsonFormatter(logging.Formatter):
    """One JSON object per line; a traceback stays inside its line (as "exception")."""

    def format(self, record):
        request = getattr(record, "request_id", "-")
        if request == "-" and isinstance(record.args, Mapping):  # gunicorn's access line, after the request
            request = record.args.get(GUNICORN_REQUEST_ID, "-")
        entry = {"time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds")
                 .replace("+00:00", "Z"),
                 "level": record.levelname, "logger": record.name, "message": record.getMessage(),
                 "request_id": request}
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is when a record is emitted (a process that swaps it keeps its logs)."""

    def __init__(self):
        super().__init__(sys.stderr)

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value):
        pass


def install_record_factory():
    """Every log record created from now on carries `request_id` (once per process, however many apps)."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "adds_request_id", False):
        return

    def factory(*args, **kwargs):
        record = previous(*args, **kwargs)
        record.request_id = request_id.current() or "-"
        return record

    factory.adds_request_id = True
    logging.setLogRecordFactory(factory)


def formatter(log_format: str) -> logging.Formatter:
    return JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)


def configure(app):
    """One handler on the root logger (replacing the one an earlier app of this process put there), in the
    chosen format; the app's own logger at LOG_LEVEL, the libraries' at WARNING as before."""
    install_record_factory()
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "procure_handler", False)]:
        root.removeHandler(handler)
    handler = StderrHandler()
    handler.procure_handler = True
    handler.setFormatter(formatter(app.config.get("LOG_FORMAT", "text")))
    root.addHandler(handler)
    app.logger.removeHandler(default_handler)  # the root handler writes the app's records too
    app.logger.setLevel(app.config.get("LOG_LEVEL", "INFO"))
