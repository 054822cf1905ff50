"""What residents and organisers find in their notifications when an activity is cancelled or hours are corrected:
one Notification per active recipient, added inside the operation's transaction (flush, never commit). Nobody
hears of their own action, and no volunteer's name goes to the organiser (the activity's title says which)."""
from sqlalchemy import select

from procure import clock
from procure.accounts.models import Role, User
from procure.extensions import db
from procure.notifications.models import Notification
from procure.volunteers.models import Activity, CorrectionRequest, SignUp, Volunteer

ORGANISER_ROLES = (Role.community.value, Role.provider.value)  # the staff of the organising organisation
HOLDING = ("signed_up", "checked_in")  # sign-ups whose volunteer expects to come


def _add(user_ids, actor, kind: str, params: dict, key: str) -> int:
    """A notification for each of `user_ids` but the actor and those who already have one with `key`."""
    wanted = set(user_ids) - {actor.id}
    if wanted:
        wanted -= set(db.session.scalars(select(Notification.user_id).where(Notification.key == key,
                                                                            Notification.user_id.in_(wanted))))
    now = clock.now()
    for user_id in sorted(wanted):
        db.session.add(Notification(user_id=user_id, project_id=None, kind=kind, params=dict(params), key=key,
                                    created_at=now))
    db.session.flush()
    return len(wanted)


def _activity_params(activity: Activity) -> dict:
    return {"activity_id": activity.id, "title": activity.title}


def activity_cancelled(actor, activity: Activity) -> int:
    """Every active resident holding a place hears that the activity is off. Call before the places are released."""
    users = db.session.scalars(
        select(User.id).join(Volunteer, Volunteer.user_id == User.id).join(SignUp, SignUp.volunteer_id == Volunteer.id)
        .where(SignUp.activity_id == activity.id, SignUp.status.in_(HOLDING), User.active)).all()
    starts = clock.local(activity.starts_at).strftime("%Y-%m-%d %H:%M")
    return _add(users, actor, "activity_cancelled", {**_activity_params(activity), "starts": starts},
                f"activity_cancelled:{activity.id}")


def correction_requested(actor, correction: CorrectionRequest, activity: Activity) -> int:
    """The active staff of the organising organisation hear that a correction waits for them."""
    users = db.session.scalars(select(User.id).where(User.organisation_id == activity.organiser_org_id,
                                                     User.role.in_(ORGANISER_ROLES), User.active)).all()
    return _add(users, actor, "correction_requested", _activity_params(activity),
                f"correction_requested:{correction.id}")


def correction_decided(actor, correction: CorrectionRequest, activity: Activity) -> int:
    """The volunteer hears the decision: the hours now credited, or the organiser's reason for refusing."""
    user_id = db.session.scalar(select(User.id).join(Volunteer, Volunteer.user_id == User.id)
                                .join(SignUp, SignUp.volunteer_id == Volunteer.id)
                                .where(SignUp.id == correction.signup_id, User.active))
    if correction.state == "approved":
        kind, extra = "correction_approved", {"hours": str(correction.signup.hours)}
    else:
        kind, extra = "correction_refused", {"reason": correction.decision_reason or ""}
    return _add([user_id] if user_id else [], actor, kind, {**_activity_params(activity), **extra},
                f"correction_decided:{correction.id}")
