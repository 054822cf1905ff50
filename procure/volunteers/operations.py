"""The only code that changes volunteers, activities, sign-ups, attendance and corrections: check the role and the
object, validate, guard, change, audit; flush, never commit.

Whoever organises records, whoever records certifies (谁组织谁记录、谁记录谁证明): check-in, check-out, no-shows
and corrections are decided by the staff of the organising organisation only. The one thing a volunteer does
for themselves is to scan the organiser's QR code while the activity is on: the code is shown only on the
organiser's attendance page, so scanning it certifies that the volunteer stands where the organiser is. The
hours still come from the organiser's check-out."""
import secrets
from datetime import timedelta
from decimal import Decimal

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from procure import clock
from procure.accounts.models import Organisation, OrgKind, Role, User
from procure.accounts.passwords import hash_password
from procure.audit.log import record
from procure.codes import area_prefix
from procure.errors import Forbidden, GuardFailed, InvalidInput, NotFound, Reason
from procure.extensions import db
from procure.formfields import field_errors
from procure.lifecycle import validated
from procure.projects.models import Project
from procure.volunteers import ledger, notices
from procure.volunteers.inputs import ActivityForm, CorrectionForm, DecisionForm, RegistrationForm
from procure.volunteers.models import Activity, CorrectionRequest, PointEntry, SignUp, Volunteer

ORGANISER_ROLES = {Role.community, Role.provider}
# A provider publishes activities inside a micro-project it implements, while it implements it.
IMPLEMENTING_STATES = ("contracted", "in_delivery", "delivered", "under_acceptance", "rectification")
CHECKIN_EARLY = timedelta(minutes=30)  # check-in opens this long before the start and closes at the end
HOLDING_PLACE = ("signed_up", "checked_in", "completed", "no_show")  # sign-ups that count against the places


# ---- who sees what --------------------------------------------------------------------------------------

def volunteer_of(user) -> Volunteer | None:
    """The volunteer record of a signed-in resident; None for anyone else."""
    if not user.is_authenticated or user.role != Role.resident:
        return None
    return db.session.scalar(select(Volunteer).filter_by(user_id=user.id))


def require_volunteer(user) -> Volunteer:
    volunteer = volunteer_of(user)
    if volunteer is None:
        raise Forbidden()
    return volunteer


def visible_activities(user):
    """A SELECT of the activities `user` may see (denied unless a rule allows it)."""
    query = select(Activity)
    org = user.organisation
    if user.role == Role.admin:
        return query
    if user.role == Role.community:
        return query.where(or_(Activity.community_id == org.id, Activity.organiser_org_id == org.id))
    if user.role == Role.resident:
        return query.where(Activity.community_id == user.organisation_id)
    if user.role == Role.provider:
        return query.where(Activity.organiser_org_id == org.id)
    if user.role in (Role.reviewer, Role.bureau):
        inside = select(Organisation.id).where(Organisation.division_code.startswith(area_prefix(org.division_code)))
        return query.where(Activity.community_id.in_(inside))
    return query.where(False)


def get_activity(user, activity_id, *, for_update=False) -> Activity:
    """The activity if `user` may see it; NotFound otherwise (never a hint that it exists)."""
    query = visible_activities(user).where(Activity.id == activity_id)
    if for_update:
        query = query.with_for_update(of=Activity)
    activity = db.session.scalar(query) if isinstance(activity_id, int) else None
    if activity is None:
        raise NotFound()
    return activity


def is_organiser(user, activity) -> bool:
    return user.role in ORGANISER_ROLES and user.organisation_id == activity.organiser_org_id


def require_organiser(user, activity):
    if not is_organiser(user, activity):
        raise Forbidden()


def _signup_of(activity, signup_id, *, for_update=False) -> SignUp:
    query = select(SignUp).where(SignUp.id == signup_id, SignUp.activity_id == activity.id)
    if for_update:
        query = query.with_for_update()
    signup = db.session.scalar(query) if isinstance(signup_id, int) else None
    if signup is None:
        raise NotFound()
    return signup


def _refuse(reasons):
    if reasons:
        raise GuardFailed(reasons)


# ---- registration ---------------------------------------------------------------------------------------

def community_choices() -> list[tuple[int, str]]:
    return [tuple(row) for row in db.session.execute(
        select(Organisation.id, Organisation.name).where(Organisation.kind == OrgKind.community)
        .order_by(Organisation.division_code, Organisation.id))]


class AlreadyRegistered(InvalidInput):
    """The ID number is a registered volunteer's, or the username is taken (`fields` says which). Community staff
    are told so; the public page answers exactly as it answers a new registration (volunteers/views.py), so that
    nobody learns from it whether a number or a name is registered."""


def register_volunteer(formdata, *, staff=None) -> Volunteer:
    """A resident's account (role resident, in the community's organisation) and their volunteer record.
    `staff`: community staff registering a resident on their behalf (the community is the staff's own).
    Refuses bad input with InvalidInput, and an ID number or username already registered with AlreadyRegistered
    (only once the input is otherwise valid, and after the same work as a registration: the password hashed)."""
    if staff is not None and staff.role != Role.community:
        raise Forbidden()
    form = RegistrationForm(formdata=formdata)
    if staff is not None:
        form.community_id.data = staff.organisation_id
        form.community_id.raw_data = [str(staff.organisation_id)]
    if not form.validate():
        raise InvalidInput(field_errors(form))
    community = db.session.get(Organisation, form.community_id.data)
    if community is None or community.kind != OrgKind.community:
        raise InvalidInput({"community_id": [str(_l("请选择所在社区"))]})
    password_hash = hash_password(form.password.data)  # taken or not: the same time spent (Argon2 dominates)
    taken = {}
    if db.session.scalar(select(Volunteer.id).filter_by(id_number=form.id_number.data)):
        taken["id_number"] = [str(_l("该身份证号码已登记为志愿者"))]
    if db.session.scalar(select(User.id).filter_by(username=form.username.data)):
        taken["username"] = [str(_l("该用户名已被使用"))]
    if taken:
        raise AlreadyRegistered(taken)
    user = User(username=form.username.data, password_hash=password_hash,
                display_name=form.real_name.data, role=Role.resident.value, organisation_id=community.id)
    volunteer = Volunteer(community_id=community.id, real_name=form.real_name.data, id_number=form.id_number.data,
                          phone=form.phone.data, skills=form.skills_text(), consent_public=form.consent_public.data,
                          registered_at=clock.now())
    try:
        with db.session.begin_nested():  # a simultaneous registration with the same number or name
            db.session.add(user)
            db.session.flush()
            volunteer.user_id = user.id
            db.session.add(volunteer)
            db.session.flush()
    except IntegrityError:
        raise AlreadyRegistered({"id_number": [str(_l("该身份证号码或用户名已登记"))]})
    # No name, number or phone in the trail: the ids say who.
    record(None, staff or user, "register_volunteer",
           data={"volunteer_id": volunteer.id, "community_id": community.id, "on_behalf": staff is not None})
    db.session.flush()
    return volunteer


# ---- activities -----------------------------------------------------------------------------------------

def project_choices(user) -> list[tuple[int, str]]:
    """Micro-projects `user`'s organisation implements now (a provider's activities belong to one)."""
    if user.role not in ORGANISER_ROLES:
        return []
    return [(pid, f"{code} {title}") for pid, code, title in db.session.execute(
        select(Project.id, Project.code, Project.title)
        .where(Project.implementer_id == user.organisation_id, Project.state.in_(IMPLEMENTING_STATES))
        .order_by(Project.id.desc()).limit(200))]


def publish_activity(user, formdata) -> Activity:
    """Community staff publish for their community; provider staff for a micro-project they implement (the
    activity takes place in the project's community)."""
    if user.role not in ORGANISER_ROLES:
        raise Forbidden()
    data = validated(ActivityForm, formdata)
    project = db.session.get(Project, data["project_id"]) if data["project_id"] else None
    reasons = []
    if user.role == Role.provider:
        if project is None or project.implementer_id != user.organisation_id:
            raise InvalidInput({"project_id": [str(_l("请选择本机构承接的微项目"))]})
        community_id = project.community_id
    else:
        if data["project_id"] and (project is None or user.organisation_id not in (project.community_id,
                                                                                    project.implementer_id)):
            raise InvalidInput({"project_id": [str(_l("请选择本社区的微项目"))]})
        community_id = user.organisation_id
    if project is not None and project.state not in IMPLEMENTING_STATES:
        reasons.append(Reason("project_not_in_delivery", _l("该微项目不在实施阶段，不能发布活动")))
    if data["starts_at"] <= clock.now():
        reasons.append(Reason("starts_in_past", _l("开始时间须晚于当前时间")))
    if data["ends_at"] <= data["starts_at"]:
        reasons.append(Reason("ends_before_start", _l("结束时间须晚于开始时间")))
    _refuse(reasons)
    activity = Activity(organiser_org_id=user.organisation_id, community_id=community_id,
                        project_id=project.id if project else None, title=data["title"], category=data["category"],
                        description=data["description"] or "", place=data["place"], starts_at=data["starts_at"],
                        ends_at=data["ends_at"], places=data["places"], state="published",
                        checkin_token=secrets.token_urlsafe(16), created_by_id=user.id, created_at=clock.now())
    db.session.add(activity)
    db.session.flush()
    record(None, user, "publish_activity", data={"activity_id": activity.id, "community_id": community_id,
                                                 "project_id": activity.project_id, "category": activity.category,
                                                 "places": activity.places})
    db.session.flush()
    return activity


def cancel_activity(user, activity_id) -> Activity:
    """The organiser cancels an activity nobody has yet attended; the places signed up for are released."""
    activity = get_activity(user, activity_id, for_update=True)
    require_organiser(user, activity)
    reasons = []
    if activity.state != "published":
        reasons.append(Reason("not_published", _l("活动已取消或已结束")))
    if any(s.status in ("checked_in", "completed") for s in activity.signups):
        reasons.append(Reason("attendance_recorded", _l("已有志愿者签到，不能取消活动")))
    _refuse(reasons)
    notices.activity_cancelled(user, activity)  # while the sign-ups still say who holds a place
    activity.state = "cancelled"
    released = 0
    for signup in activity.signups:
        if signup.status == "signed_up":
            signup.status, released = "cancelled", released + 1
    record(None, user, "cancel_activity", data={"activity_id": activity.id, "signups_released": released})
    db.session.flush()
    return activity


def places_taken(activity_ids) -> dict[int, int]:
    """Sign-ups holding a place, by activity: one query for a whole list."""
    if not activity_ids:
        return {}
    return dict(db.session.execute(
        select(SignUp.activity_id, func.count(SignUp.id))
        .where(SignUp.activity_id.in_(activity_ids), SignUp.status.in_(HOLDING_PLACE))
        .group_by(SignUp.activity_id)).all())


# ---- signing up -----------------------------------------------------------------------------------------

def _overlapping(volunteer, activity) -> Activity | None:
    """Another published activity the volunteer holds a place in whose time overlaps this one's."""
    return db.session.scalar(
        select(Activity).join(SignUp, SignUp.activity_id == Activity.id)
        .where(SignUp.volunteer_id == volunteer.id, SignUp.status.in_(("signed_up", "checked_in")),
               Activity.id != activity.id, Activity.state == "published",
               Activity.starts_at < activity.ends_at, Activity.ends_at > activity.starts_at)
        .order_by(Activity.starts_at).limit(1))


def sign_up(user, activity_id) -> SignUp:
    """A resident takes a place. The activity row is locked while the places are counted (SQLite writes take
    the lock at BEGIN), so two residents asking for the last place cannot both get it."""
    volunteer = require_volunteer(user)
    activity = get_activity(user, activity_id, for_update=True)
    existing = db.session.scalar(select(SignUp).filter_by(activity_id=activity.id, volunteer_id=volunteer.id))
    reasons = []
    if activity.state != "published":
        reasons.append(Reason("not_published", _l("活动已取消或已结束")))
    elif clock.now() >= activity.starts_at:
        reasons.append(Reason("started", _l("活动已开始，不能再报名")))
    if existing is not None and existing.status != "cancelled":
        reasons.append(Reason("already_signed_up", _l("您已报名此活动")))
    elif places_taken([activity.id]).get(activity.id, 0) >= activity.places:
        reasons.append(Reason("full", _l("名额已满")))
    clash = _overlapping(volunteer, activity)
    if clash is not None:
        reasons.append(Reason("overlapping", _l("您已报名同一时段的活动「%(title)s」，请先取消该报名",
                                                title=clash.title)))
    _refuse(reasons)
    if existing is not None:  # signed up again after cancelling: the same row (one per volunteer and activity)
        existing.status, existing.signed_up_at = "signed_up", clock.now()
        signup = existing
    else:
        signup = SignUp(activity_id=activity.id, volunteer_id=volunteer.id, signed_up_at=clock.now(),
                        status="signed_up")
        db.session.add(signup)
    db.session.flush()
    record(None, user, "sign_up", data={"activity_id": activity.id, "signup_id": signup.id})
    db.session.flush()
    return signup


def cancel_signup(user, activity_id) -> SignUp:
    volunteer = require_volunteer(user)
    activity = get_activity(user, activity_id, for_update=True)
    signup = db.session.scalar(select(SignUp).filter_by(activity_id=activity.id, volunteer_id=volunteer.id))
    if signup is None or signup.status != "signed_up":
        raise GuardFailed([Reason("not_signed_up", _l("您没有报名此活动"))])
    if clock.now() >= activity.starts_at:
        raise GuardFailed([Reason("started", _l("活动已开始，不能取消报名"))])
    signup.status = "cancelled"
    record(None, user, "cancel_signup", data={"activity_id": activity.id, "signup_id": signup.id})
    db.session.flush()
    return signup


# ---- attendance: the organiser records --------------------------------------------------------------------

def checkin_open(activity) -> bool:
    now = clock.now()
    return activity.state == "published" and activity.starts_at - CHECKIN_EARLY <= now <= activity.ends_at


def _checkin_reasons(activity) -> list[Reason]:
    if activity.state != "published":
        return [Reason("not_published", _l("活动已取消或已结束"))]
    if not checkin_open(activity):
        return [Reason("checkin_closed", _l("签到时间为活动开始前30分钟至活动结束"))]
    return []


def _check_in(signup, activity, user, via):
    signup.status, signup.checked_in_at = "checked_in", clock.now()
    if via == "organiser":
        signup.recorded_by_id = user.id
    record(None, user, "volunteer_check_in",
           data={"activity_id": activity.id, "signup_id": signup.id, "via": via})
    db.session.flush()


def check_in(user, activity_id, signup_id) -> SignUp:
    """The organiser ticks a volunteer as present (签到)."""
    activity = get_activity(user, activity_id, for_update=True)
    require_organiser(user, activity)
    signup = _signup_of(activity, signup_id, for_update=True)
    reasons = _checkin_reasons(activity)
    if signup.status not in ("signed_up", "no_show"):  # a no-show ticked by mistake may still arrive
        reasons.append(Reason("not_waiting", _l("该志愿者已签到或已取消报名")))
    _refuse(reasons)
    _check_in(signup, activity, user, "organiser")
    return signup


def check_in_by_code(user, token) -> SignUp:
    """A signed-up resident scans the QR code on the organiser's attendance page while the activity is on. The
    token is shown only to the organiser, so a scan certifies presence; the hours still come from the
    organiser's check-out."""
    volunteer = require_volunteer(user)
    activity = db.session.scalar(select(Activity).where(Activity.checkin_token == token).with_for_update()) \
        if isinstance(token, str) and len(token) <= 64 else None
    if activity is None:
        raise NotFound()
    signup = db.session.scalar(select(SignUp).filter_by(activity_id=activity.id, volunteer_id=volunteer.id)
                               .with_for_update())
    reasons = _checkin_reasons(activity)
    if signup is None or signup.status == "cancelled":
        reasons.append(Reason("not_signed_up", _l("您没有报名此活动")))
    elif signup.status != "signed_up":
        reasons.append(Reason("not_waiting", _l("您已签到，或已被记为缺席（请联系组织方）")))
    _refuse(reasons)
    _check_in(signup, activity, user, "code")
    return signup


def check_out(user, activity_id, signup_id) -> SignUp:
    """The organiser signs a volunteer out (签退): the time since check-in, capped, is credited, and the points
    (hours × the category's multiplier) go to the ledger as a service entry recorded by the organiser."""
    activity = get_activity(user, activity_id, for_update=True)
    require_organiser(user, activity)
    signup = _signup_of(activity, signup_id, for_update=True)
    if signup.status != "checked_in":
        raise GuardFailed([Reason("not_checked_in", _l("该志愿者尚未签到或已签退"))])
    now = clock.now()
    served = Decimal((now - signup.checked_in_at).total_seconds()) / Decimal(3600)
    hours = ledger.credited_hours(served)
    points = ledger.points_for(hours, activity.category)
    signup.status, signup.checked_out_at, signup.hours, signup.recorded_by_id = "completed", now, hours, user.id
    volunteer = db.session.get(Volunteer, signup.volunteer_id)
    entry = ledger.append(volunteer, "service", hours=hours, points=points, user=user, signup_id=signup.id,
                          note=activity.title[:200])
    record(None, user, "volunteer_check_out", data={"activity_id": activity.id, "signup_id": signup.id,
                                                    "hours": hours, "points": points, "entry_id": entry.id})
    db.session.flush()
    return signup


def mark_no_show(user, activity_id, signup_id) -> SignUp:
    """The organiser records that a volunteer who signed up did not come (缺席): no hours, no points."""
    activity = get_activity(user, activity_id, for_update=True)
    require_organiser(user, activity)
    signup = _signup_of(activity, signup_id, for_update=True)
    reasons = []
    if clock.now() < activity.starts_at:
        reasons.append(Reason("not_started", _l("活动开始后才能记为缺席")))
    if signup.status != "signed_up":
        reasons.append(Reason("not_waiting", _l("该志愿者已签到、已缺席或已取消报名")))
    _refuse(reasons)
    signup.status, signup.recorded_by_id = "no_show", user.id
    record(None, user, "volunteer_no_show", data={"activity_id": activity.id, "signup_id": signup.id})
    db.session.flush()
    return signup


# ---- corrections ------------------------------------------------------------------------------------------

def request_correction(user, signup_id, formdata) -> CorrectionRequest:
    """The volunteer asks the organiser to correct the hours of a completed sign-up (one open request at a time)."""
    volunteer = require_volunteer(user)
    signup = db.session.scalar(select(SignUp).where(SignUp.id == signup_id, SignUp.volunteer_id == volunteer.id)
                               .with_for_update()) if isinstance(signup_id, int) else None
    if signup is None:
        raise NotFound()
    data = validated(CorrectionForm, formdata)
    cap = Decimal(current_app.config["VOLUNTEER_HOURS_CAP"])
    reasons = []
    if signup.status != "completed":
        reasons.append(Reason("not_completed", _l("只能对已签退的活动申请更正")))
    if data["requested_hours"] > cap:
        reasons.append(Reason("over_cap", _l("每次活动最多记 %(cap)s 小时", cap=cap)))
    if signup.hours is not None and data["requested_hours"] == signup.hours:
        reasons.append(Reason("unchanged", _l("申请的时长与已记录的相同")))
    if db.session.scalar(select(CorrectionRequest.id).filter_by(signup_id=signup.id, state="requested")):
        reasons.append(Reason("open_request", _l("该活动已有一项待处理的更正申请")))
    _refuse(reasons)
    correction = CorrectionRequest(signup_id=signup.id, requested_hours=data["requested_hours"],
                                   reason=data["reason"], requested_at=clock.now(), state="requested")
    db.session.add(correction)
    db.session.flush()
    record(None, user, "request_correction", data={"signup_id": signup.id, "correction_id": correction.id,
                                                   "requested_hours": correction.requested_hours})
    notices.correction_requested(user, correction, signup.activity)
    db.session.flush()
    return correction


def signup_points(signup_id) -> Decimal:
    """Points the ledger holds for one sign-up: its service entry and any corrections."""
    return db.session.scalar(select(func.coalesce(func.sum(PointEntry.points), 0)).where(
        PointEntry.signup_id == signup_id, PointEntry.kind.in_(("service", "correction")))) or Decimal("0")


def decide_correction(user, activity_id, correction_id, approve: bool, formdata) -> CorrectionRequest:
    """The organiser approves (a new correction entry with the difference in hours and points, possibly
    negative; the original entry stays as it was) or refuses with a reason."""
    activity = get_activity(user, activity_id, for_update=True)
    require_organiser(user, activity)
    correction = db.session.scalar(
        select(CorrectionRequest).join(SignUp, SignUp.id == CorrectionRequest.signup_id)
        .where(CorrectionRequest.id == correction_id, SignUp.activity_id == activity.id)
        .with_for_update(of=CorrectionRequest)) if isinstance(correction_id, int) else None
    if correction is None:
        raise NotFound()
    data = validated(DecisionForm, formdata)
    if correction.state != "requested":
        raise GuardFailed([Reason("decided", _l("该更正申请已处理"))])
    if not approve and not data["reason"]:
        raise InvalidInput({"reason": [str(_l("拒绝时请说明理由"))]})
    signup = correction.signup
    entry = None
    if approve:
        cap = Decimal(current_app.config["VOLUNTEER_HOURS_CAP"])
        hours = min(correction.requested_hours, cap)
        hours_diff = hours - (signup.hours or Decimal("0"))
        points_diff = ledger.points_for(hours, activity.category) - Decimal(signup_points(signup.id))
        volunteer = db.session.get(Volunteer, signup.volunteer_id)
        try:
            entry = ledger.append(volunteer, "correction", hours=hours_diff, points=points_diff, user=user,
                                  signup_id=signup.id, correction_id=correction.id, note=activity.title[:200])
        except ledger.Overdrawn:
            raise GuardFailed([Reason("balance_too_low", _l("志愿者的积分余额不足以扣减，不能按此更正"))])
        signup.hours = hours
    correction.state = "approved" if approve else "refused"
    correction.decided_by_id, correction.decided_at = user.id, clock.now()
    correction.decision_reason = data["reason"] or ""
    record(None, user, "approve_correction" if approve else "refuse_correction",
           data={"activity_id": activity.id, "signup_id": signup.id, "correction_id": correction.id,
                 "entry_id": entry.id if entry else None,
                 "hours": entry.hours if entry else None, "points": entry.points if entry else None})
    notices.correction_decided(user, correction, activity)
    db.session.flush()
    return correction
