"""The community talent pool (社区人才库): residents keep their own profile and certificates, the staff of their
community check certificates, admit profiles and search the pool; nobody else sees any of it (never public);
a micro-project lists the skills it needs and its community's staff see the admitted talent that has them."""
from decimal import Decimal

import pytest

from conftest import PASSWORD
from procure.accounts.models import User
from procure.accounts.passwords import hash_password
from procure.audit.models import AuditEntry
from procure.extensions import db
from procure.talent.models import ProfessionalCertificate, ProjectSkill, TalentProfile
from procure.volunteers import ledger
from procure.volunteers.models import Volunteer

OUTSIDERS = ["community_b", "community_far", "reviewer", "bureau", "admin", "provider", "evaluator", "other"]


def make_volunteer(community, username, name, id_number, phone="13900000000") -> Volunteer:
    user = User(username=username, role="resident", organisation_id=community.id, display_name=username,
                password_hash=hash_password(PASSWORD))
    db.session.add(user)
    db.session.flush()
    volunteer = Volunteer(user_id=user.id, community_id=community.id, real_name=name, id_number=id_number,
                          phone=phone)
    db.session.add(volunteer)
    db.session.commit()
    return volunteer


def make_profile(volunteer, skills, profession="", admitted=False, staff=None) -> TalentProfile:
    from procure import clock

    profile = TalentProfile(volunteer_id=volunteer.id, profession=profession, skills=skills, availability="周末",
                            admitted_at=clock.now() if admitted else None,
                            admitted_by_id=staff.id if admitted and staff else None)
    db.session.add(profile)
    db.session.commit()
    return profile


@pytest.fixture
def zhang(world):
    volunteer = make_volunteer(world.community, "zhang", "张三丰", "330102199001011234", "13911112222")
    ledger.append(volunteer, "service", hours=Decimal("2.00"), points=Decimal("3.00"), user=world["community"])
    db.session.commit()
    return volunteer


@pytest.fixture
def other(world):
    return make_volunteer(world.community, "other", "李四", "330102199202021111", "13733334444")


@pytest.fixture
def as_user(as_user, zhang, other):
    """The conftest's sign-in, with both volunteers registered first."""
    return as_user


def audit_actions() -> list[str]:
    return [e.action for e in db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id))]


def test_resident_keeps_profile_staff_check_and_admit(as_user, zhang, world):
    client = as_user("zhang")
    assert client.get("/talent/me").headers["Location"].endswith(f"/talent/volunteers/{zhang.id}")
    response = client.post(f"/talent/volunteers/{zhang.id}/profile", data={
        "profession": "社区医生", "skills": ["doctor", "nurse"], "other_skills": "手语、医生，中医推拿",
        "availability": "周六上午"})
    assert response.status_code == 302
    profile = db.session.scalar(db.select(TalentProfile).filter_by(volunteer_id=zhang.id))
    assert profile.skills == "doctor,nurse,手语,中医推拿"  # 医生 typed as a word is the listed skill
    assert client.post(f"/talent/volunteers/{zhang.id}/certificates", data={
        "name": "执业医师资格证书", "issuer": "国家卫生健康委员会", "number": "110330000001",
        "valid_until": "2030-12-31"}).status_code == 302
    page = client.get(f"/talent/volunteers/{zhang.id}").get_data(as_text=True)
    assert "执业医师资格证书" in page and "待核验" in page and "待入库" in page
    assert "3301**********1234" in page and "330102199001011234" not in page
    certificate = db.session.scalar(db.select(ProfessionalCertificate))

    # The resident can neither check their own certificate nor admit themself.
    assert client.post(f"/talent/volunteers/{zhang.id}/certificates/{certificate.id}/check").status_code == 403
    assert client.post(f"/talent/volunteers/{zhang.id}/admit").status_code == 403
    db.session.expire_all()
    assert certificate.checked_at is None and profile.admitted_at is None

    staff = as_user("community")
    page = staff.get(f"/talent/volunteers/{zhang.id}").get_data(as_text=True)
    assert "13911112222" in page and "330102199001011234" not in page  # phone to staff, ID number masked
    assert staff.post(f"/talent/volunteers/{zhang.id}/certificates/{certificate.id}/check").status_code == 302
    assert staff.post(f"/talent/volunteers/{zhang.id}/admit").status_code == 302
    db.session.expire_all()
    assert certificate.checked_by_id == world["community"].id and profile.admitted_by_id == world["community"].id
    page = staff.get(f"/talent/volunteers/{zhang.id}").get_data(as_text=True)
    assert "已入库" in page and "已核验" in page and "talent_certificate.pdf" in page
    # Admitting twice is refused on the page, with the reason.
    response = staff.post(f"/talent/volunteers/{zhang.id}/admit")
    assert response.status_code == 409 and "该人才已入库" in response.get_data(as_text=True)
    assert audit_actions()[-4:] == ["update_talent_profile", "add_professional_certificate",
                                    "check_professional_certificate", "admit_talent"]
    assert staff.post(f"/talent/volunteers/{zhang.id}/withdraw").status_code == 302
    db.session.expire_all()
    assert profile.admitted_at is None and audit_actions()[-1] == "withdraw_talent"


def test_an_empty_profile_cannot_be_admitted_and_bad_input_shows_field_errors(as_user, zhang):
    staff = as_user("community")
    response = staff.post(f"/talent/volunteers/{zhang.id}/admit")
    assert response.status_code == 422 and "尚未填写职业或专业技能" in response.get_data(as_text=True)
    response = staff.post(f"/talent/volunteers/{zhang.id}/profile", data={"skills": ["astronaut"]})
    assert response.status_code == 400 and "field-error" in response.get_data(as_text=True)
    response = staff.post(f"/talent/volunteers/{zhang.id}/certificates", data={"name": "", "valid_until": "x"})
    assert response.status_code == 400
    assert db.session.scalar(db.select(db.func.count(TalentProfile.id))) == 0


@pytest.mark.parametrize("username", OUTSIDERS)
def test_nobody_else_sees_or_changes_a_profile(as_user, zhang, world, username, db_snapshot):
    profile = make_profile(zhang, "doctor", "医生")
    db.session.add(ProfessionalCertificate(profile_id=profile.id, name="执业医师资格证书"))
    db.session.commit()
    certificate_id = db.session.scalar(db.select(ProfessionalCertificate.id))
    client = as_user(username)
    before = db_snapshot()
    base = f"/talent/volunteers/{zhang.id}"
    assert client.get(base).status_code == 404
    for path, data in [("/profile", {"profession": "黑客"}), ("/certificates", {"name": "假证"}),
                       (f"/certificates/{certificate_id}/check", {}), (f"/certificates/{certificate_id}/remove", {}),
                       ("/admit", {}), ("/withdraw", {})]:
        assert client.post(base + path, data=data).status_code == 404, path
    search = client.get("/talent?q=张")  # other communities' staff search their own pool only
    assert search.status_code == (200 if username.startswith("community") else 403)
    assert "张三丰" not in search.get_data(as_text=True)
    assert db_snapshot() == before


def test_the_pool_is_not_public(client, zhang):
    make_profile(zhang, "doctor", "医生", admitted=True)
    assert client.get("/talent").status_code in (302, 401)
    assert client.get(f"/talent/volunteers/{zhang.id}").status_code in (302, 401)


def test_search_by_skill_community_and_words(as_user, world, zhang, other):
    staff_user = world["community"]
    make_profile(zhang, "doctor,手语", "社区医生", admitted=True, staff=staff_user)
    make_profile(other, "electrician", "电工")
    far = make_volunteer(world.community_b, "far", "王五", "330102199303033333")
    make_profile(far, "doctor", "医生", admitted=True)
    client = as_user("community")

    def names(query):
        response = client.get("/talent" + query)
        assert response.status_code == 200
        text = response.get_data(as_text=True)
        return {name for name in ("张三丰", "李四", "王五") if name in text}, text

    found, text = names("")
    assert found == {"张三丰", "李四"}  # never another community's residents
    assert "13911112222" not in text and "330102199001011234" not in text and "1234" not in text
    assert names("?skill=doctor")[0] == {"张三丰"}
    assert names("?skill=electrician")[0] == {"李四"}
    assert names("?q=医生")[0] == {"张三丰"}  # the label finds the listed skill and the profession
    assert names("?q=手语")[0] == {"张三丰"}  # a free word
    assert names("?q=李")[0] == {"李四"}
    assert names("?admitted=1")[0] == {"张三丰"}
    assert names(f"?community={world.community.id}")[0] == {"张三丰", "李四"}
    # Unknown or foreign filter values are ignored, never an error or a way into another community.
    assert names(f"?community={world.community_b.id}&skill=astronaut&page=999")[0] == {"张三丰", "李四"}
    assert names("?q=%25&page=x")[0] == set()  # % is a literal character, not a wildcard
    community_b = as_user("community_b")
    assert "王五" in community_b.get("/talent").get_data(as_text=True)


def test_search_pages(as_user, world, app):
    for i in range(25):
        v = make_volunteer(world.community, f"r{i}", f"居民{i:02d}", f"3301021990010{i:05d}")
        make_profile(v, "teacher", "教师")
    client = as_user("community")
    first = client.get("/talent?skill=teacher").get_data(as_text=True)
    assert "共 25 人" in first and first.count('data-testid="talent-row-') == app.config["PER_PAGE"]
    second = client.get("/talent?skill=teacher&page=2").get_data(as_text=True)
    assert second.count('data-testid="talent-row-') == 25 - app.config["PER_PAGE"]


# ---- project skills --------------------------------------------------------------------------------------

def test_project_lists_skills_and_its_community_sees_matching_talent(journey, world, as_user, zhang, other):
    project = journey.create()
    make_profile(zhang, "doctor,nurse", "社区医生", admitted=True)
    make_profile(other, "doctor", "医生")  # not admitted: not offered
    far = make_volunteer(world.community_b, "far", "王五", "330102199303033333")
    make_profile(far, "doctor", "医生", admitted=True)  # another community: not offered
    client = as_user("community")
    assert client.post(f"/projects/{project.id}/skills", data={"skill": "doctor"}).status_code == 302
    assert client.post(f"/projects/{project.id}/skills", data={"skill": "lawyer"}).status_code == 302
    response = client.post(f"/projects/{project.id}/skills", data={"skill": "doctor"})
    assert response.status_code == 409 and "已列出该技能" in response.get_data(as_text=True)
    assert client.post(f"/projects/{project.id}/skills", data={"skill": "astronaut"}).status_code == 400
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert 'data-testid="project-talent"' in page and 'data-testid="talent-matches"' in page
    matches = page.split('data-testid="talent-matches"')[1].split("</table>")[0]
    assert "张三丰" in matches and f"/talent/volunteers/{zhang.id}" in matches
    assert "李四" not in matches and "王五" not in matches
    assert [s.skill for s in db.session.scalars(db.select(ProjectSkill).order_by(ProjectSkill.id))] == \
        ["doctor", "lawyer"]
    lawyer = db.session.scalar(db.select(ProjectSkill).filter_by(skill="lawyer"))
    assert client.post(f"/projects/{project.id}/skills/{lawyer.id}/remove").status_code == 302
    assert [e.action for e in db.session.scalars(db.select(AuditEntry).filter_by(project_id=project.id)
                                                 .order_by(AuditEntry.id))][-3:] == \
        ["add_project_skill", "add_project_skill", "remove_project_skill"]

    # The reviewer and the bureau see the project but not its talent, and cannot change its skills.
    doctor = db.session.scalar(db.select(ProjectSkill).filter_by(skill="doctor"))
    for username in ("reviewer", "bureau"):
        viewer = as_user(username)
        page = viewer.get(f"/projects/{project.id}").get_data(as_text=True)
        assert 'data-testid="project-talent"' not in page and "张三丰" not in page
        assert viewer.post(f"/projects/{project.id}/skills", data={"skill": "nurse"}).status_code == 403
        assert viewer.post(f"/projects/{project.id}/skills/{doctor.id}/remove").status_code == 403
    for username in ("community_b", "provider", "zhang"):
        assert as_user(username).post(f"/projects/{project.id}/skills", data={"skill": "nurse"}).status_code == 404
    assert [s.skill for s in db.session.scalars(db.select(ProjectSkill))] == ["doctor"]
