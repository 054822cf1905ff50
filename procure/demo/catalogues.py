"""Each year's purchase catalogue, published the working day after its last listing and brought into
force once its notice period is over, if that is already past. Stories are played one project at a time,
so the catalogues are published after all of them, at the moment the plans say their last listing ended:
no item is ever dated after its catalogue's publication."""
from datetime import timedelta

from procure.catalogue import operations
from procure.catalogue.models import Catalogue
from procure.demo.timeline import at, day_of, office
from procure.extensions import db


def publish(plans, bureau, manual, calendar, now):
    listed = {}
    for plan in plans:
        moment = plan.marks.get("list_in_catalogue")
        if moment is not None:
            year = day_of(moment).year
            listed[year] = max(listed.get(year, moment), moment)
    for year, last in sorted(listed.items()):
        catalogue = db.session.scalar(db.select(Catalogue).filter_by(year=year))
        if catalogue is None or not catalogue.current_items:
            continue
        manual.moment = office(1)(last, {}, calendar)
        if manual.moment > now:
            continue
        operations.publish(catalogue, bureau)
        in_force = office(0)(at(catalogue.notice_ends_on + timedelta(days=1), manual.moment), {}, calendar)
        if in_force <= now:
            manual.moment = in_force
            operations.bring_into_force(catalogue, bureau)
