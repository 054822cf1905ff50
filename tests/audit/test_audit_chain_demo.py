"""The demo city's whole trail (thousands of entries, written by every stage) forms one intact chain."""
import pytest

from procure.audit import chain
from procure.extensions import db


class TestDemoTrail:
    @pytest.fixture(autouse=True)
    def ctx(self, app, demo_city):
        """Overrides the conftest fixture: the demo city stays for the class."""
        with app.app_context():
            yield demo_city
            db.session.rollback()

    def test_the_demo_trail_is_one_intact_chain(self):
        result = chain.verify(db.session)
        assert result.intact, str(result)
        assert result.entries == chain.entry_count(db.session) > 100
