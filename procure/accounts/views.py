"""Login, logout, changing one's password, one's own API tokens and the language switch."""
import math

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import bindparam, select

from procure.accounts import sessions, throttle
from procure.accounts.forms import ChangePasswordForm, LoginForm
from procure.accounts.models import User
from procure.accounts.passwords import POLICY, authenticate, policy_problems, set_password, verify
from procure.audit.log import record_system
from procure.extensions import db, login_manager
from procure.formfields import storable
from procure.users import operations
from procure.web import same_site_path

bp = Blueprint("accounts", __name__)
bp.record_once(lambda state: setattr(state.app, "session_interface", sessions.SessionInterface()))

# What a user whose password was reset may still reach before choosing a new one.
_OPEN_DURING_CHANGE = {"accounts.change_password", "accounts.logout", "accounts.login", "accounts.set_language",
                       "static"}


# Every signed-in request loads its user: the statement is built once (Session.get builds it on each call).
_USER = select(User).where(User.id == bindparam("user_id"))


@login_manager.user_loader
def load_user(user_id):
    user = db.session.execute(_USER, {"user_id": int(user_id)}).scalar() if str(user_id).isdigit() else None
    if sessions.still_valid(user):
        return user
    sessions.end()  # a session of an older generation, a disabled user, idle or too old: signed out
    return None


@bp.before_app_request
def require_password_change():
    if request.path.startswith("/api/") or request.endpoint in _OPEN_DURING_CHANGE:
        return None
    if current_user.is_authenticated and current_user.must_change_password:
        return redirect(url_for("accounts.change_password"))
    return None


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        wait = throttle.retry_after(form.username.data, request.remote_addr)
        if wait:
            form.password.errors.append(_("登录失败次数过多，请 %(minutes)d 分钟后再试", minutes=math.ceil(wait / 60)))
            return render_template("accounts/login.html", form=form), 429, {"Retry-After": str(wait)}
        user = authenticate(form.username.data, form.password.data, disabled_too=True)
        if user is None:
            note_failed_login(form.username.data)
        else:
            throttle.succeed(user.username)
        db.session.commit()  # a password hashed again with today's parameters
        if user is None:
            form.password.errors.append(_("用户名或密码错误"))
        elif not user.active:
            form.password.errors.append(_("该账号已停用，请联系系统管理员"))
        else:
            sessions.begin(user)
            if user.must_change_password:
                flash(_("您的密码已被重置，请先设置新密码"), "warning")
                return redirect(url_for("accounts.change_password"))
            wanted = request.args.get("next")
            return redirect((same_site_path(wanted) if wanted else None) or url_for("projects.home"))
    return render_template("accounts/login.html", form=form)


def note_failed_login(username):
    """Count a failed sign-in (page or API); the one that reaches the limit is audited (the caller commits)."""
    lockout = throttle.fail(username, request.remote_addr)
    if lockout:
        record_system("login_locked", via="web", data={"username": lockout.username, "address": lockout.address,
                                                       "by": lockout.by, "failures": lockout.failures})


@bp.post("/logout")
@login_required
def logout():
    current_user.end_sessions()  # a copy of this cookie, or of any other, no longer signs anyone in
    db.session.commit()
    sessions.end()
    flash(_("您已退出登录"), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        new = form.new.data
        if not verify(user, form.current.data):
            form.current.errors.append(_("当前密码不正确"))
        elif not storable(new):
            form.new.errors.append(_("密码含有无法保存的字符"))
        elif new == form.current.data:
            form.new.errors.append(_("新密码不能与当前密码相同"))
        else:
            problems = policy_problems(new, user.username)
            if problems:
                form.new.errors.extend(str(POLICY[code][1]) for code in problems)
            else:
                set_password(user, new)
                db.session.commit()
                sessions.begin(user)  # this browser goes on; every other session and token has ended
                flash(_("密码已修改，其他设备上的登录和访问令牌已失效"), "success")
                return redirect(url_for("projects.home"))
    return render_template("accounts/password.html", form=form)


@bp.get("/tokens")
@login_required
def tokens():
    return render_template("users/tokens.html", tokens=operations.tokens_of(current_user), everyone=False,
                           in_force=operations.token_in_force)


@bp.post("/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id):
    if not operations.revoke_token(current_user, token_id):
        abort(404)
    db.session.commit()
    flash(_("访问令牌已撤销"), "success")
    return redirect(url_for("accounts.tokens"))


@bp.get("/lang/<code>")
def set_language(code):
    if code in ("zh_Hans_CN", "en"):
        session["lang"] = code
    return redirect(same_site_path(request.referrer) or url_for("public.home"))
