"""Migration 0016 seals the entries already there, in id order, the way the app seals new ones."""
from sqlalchemy import text

from procure.audit import chain
from procure.extensions import db
from test_migrations import empty_database, flask_db, fresh_app, keep_logging  # noqa: F401  (fixtures)


def test_existing_entries_are_sealed_and_new_ones_follow(fresh_app):  # noqa: F811
    flask_db(fresh_app, "upgrade", "0015_payments")
    with fresh_app.app_context():
        for n, (at, data) in enumerate([("2026-03-02 02:00:00", '{"b": 1, "a": [1, "二"]}'),
                                        ("2026-03-02 02:00:00.250000", "{}"),
                                        ("2026-03-03 08:30:00", '{"day": "2026-05-01"}')], 1):
            db.session.execute(text("INSERT INTO audit_entries (id, at, action, comment, data) "
                                    "VALUES (:id, :at, 'calendar_edit', :comment, :data)"),
                               {"id": n * 10, "at": at, "comment": f"第 {n} 条", "data": data})
        db.session.commit()
    flask_db(fresh_app, "upgrade")
    with fresh_app.app_context():
        result = chain.verify(db.session)
        assert (result.intact, result.entries) == (True, 3), str(result)
        chain.record_verification(db.session, result)
        db.session.commit()
        assert str(chain.verify(db.session)) == "4 entries, chain intact"
        db.session.execute(text("UPDATE audit_entries SET comment = '改' WHERE id = 20"))
        assert chain.verify(db.session).broken_id == 20
        db.session.rollback()
