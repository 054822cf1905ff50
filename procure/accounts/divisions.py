"""Names of the administrative divisions (GB/T 2260) that the admin has named, for figures by district."""
from sqlalchemy import select

from procure.accounts.models import Division
from procure.extensions import db


def district_names(codes) -> dict[str, str]:
    """{six-digit code: name} for the districts of these division codes (the code itself where unnamed)."""
    codes = {c[:6] for c in codes if c}
    names = dict(db.session.execute(select(Division.code, Division.name)
                                    .where(Division.code.in_(codes))).all()) if codes else {}
    return {code: names.get(code) or code for code in codes}
