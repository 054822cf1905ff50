"""Every figure the app keeps beside its data, counted again from the data itself: the project lists' counts, the
catalogues' groups and order, each volunteer's hours per month and year, the public tables' totals and the
open-data totals. The app keeps them in the transaction of each change; rows written without it (a bulk load,
`flask demo scale`) need this afterwards (`flask recount`). Counting again what is right changes nothing."""
import time

from procure.extensions import db


def recount_everything(say=lambda _message: None) -> None:
    """Count each kept figure again, one commit per kind, telling `say` as each is done."""
    from procure.catalogue.operations import refill as refill_catalogues
    from procure.opendata.publishing import recount_totals
    from procure.projects import counts
    from procure.totals.keeping import refill as refill_totals
    from procure.volunteers.periods import refill as refill_periods

    for name, refill in (("project counts", lambda: counts.rebuild(db.session)),
                         ("catalogues", refill_catalogues), ("volunteer periods", refill_periods),
                         ("public totals", refill_totals), ("open-data totals", recount_totals)):
        began = time.perf_counter()
        refill()
        db.session.commit()
        say(f"{name} counted again ({time.perf_counter() - began:.0f} s)")
