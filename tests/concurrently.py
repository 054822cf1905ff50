"""Requests fired at the same moment from several threads, each with its own client (and so its own app
context and database session)."""
import threading

from procure.extensions import db


def at_once(calls):
    """Run each call(barrier) in its own thread, all released at once by the barrier; their results in order."""
    # The test's own session must hold no transaction (on SQLite outside a request, any transaction
    # takes the write lock) while the threads run.
    db.session.commit()
    barrier = threading.Barrier(len(calls))
    results, errors = [None] * len(calls), []

    def worker(index, call):
        try:
            results[index] = call(barrier)
        except Exception as error:  # noqa: BLE001  (reported below)
            errors.append(repr(error))

    threads = [threading.Thread(target=worker, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a call hung"
    assert not errors, errors
    return results


def run_together(app, calls):
    """Run each call(client) in its own thread with its own client, all at once; their results in order."""
    def with_client(call):
        def run(barrier):
            client = app.test_client()
            barrier.wait(timeout=30)
            return call(client)
        return run
    return at_once([with_client(call) for call in calls])


def post(headers, path, body):
    def call(client):
        response = client.post("/api/v1" + path, json=body, headers=headers)
        return response.status_code, response.get_json()
    return call
