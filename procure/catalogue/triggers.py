"""What the catalogue adds to the lifecycle: listing a project (into a catalogue already published only with
a reason, as an amendment), buying only from a catalogue in force, and taking a cancelled project out again."""
from flask_babel import lazy_gettext as _l

from procure.catalogue.models import Catalogue
from procure.catalogue.operations import add_to_catalogue, remove_from_catalogue
from procure.errors import Reason
from procure.extensions import db


def catalogue_checks(project, data):
    """Listing into a catalogue already published or in force amends it: that needs a recorded reason."""
    if data is None:
        return []
    catalogue = db.session.scalar(db.select(Catalogue).filter_by(year=data["catalogue_year"]))
    if catalogue is not None and catalogue.state != "draft" and not (data["amendment_reason"] or "").strip():
        return [Reason("amendment_reason_required", _l("%(year)s 年度目录已发布，列入新项目属于目录调整，须填写调整理由"),
                       year=catalogue.year)]
    return []


def catalogue_in_force(project, data=None):
    """Tendering, signing a subsidy agreement or claiming a reward buys from the project's catalogue: only once
    that year's catalogue is published, its notice has run and it is in force."""
    catalogue = db.session.scalar(db.select(Catalogue).filter_by(year=project.catalogue_year)) \
        if project.catalogue_year is not None else None
    if catalogue is None or catalogue.state != "in_force":
        return [Reason("catalogue_not_in_force", _l("%(year)s 年度购买服务目录尚未生效：目录发布、公示期满并生效后方可执行此操作"),
                       year=project.catalogue_year if project.catalogue_year is not None else "")]
    return []


def _list(project, user, data):
    project.catalogue_year = data["catalogue_year"]
    add_to_catalogue(project, user, data["catalogue_year"], data["amendment_reason"])


def _cancel(project, user, data):
    remove_from_catalogue(project, user, data["reason"])


GUARDS = {"list_in_catalogue": [catalogue_checks], "open_tender": [catalogue_in_force],
          "sign_agreement": [catalogue_in_force], "claim_completion": [catalogue_in_force]}
EFFECTS = {"list_in_catalogue": [_list], "cancel": [_cancel]}
