"""What an admin does to user accounts and what anyone does to their own API tokens: each change flushes and
writes its audit entry in the same transaction, and never commits."""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from procure import clock
from procure.accounts.models import ROLES_BY_KIND, ApiToken, OrgKind, Organisation, User
from procure.accounts import throttle
from procure.accounts.passwords import hash_password, set_password, temporary_password
from procure.audit.log import record
from procure.extensions import db


class Refused(Exception):
    """A change that may not be made; `field` names the form field to show it at (or None)."""

    def __init__(self, message, field=None):
        super().__init__(str(message))
        self.message = message
        self.field = field


@dataclass
class Created:
    user: User
    password: str | None  # the temporary password to show once (None when the admin chose one)


def roles_for(org: Organisation) -> set[str]:
    return {role.value for role in ROLES_BY_KIND[OrgKind(org.kind)]}


def _about(user: User, **more) -> dict:
    return {"user_id": user.id, "username": user.username, **more}


def _check_role(role: str, org: Organisation):
    if role not in roles_for(org):
        raise Refused(_l("该角色与所选机构的类型不符"), "role")


def create_user(admin: User, *, username: str, display_name: str, role: str, org: Organisation,
                password: str | None) -> Created:
    """A new user who must choose their own password at the first login; without `password` a temporary one is
    generated (returned to be shown once)."""
    _check_role(role, org)
    if db.session.scalar(db.select(User.id).filter_by(username=username)) is not None:
        raise Refused(_l("该用户名已被使用"), "username")
    shown = None
    if not password:
        password = shown = temporary_password()
    user = User(username=username, display_name=display_name or username, role=role, organisation_id=org.id,
                password_hash=hash_password(password), must_change_password=True)
    db.session.add(user)
    db.session.flush()
    record(None, admin, "create_user", data=_about(user, role=role, organisation_id=org.id,
                                                 generated_password=shown is not None))
    return Created(user, shown)


def update_user(admin: User, user: User, *, display_name: str, role: str, org: Organisation):
    """Change a user's display name, role and organisation (the role must fit the organisation's kind). A change
    of role or organisation ends their sessions, so that nothing they hold keeps the old rights."""
    _check_role(role, org)
    if user.id == admin.id and role != "admin":
        raise Refused(_l("不能取消自己的管理员角色"), "role")
    before = {"display_name": user.display_name, "role": user.role, "organisation_id": user.organisation_id}
    after = {"display_name": display_name, "role": role, "organisation_id": org.id}
    if before == after:
        return False
    user.display_name, user.role, user.organisation_id = display_name, role, org.id
    if (before["role"], before["organisation_id"]) != (role, org.id):
        user.end_sessions()
    db.session.flush()
    record(None, admin, "update_user", data=_about(user, before=before, after=after))
    return True


def disable_user(admin: User, user: User):
    """Login refused, and every session and API token of the user ended at once."""
    if user.id == admin.id:
        raise Refused(_l("不能停用自己的账号"))
    user.active = False
    user.end_sessions()
    db.session.flush()
    record(None, admin, "disable_user", data=_about(user))


def enable_user(admin: User, user: User):
    user.active = True
    db.session.flush()
    record(None, admin, "enable_user", data=_about(user))


def unlock_user(admin: User, user: User) -> int:
    """Forget the user's failed sign-ins, so that a locked account may sign in at once; the failures removed."""
    cleared = throttle.unlock(user.username)
    record(None, admin, "unlock_user", data=_about(user, failures=cleared))
    return cleared


def reset_password(admin: User, user: User) -> str:
    """A random temporary password (returned to be shown once) that must be changed at the next login; every
    session and API token of the user ends now."""
    password = temporary_password()
    set_password(user, password, temporary=True)
    record(None, admin, "reset_password", data=_about(user))
    return password


def tokens_of(user: User | None) -> list[ApiToken]:
    """The API tokens of `user` (every user's when None), newest first."""
    query = db.select(ApiToken).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    if user is not None:
        query = query.filter_by(user_id=user.id)
    return list(db.session.scalars(query))


def token_in_force(token: ApiToken) -> bool:
    """Whether this token still opens the API (not expired, its user active and in the same generation)."""
    return token.expires_at > clock.now() and token.user.active and token.generation == token.user.session_generation


def revoke_token(actor: User, token_id: int, *, any_user: bool = False) -> bool:
    """Delete one API token (it stops working at once); a user revokes their own, an admin (`any_user`) any.
    False when there is no such token for this actor."""
    token = db.session.get(ApiToken, token_id)
    if token is None or (token.user_id != actor.id and not any_user):
        return False
    record(None, actor, "revoke_api_token", data={"token_id": token.id, "user_id": token.user_id,
                                                   "username": token.user.username})
    db.session.delete(token)
    db.session.flush()
    return True
