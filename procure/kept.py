"""Figures a worker keeps for a while rather than counting them on every request: cachetools' TTLCache, one per
name and app, behind a lock (gunicorn's threads share a worker). Each use names its own lifetime in seconds, from
the configuration; 0 keeps nothing (the tests, which change data and read it at once)."""
import threading

from cachetools import TTLCache
from flask import current_app

LOCK = threading.Lock()


def cache(name: str, seconds: int, size: int = 4096) -> TTLCache | None:
    """The app's cache called `name`, whose entries live `seconds`; None when `seconds` is 0."""
    if not seconds:
        return None
    caches = current_app.extensions.setdefault("procure.kept", {})
    with LOCK:
        found = caches.get(name)
        if found is None or found.ttl != seconds:
            found = caches[name] = TTLCache(maxsize=size, ttl=seconds)
        return found


def kept(name: str, seconds: int, key, compute):
    """`compute()`, or what it gave for `key` less than `seconds` ago in this worker. The value is shared: treat
    it as read-only."""
    found = cache(name, seconds, size=64)
    if found is None:
        return compute()
    with LOCK:
        value = found.get(key)
    if value is None:
        value = compute()
        with LOCK:
            found[key] = value
    return value
