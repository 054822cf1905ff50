"""The only code that creates an organisation or changes its name, kind, division, class and credit code: admin
only; a credit code is checked against GB 32100 and the organisation's kind, or overridden with a reason; audited;
flush but never commit."""
from flask_babel import lazy_gettext as _l
from wtforms import ValidationError
from wtforms.fields import SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from procure.accounts.models import ROLES_BY_KIND, OrgKind, Organisation, Role
from procure.audit.log import record
from procure.codes import is_valid_division
from procure.changes import flush, validated
from procure.errors import Forbidden, GuardFailed, InvalidInput, NotFound, Reason
from procure.extensions import db
from procure.formfields import InputForm
from procure.projects.inputs import choices, required
from procure.projects.labels import COMMUNITY_CLASS_LABELS

class CreditCodeForm(InputForm):
    credit_code = StringField(_l("统一社会信用代码"), [required, Length(min=18, max=18, message=_l("须为18位"))])
    override_reason = TextAreaField(_l("确认理由"), [Optional(), Length(max=2000)],
                                    description=_l("代码未通过校验时，管理员须说明依据（例如登记证书原件已核对）方可确认"))


def get_organisation(user, org_id) -> Organisation:
    if user.role != Role.admin:
        raise Forbidden()
    org = db.session.get(Organisation, org_id, with_for_update=True) if isinstance(org_id, int) else None
    if org is None:
        raise NotFound()
    return org


def problems_of(org, code) -> list[Reason]:
    """Why `code` does not fit `org`: the check character, and positions 1–2 against its kind."""
    found = {name for name, _message in org.credit_code_problems(code)}
    reasons = []
    if "credit_code_invalid" in found:
        reasons.append(Reason("credit_code_invalid", _l("统一社会信用代码校验位错误（GB 32100）")))
    if "credit_code_category_mismatch" in found:
        reasons.append(Reason("credit_code_category_mismatch",
                              _l("统一社会信用代码第1–2位（登记管理部门和机构类别 %(prefix)s）与机构类型不符"),
                              prefix=code[:2]))
    return reasons


def set_credit_code(org, user, formdata) -> Organisation:
    """The admin sets the credit code. A code that fails a check is refused (422, each problem named) unless the
    admin gives a reason: then it is kept as an override, and the audit row names the problems and the reason."""
    if user.role != Role.admin:
        raise Forbidden()
    data = validated(CreditCodeForm, formdata)
    code, reason = data["credit_code"].strip().upper(), (data["override_reason"] or "").strip()
    taken = db.session.scalar(db.select(Organisation.id).where(Organisation.credit_code == code,
                                                                Organisation.id != org.id))
    if taken:
        raise InvalidInput({"credit_code": [str(_l("该统一社会信用代码已属于另一机构"))]})
    problems = problems_of(org, code)
    if problems and not reason:
        raise GuardFailed(problems)
    previous = org.credit_code
    org.credit_code, org.credit_code_override = code, bool(problems)
    flush()
    record(None, user, "credit_code_override" if problems else "set_credit_code", comment=reason if problems else "",
           data={"organisation_id": org.id, "credit_code": code, "previous": previous,
                 "problems": [p.code for p in problems]})
    flush()
    return org


KIND_CHOICES = choices({"community": _l("社区"), "government": _l("政府部门"), "provider": _l("承接主体"),
                        "evaluator": _l("评估机构")})
CLASS_CHOICES = choices({"": "—", **COMMUNITY_CLASS_LABELS})


class OrganisationForm(InputForm):
    """An organisation's name, kind, division and (for a community) class; a new one also its credit code."""

    name = StringField(_l("机构名称"), [required, Length(max=200)])
    kind = SelectField(_l("机构类型"), [required], choices=KIND_CHOICES)
    division_code = StringField(_l("行政区划代码"), [required, Length(max=12)],
                                description=_l("GB/T 2260，6位（区县）或12位（街道、社区）"))
    community_class = SelectField(_l("社区类别"), choices=CLASS_CHOICES, default="")  # no Optional(): it would skip the check

    def validate_division_code(self, field):
        if not is_valid_division((field.data or "").strip()):
            raise ValidationError(_l("行政区划代码须为6位或12位数字"))

    def validate_community_class(self, field):
        if self.kind.data == "community" and not field.data:
            raise ValidationError(_l("社区须选择社区类别"))


class NewOrganisationForm(OrganisationForm, CreditCodeForm):
    credit_code = StringField(_l("统一社会信用代码"), description=_l("承接主体和评估机构必填"))

    def validate_credit_code(self, field):
        code = (field.data or "").strip()
        if self.kind.data in ("provider", "evaluator") and not code:
            raise ValidationError(_l("承接主体和评估机构须填写统一社会信用代码"))
        if code and len(code) != 18:
            raise ValidationError(_l("须为18位"))


def _fields(org, data):
    org.name = data["name"].strip()
    org.kind = data["kind"]
    org.division_code = data["division_code"].strip()
    org.community_class = (data["community_class"] or None) if data["kind"] == "community" else None


def create_organisation(user, formdata) -> Organisation:
    """A new organisation; a credit code that fails a check needs the admin's reason (kept as an override)."""
    if user.role != Role.admin:
        raise Forbidden()
    data = validated(NewOrganisationForm, formdata)
    org = Organisation()
    _fields(org, data)
    code, reason = (data["credit_code"] or "").strip().upper() or None, (data["override_reason"] or "").strip()
    problems = []
    if code:
        if db.session.scalar(db.select(Organisation.id).where(Organisation.credit_code == code)):
            raise InvalidInput({"_body": [str(_l("该统一社会信用代码已属于另一机构"))]})
        problems = problems_of(org, code)
        if problems and not reason:
            raise GuardFailed(problems)
    org.credit_code, org.credit_code_override = code, bool(problems)
    db.session.add(org)
    flush()
    record(None, user, "create_organisation", comment=reason if problems else "",
           data={"organisation_id": org.id, "name": org.name, "kind": org.kind, "division_code": org.division_code,
                 "community_class": org.community_class, "credit_code": code,
                 "problems": [p.code for p in problems]})
    return org


def update_organisation(org, user, formdata) -> Organisation:
    """Change the name, kind, division or class; a new kind must still fit the role of every user it holds, and
    a provider or evaluator needs a credit code (set on the credit-code form)."""
    if user.role != Role.admin:
        raise Forbidden()
    data = validated(OrganisationForm, formdata)
    allowed = {role.value for role in ROLES_BY_KIND[OrgKind(data["kind"])]}
    misfits = sorted({u.role for u in org.users} - allowed)
    if misfits:
        raise GuardFailed([Reason("kind_misfits_users", _l("机构中有用户的角色与新的机构类型不符"))])
    if data["kind"] in ("provider", "evaluator") and not org.credit_code:
        raise GuardFailed([Reason("credit_code_missing", _l("承接主体和评估机构须先填写统一社会信用代码"))])
    before = {"name": org.name, "kind": org.kind, "division_code": org.division_code,
              "community_class": org.community_class}
    _fields(org, data)
    after = {"name": org.name, "kind": org.kind, "division_code": org.division_code,
             "community_class": org.community_class}
    if before == after:
        return org
    if org.credit_code and not org.credit_code_override and problems_of(org, org.credit_code):
        raise GuardFailed(problems_of(org, org.credit_code))
    flush()
    record(None, user, "update_organisation", data={"organisation_id": org.id, "before": before, "after": after})
    return org
