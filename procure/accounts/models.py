"""Organisations, users and API tokens."""
import enum
import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String, Text, event, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from procure import clock
from procure.codes import covers, is_valid_division, is_valid_uscc, uscc_prefix
from procure.extensions import db
from procure.types import UTCDateTime, sql_in


class OrgKind(str, enum.Enum):
    community = "community"
    government = "government"
    provider = "provider"
    evaluator = "evaluator"


class Role(str, enum.Enum):
    community = "community"
    reviewer = "reviewer"
    bureau = "bureau"
    provider = "provider"
    evaluator = "evaluator"
    admin = "admin"
    resident = "resident"  # a volunteer: signs up for activities, sees and redeems their own points


# Which roles an organisation of each kind can hold (admins sit in a government organisation).
ROLES_BY_KIND = {
    OrgKind.community: {Role.community, Role.resident},
    OrgKind.government: {Role.reviewer, Role.bureau, Role.admin},
    OrgKind.provider: {Role.provider},
    OrgKind.evaluator: {Role.evaluator},
}

COMMUNITY_CLASSES = ("mature", "urban_village", "village_converted", "work_unit", "no_property")


class Organisation(db.Model):
    __tablename__ = "organisations"
    __table_args__ = (
        CheckConstraint(f"kind IN ({sql_in(OrgKind)})", name="kind"),
        CheckConstraint(
            "kind <> 'community' OR community_class IS NOT NULL", name="community_has_class"
        ),
        CheckConstraint(
            "kind NOT IN ('provider', 'evaluator') OR credit_code IS NOT NULL",
            name="firm_has_credit_code",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    name: Mapped[str] = mapped_column(String(200))
    division_code: Mapped[str] = mapped_column(String(12), index=True)
    credit_code: Mapped[str | None] = mapped_column(String(18), unique=True)
    credit_code_override: Mapped[bool] = mapped_column(default=False)
    community_class: Mapped[str | None] = mapped_column(String(32))
    legal_representative: Mapped[str | None] = mapped_column(String(100))
    members_total: Mapped[int | None] = mapped_column()  # a community's registered council size (居民议事会)
    council_version: Mapped[int] = mapped_column(default=0)  # compare-and-swap for changes of the council size
    contact: Mapped[str | None] = mapped_column(Text)

    users: Mapped[list["User"]] = relationship(back_populates="organisation")

    def problems(self) -> list[str]:
        """What is wrong with this organisation's codes and class (empty when it may be saved)."""
        found = []
        if not is_valid_division(self.division_code):
            found.append("division_code must be 6 or 12 digits (GB/T 2260) / 行政区划代码须为6位或12位数字")
        if self.kind == OrgKind.community and self.community_class not in COMMUNITY_CLASSES:
            found.append(f"community_class must be one of {', '.join(COMMUNITY_CLASSES)} / 社区类别无效")
        if self.credit_code and not self.credit_code_override:
            found += [message for _code, message in self.credit_code_problems()]
        return found

    def credit_code_problems(self, code: str | None = None) -> list[tuple[str, str]]:
        """(reason code, bilingual message) for what is wrong with `code` (by default its own credit code) for
        an organisation of this kind: the check character, and positions 1–2 (registration authority and
        category, GB 32100) against the kind's CREDIT_CODE_PREFIXES. An admin may override either."""
        code = self.credit_code if code is None else code
        found = []
        if not is_valid_uscc(code):
            found.append(("credit_code_invalid",
                          "credit_code fails its check character (GB 32100) / 统一社会信用代码校验位错误"))
        allowed = current_app.config["CREDIT_CODE_PREFIXES"].get(self.kind, [])
        if uscc_prefix(code) not in allowed:
            found.append(("credit_code_category_mismatch",
                          f"credit_code positions 1–2 ({uscc_prefix(code)}) do not fit a {self.kind} organisation, "
                          f"expected one of {', '.join(allowed)} / 统一社会信用代码第1–2位（登记管理部门和机构类别）"
                          f"与机构类型不符"))
        return found

    def covers(self, other: "Organisation") -> bool:
        """A government organisation covers the communities inside its division."""
        return self.kind == OrgKind.government and covers(self.division_code, other.division_code)

    def __repr__(self):
        return f"<Organisation {self.id} {self.name}>"


@event.listens_for(Organisation, "before_insert")
@event.listens_for(Organisation, "before_update")
def _check_organisation(_mapper, _connection, org):
    problems = org.problems()
    if problems:
        raise ValueError("; ".join(problems))


class Division(db.Model):
    """The name of an administrative division code (GB/T 2260), e.g. a district: 330102 青山区. The public
    figures group communities by district (the first six digits of their code) and name them from here."""

    __tablename__ = "divisions"

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint(f"role IN ({sql_in(Role)})", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    # Every session cookie and API token carries the generation it began in; logout, a password change or
    # reset and disabling the user move it on, and all older ones stop working at once.
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    # Set by a password reset: the user must choose a new password before anything else.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())

    organisation: Mapped[Organisation] = relationship(back_populates="users", lazy="joined")

    @property
    def is_active(self):
        return self.active

    def end_sessions(self):
        """End every session and API token of this user (counted in SQL, so two at once both count)."""
        self.session_generation = User.session_generation + 1

    def __repr__(self):
        return f"<User {self.username} {self.role}>"


class ApiToken(db.Model):
    """A bearer token for the JSON API; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    generation: Mapped[int] = mapped_column(default=0, server_default="0")  # the user's session generation

    user: Mapped[User] = relationship(lazy="joined")

    @staticmethod
    def digest(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def issue(cls, user: User, hours: int) -> str:
        token = secrets.token_urlsafe(32)
        moment = clock.now()
        db.session.add(
            cls(user=user, token_hash=cls.digest(token), created_at=moment,
                expires_at=moment + timedelta(hours=hours), generation=user.session_generation)
        )
        return token

    @classmethod
    def find_user(cls, token: str) -> User | None:
        row = db.session.scalar(db.select(cls).filter_by(token_hash=cls.digest(token)))
        if (row is None or row.expires_at <= clock.now() or not row.user.active
                or row.generation != row.user.session_generation or row.user.must_change_password):
            return None
        return row.user



class LoginFailure(db.Model):
    """A wrong password (or unknown user), kept for the login throttle's window (procure.accounts.throttle)."""
    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)  # as typed: unknown names are counted too
    address: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
