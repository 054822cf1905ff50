"""How production serves procure: `gunicorn -c gunicorn.conf.py` (scripts/run.sh does).

Everything comes from the environment, so every machine behind a load balancer runs the same file:
  PROCURE_BIND          address to listen on (e.g. 0.0.0.0:8000 or unix:/run/procure.sock);
                        otherwise HOST:PORT (127.0.0.1:5000)
  WORKERS               worker processes (default 2; WEB_CONCURRENCY is read too)
  THREADS               threads per worker (default 12; the database pool holds 15 connections per worker)
  GUNICORN_TIMEOUT      seconds a request may run before its worker is restarted (default 60: an official
                        PDF renders in about half a second, a year's OCDS bulk file streams for longer)
  GUNICORN_KEEPALIVE    seconds an idle connection is kept open for its next request (default 0: closed after
                        each response, so that the workers share the requests; see below)
  FORWARDED_ALLOW_IPS   proxies whose X-Forwarded-Proto is believed (default 127.0.0.1,::1); set
                        TRUSTED_PROXIES for the app as well (docs in the README's settings table)
  LOG_FORMAT            json: gunicorn's lines are JSON objects as well as the app's
The access log goes to standard output, one line per request (the path without its query string) ending with
the request id (rid=…): the id the app writes on its own log lines (standard error) and shows on error pages."""
import os

wsgi_app = "wsgi:app"
bind = [os.environ.get("PROCURE_BIND")
        or f"{os.environ.get('HOST') or '127.0.0.1'}:{os.environ.get('PORT') or '5000'}"]
workers = int(os.environ.get("WORKERS") or os.environ.get("WEB_CONCURRENCY") or 2)
# Threads in each worker: a request waiting on something slow (a PDF rendering in its child process, the
# database's write lock) holds a thread, not the whole worker, so the pages keep being served meanwhile.
worker_class = "gthread"
threads = int(os.environ.get("THREADS") or 12)

timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 60)
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT") or 30)
# No keep-alive by default: each response closes its connection, so every request goes to whichever worker is free.
# A kept-alive connection stays with the worker that accepted it, and a few busy clients (a proxy's pooled
# connections, a load test) can then keep one worker at its limit while the other idles: half the throughput.
# nginx in front (deploy/nginx.conf) opens a connection per request anyway. GUNICORN_KEEPALIVE=5 keeps them 5 s.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE") or 0)
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS") or "127.0.0.1,::1"

accesslog = "-"
errorlog = "-"
# The path without its query string: a survey slip's link carries the respondent's code as ?t=…, which no
# log should keep. %(M)s is the time taken, in milliseconds.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms "%(a)s" rid=%({x-request-id}o)s'

# LOG_FORMAT=json: gunicorn's own lines (start-up, worker restarts, the access log) become JSON objects too, as
# the app's are (procure/logs.py), so a log collector reads one format; the root logger is left to the app.
if os.environ.get("LOG_FORMAT") == "json":
    logconfig_dict = {
        "version": 1, "disable_existing_loggers": False,
        "root": {"level": "WARNING", "handlers": []},
        "formatters": {"json": {"()": "procure.logs.JsonFormatter"}},
        "handlers": {
            "error_json": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"},
            "access_json": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"},
        },
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["error_json"], "propagate": False},
            "gunicorn.access": {"level": "INFO", "handlers": ["access_json"], "propagate": False},
        },
    }

# gunicorn 27 and later open a control socket under $XDG_RUNTIME_DIR or ~/.gunicorn by default: outside the
# deployment, and two instances on one machine would collide. Older versions ignore the setting.
control_socket_disable = True
