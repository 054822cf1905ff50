"""The talent pool's rules and changes: who may see a volunteer's talent profile (the staff of the volunteer's
community, and the volunteer themself; nobody else, never the public), searching it, checking certificates,
admitting profiles to the pool (入库), and the skills a micro-project needs with the admitted talent that
matches them. Operations flush and write the audit row; the views commit."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import false, func, or_, select

from procure import clock
from procure.accounts.models import Organisation, Role
from procure.audit.log import record
from procure.codes import mask_id_number
from procure.errors import Conflict, Forbidden, GuardFailed, InvalidInput, NotFound, Reason
from procure.extensions import db
from procure.formfields import field_errors
from procure.lifecycle import flush, validated
from procure.projects.permissions import relations
from procure.talent.inputs import CertificateForm, ProfileForm, ProjectSkillForm
from procure.talent.models import ProfessionalCertificate, ProjectSkill, TalentProfile
from procure.volunteers import ledger
from procure.volunteers.models import Volunteer
from procure.volunteers.operations import volunteer_of
from procure.volunteers.skills import SKILL_LABELS, has_skill, skill_keys, skill_label, skill_labels, skills_of

MAX_QUERY = 50
MATCH_LIMIT = 50


# ---- who may see what ---------------------------------------------------------------------------

def is_staff_of(user, volunteer) -> bool:
    return user.role == Role.community and user.organisation_id == volunteer.community_id


def is_self(user, volunteer) -> bool:
    return user.role == Role.resident and volunteer.user_id == user.id


def get_volunteer(user, volunteer_id) -> Volunteer:
    """The volunteer if `user` is staff of their community or the volunteer themself; NotFound otherwise
    (never a hint that the volunteer exists)."""
    volunteer = db.session.get(Volunteer, volunteer_id) if isinstance(volunteer_id, int) else None
    if volunteer is None or not (is_staff_of(user, volunteer) or is_self(user, volunteer)):
        raise NotFound()
    return volunteer


def own_volunteer(user) -> Volunteer:
    volunteer = volunteer_of(user)
    if volunteer is None:
        raise NotFound()
    return volunteer


def _require_staff(user, volunteer):
    if not is_staff_of(user, volunteer):
        raise Forbidden()


def profile_of(volunteer) -> TalentProfile | None:
    return db.session.scalar(select(TalentProfile).filter_by(volunteer_id=volunteer.id))


def person(volunteer, user) -> dict:
    """What the profile page shows of the volunteer: the ID number masked, the phone to staff and to themself."""
    return {"id": volunteer.id, "name": volunteer.real_name, "phone": volunteer.phone,
            "id_number": mask_id_number(volunteer.id_number), "community": volunteer.community.name,
            "hours_total": volunteer.hours_total, "stars": ledger.stars(volunteer.hours_total),
            "staff": is_staff_of(user, volunteer), "own": is_self(user, volunteer)}


# ---- the volunteer's profile and certificates ----------------------------------------------------

def _profile_for_change(volunteer, user) -> TalentProfile:
    if not (is_staff_of(user, volunteer) or is_self(user, volunteer)):
        raise Forbidden()
    profile = profile_of(volunteer)
    if profile is None:
        profile = TalentProfile(volunteer_id=volunteer.id, profession="", skills="", availability="")
        db.session.add(profile)
    return profile


def save_profile(volunteer, user, formdata) -> TalentProfile:
    """The resident (or the community's staff for them) keeps profession, skills and availability."""
    if not (is_staff_of(user, volunteer) or is_self(user, volunteer)):
        raise Forbidden()
    form = ProfileForm(formdata=formdata)
    if not form.validate():
        raise InvalidInput(field_errors(form))
    profile = _profile_for_change(volunteer, user)
    profile.profession = (form.profession.data or "").strip()
    profile.skills = form.stored_skills()
    profile.availability = (form.availability.data or "").strip()
    profile.updated_at = clock.now()
    flush()
    record(None, user, "update_talent_profile", data={"volunteer_id": volunteer.id, "profile_id": profile.id,
                                                       "skills": skills_of(profile.skills)})
    flush()
    return profile


def add_certificate(volunteer, user, formdata) -> ProfessionalCertificate:
    data = validated(CertificateForm, formdata)
    profile = _profile_for_change(volunteer, user)
    flush()
    certificate = ProfessionalCertificate(profile_id=profile.id, name=data["name"].strip(),
                                          issuer=(data["issuer"] or "").strip(), number=(data["number"] or "").strip(),
                                          valid_until=data["valid_until"])
    db.session.add(certificate)
    flush()
    record(None, user, "add_professional_certificate", data={"volunteer_id": volunteer.id,
                                                              "certificate_id": certificate.id})
    flush()
    return certificate


def _certificate(volunteer, certificate_id) -> ProfessionalCertificate:
    profile = profile_of(volunteer)
    certificate = db.session.get(ProfessionalCertificate, certificate_id) if isinstance(certificate_id, int) \
        else None
    if profile is None or certificate is None or certificate.profile_id != profile.id:
        raise NotFound()
    return certificate


def remove_certificate(volunteer, user, certificate_id):
    if not (is_staff_of(user, volunteer) or is_self(user, volunteer)):
        raise Forbidden()
    certificate = _certificate(volunteer, certificate_id)
    db.session.delete(certificate)
    record(None, user, "remove_professional_certificate", data={"volunteer_id": volunteer.id,
                                                                 "certificate_id": certificate_id})
    flush()


def check_certificate(volunteer, user, certificate_id) -> ProfessionalCertificate:
    """Community staff have seen the original certificate (核验)."""
    _require_staff(user, volunteer)
    certificate = _certificate(volunteer, certificate_id)
    if certificate.checked_at is not None:
        raise Conflict(_l("该证书已核验"))
    certificate.checked_at, certificate.checked_by_id = clock.now(), user.id
    record(None, user, "check_professional_certificate", data={"volunteer_id": volunteer.id,
                                                                "certificate_id": certificate.id})
    flush()
    return certificate


def admit(volunteer, user) -> TalentProfile:
    """Admit the profile to the community's talent pool (入库)."""
    _require_staff(user, volunteer)
    profile = profile_of(volunteer)
    if profile is not None and profile.admitted_at is not None:
        raise Conflict(_l("该人才已入库"))
    if profile is None or not (profile.profession or profile.skills):
        raise GuardFailed([Reason("profile_empty", _l("尚未填写职业或专业技能，不能入库"))])
    profile.admitted_at, profile.admitted_by_id = clock.now(), user.id
    record(None, user, "admit_talent", data={"volunteer_id": volunteer.id, "profile_id": profile.id})
    flush()
    return profile


def withdraw(volunteer, user) -> TalentProfile:
    """Take the profile out of the pool (出库); its certificates stay."""
    _require_staff(user, volunteer)
    profile = profile_of(volunteer)
    if profile is None or profile.admitted_at is None:
        raise Conflict(_l("该人才尚未入库"))
    profile.admitted_at, profile.admitted_by_id = None, None
    record(None, user, "withdraw_talent", data={"volunteer_id": volunteer.id, "profile_id": profile.id})
    flush()
    return profile


def certificates_of(profile) -> list[dict]:
    if profile is None:
        return []
    return [{"id": c.id, "name": c.name, "issuer": c.issuer, "number": c.number, "valid_until": c.valid_until,
             "checked": c.checked_at is not None, "checked_at": c.checked_at,
             "expired": c.valid_until is not None and c.valid_until < clock.today()}
            for c in profile.certificates]


# ---- searching the pool --------------------------------------------------------------------------

def search_communities(user) -> list[Organisation]:
    """The communities whose pool `user` may search: community staff their own; nobody else any."""
    if user.role != Role.community:
        raise Forbidden()
    return [user.organisation]


def search_query(user, *, skill=None, community_id=None, q="", admitted_only=False):
    """A SELECT of (TalentProfile, Volunteer) in the communities `user` may search; filters that are not
    among the choices are ignored."""
    allowed = [org.id for org in search_communities(user)]
    communities = [community_id] if community_id in allowed else allowed
    query = (select(TalentProfile, Volunteer).join(Volunteer, Volunteer.id == TalentProfile.volunteer_id)
             .where(Volunteer.community_id.in_(communities)))
    if skill in skill_keys():
        query = query.where(has_skill(TalentProfile.skills, skill))
    q = (q or "").strip()[:MAX_QUERY]
    if q:
        labelled = [key for key in skill_keys() if key in SKILL_LABELS and q in str(SKILL_LABELS[key])]
        query = query.where(or_(Volunteer.real_name.icontains(q, autoescape=True),
                                TalentProfile.profession.icontains(q, autoescape=True),
                                TalentProfile.skills.icontains(q, autoescape=True),
                                TalentProfile.availability.icontains(q, autoescape=True),
                                *[has_skill(TalentProfile.skills, key) for key in labelled]))
    if admitted_only:
        query = query.where(TalentProfile.admitted_at.is_not(None))
    return query


def search(user, *, page, per_page, **filters) -> tuple[list[dict], int]:
    """(rows of the page, total): two queries for the rows and one for their certificate counts."""
    query = search_query(user, **filters)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    found = db.session.execute(query.order_by(TalentProfile.admitted_at.is_(None), Volunteer.real_name,
                                              TalentProfile.id)
                               .limit(per_page).offset((page - 1) * per_page)).all()
    ids = [profile.id for profile, _ in found]
    counts = {pid: (total_count, checked) for pid, total_count, checked in db.session.execute(
        select(ProfessionalCertificate.profile_id, func.count(ProfessionalCertificate.id),
               func.count(ProfessionalCertificate.checked_at))
        .where(ProfessionalCertificate.profile_id.in_(ids) if ids else false())
        .group_by(ProfessionalCertificate.profile_id))}
    names = {org.id: org.name for org in search_communities(user)}
    rows = [{"volunteer_id": volunteer.id, "name": volunteer.real_name, "community": names.get(volunteer.community_id),
             "profession": profile.profession, "skills": skill_labels(profile.skills),
             "availability": profile.availability, "admitted": profile.admitted_at is not None,
             "admitted_at": profile.admitted_at, "certificates": counts.get(profile.id, (0, 0))[0],
             "checked": counts.get(profile.id, (0, 0))[1]}
            for profile, volunteer in found]
    return rows, total


# ---- the skills a micro-project needs -------------------------------------------------------------

def may_see_project_talent(user, project) -> bool:
    return "community" in relations(user, project)


def project_skills(project) -> list[ProjectSkill]:
    return list(db.session.scalars(select(ProjectSkill).filter_by(project_id=project.id).order_by(ProjectSkill.id)))


def matching_talent(project, skills=None, limit=MATCH_LIMIT) -> list[dict]:
    """Admitted talent of the project's community with any of the skills the project needs (most matches
    first); one query."""
    needed = [s.skill for s in (project_skills(project) if skills is None else skills)]
    if not needed:
        return []
    found = db.session.execute(
        select(TalentProfile, Volunteer).join(Volunteer, Volunteer.id == TalentProfile.volunteer_id)
        .where(Volunteer.community_id == project.community_id, TalentProfile.admitted_at.is_not(None),
               or_(*[has_skill(TalentProfile.skills, key) for key in needed]))
        .order_by(Volunteer.real_name, TalentProfile.id).limit(limit)).all()
    rows = []
    for profile, volunteer in found:
        has = set(skills_of(profile.skills))
        rows.append({"volunteer_id": volunteer.id, "name": volunteer.real_name, "profession": profile.profession,
                     "matched": [skill_label(key) for key in needed if key in has],
                     "availability": profile.availability})
    rows.sort(key=lambda row: -len(row["matched"]))
    return rows


def _authorize_project(user, project):
    if not may_see_project_talent(user, project):
        raise Forbidden()


def add_project_skill(project, user, formdata) -> ProjectSkill:
    _authorize_project(user, project)
    skill = validated(ProjectSkillForm, formdata)["skill"]
    if db.session.scalar(select(ProjectSkill.id).filter_by(project_id=project.id, skill=skill)) is not None:
        raise Conflict(_l("已列出该技能"))
    row = ProjectSkill(project_id=project.id, skill=skill)
    db.session.add(row)
    record(project, user, "add_project_skill", data={"skill": skill})
    flush()
    return row


def remove_project_skill(project, user, skill_id):
    _authorize_project(user, project)
    row = db.session.get(ProjectSkill, skill_id) if isinstance(skill_id, int) else None
    if row is None or row.project_id != project.id:
        raise NotFound()
    db.session.delete(row)
    record(project, user, "remove_project_skill", data={"skill": row.skill})
    flush()
