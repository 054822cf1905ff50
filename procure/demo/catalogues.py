"""Each year's purchase catalogue, published on its fixed day (procure.demo.timeline.catalogue_published: the
first working day of December before its year) and brought into force once its notice period is over, if
that is already past. A project is listed in the next catalogue not yet published, so no item is ever dated
after its catalogue's publication; the stories stop before buying from a catalogue until this has run."""
from procure.catalogue import operations
from procure.catalogue.models import Catalogue
from procure.demo.timeline import catalogue_in_force, catalogue_published
from procure.extensions import db


def publish(bureau, manual, calendar, now):
    for catalogue in db.session.scalars(db.select(Catalogue).order_by(Catalogue.year)).all():
        if not catalogue.current_items:
            continue
        manual.moment = catalogue_published(catalogue.year, calendar)
        if manual.moment > now:
            continue
        operations.publish(catalogue, bureau)
        in_force = catalogue_in_force(catalogue.year, calendar)
        if in_force <= now:
            manual.moment = in_force
            operations.bring_into_force(catalogue, bureau)
