"""The only code that changes an organisation's credit code: admin only, checked against GB 32100 and the
organisation's kind, or overridden with a reason; audited; flush but never commit."""
from flask_babel import lazy_gettext as _l
from wtforms.fields import StringField, TextAreaField
from wtforms.validators import Length, Optional

from procure.accounts.models import Organisation, Role
from procure.audit.log import record
from procure.changes import flush, validated
from procure.errors import Forbidden, GuardFailed, InvalidInput, NotFound, Reason
from procure.extensions import db
from procure.formfields import InputForm
from procure.projects.inputs import required

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
