"""The admin's user pages (/admin/users: list, create, edit, disable, enable, reset the password) and every API
token (/admin/tokens); each change is audited by procure.users.operations."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_
from wtforms.fields import SelectChoice

from procure.accounts import throttle
from procure.accounts.admin_only import admins_only
from procure.accounts.forms import UserForm
from procure.accounts.models import Organisation, Role, User
from procure.accounts.passwords import POLICY, policy_problems
from procure.extensions import db
from procure.formfields import storable
from procure.projects.labels import ROLE_LABELS
from procure.users import operations

bp = Blueprint("users", __name__, url_prefix="/admin")


bp.before_request(admins_only)


def _user(user_id) -> User:
    return db.session.get(User, user_id) or abort(404)


def _organisations():
    return db.session.scalars(db.select(Organisation).order_by(Organisation.kind, Organisation.name)).all()


def _form(user=None) -> UserForm:
    form = UserForm() if request.method == "POST" else UserForm(
        data={"display_name": user.display_name, "role": user.role, "organisation": user.organisation_id}
        if user else None)
    form.organisation.choices = [SelectChoice(org.id, org.name) for org in _organisations()]
    form.role.choices = [SelectChoice(role.value, ROLE_LABELS[role.value]) for role in Role]
    if user is not None:  # the username is fixed once created
        del form.username
        del form.password
    return form


def _storable(form) -> bool:
    bad = [f for f in form if isinstance(f.data, str) and not storable(f.data)]
    for f in bad:
        f.errors = list(f.errors) + [_("含有无法保存的字符")]
    return not bad


def _apply(form, change):
    """Run `change(org)`; a refusal lands on its field (or at the top) and gives None."""
    org = db.session.get(Organisation, form.organisation.data)
    if org is None:
        form.organisation.errors = [_("请选择机构")]
        return None
    try:
        result = change(org)
    except operations.Refused as refused:
        db.session.rollback()
        target = getattr(form, refused.field, None) if refused.field else None
        if target is not None:
            target.errors = list(target.errors) + [str(refused.message)]
        else:
            form.form_errors.append(str(refused.message))
        return None
    db.session.commit()
    return result


@bp.get("/users")
def index():
    q = request.args.get("q", "").strip()[:100]
    role = request.args.get("role", "")
    status = request.args.get("status", "")
    query = db.select(User).order_by(User.username)
    if q and storable(q):
        like = f"%{q.replace('%', '').replace('_', '')}%"
        query = query.filter(or_(User.username.ilike(like), User.display_name.ilike(like)))
    if role in {r.value for r in Role}:
        query = query.filter(User.role == role)
    if status in ("active", "disabled"):
        query = query.filter(User.active.is_(status == "active"))
    return render_template("users/index.html", users=db.session.scalars(query).unique().all(),
                           filters={"q": q, "role": role, "status": status})


@bp.route("/users/new", methods=["GET", "POST"])
def create():
    form = _form()
    if form.validate_on_submit() and _storable(form):
        password = form.password.data or None
        if password:
            problems = policy_problems(password, form.username.data)
            if problems:
                form.password.errors = [str(POLICY[code][1]) for code in problems]
                return render_template("users/form.html", form=form, user=None)
        created = _apply(form, lambda org: operations.create_user(
            current_user, username=form.username.data.strip(), display_name=form.display_name.data.strip(),
            role=form.role.data, org=org, password=password))
        if created is not None:
            flash(_("用户 %(name)s 已创建", name=created.user.username), "success")
            if created.password:
                return render_template("users/password.html", user=created.user, password=created.password)
            return redirect(url_for("users.edit", user_id=created.user.id))
    return render_template("users/form.html", form=form, user=None)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def edit(user_id):
    user = _user(user_id)
    form = _form(user)
    if form.validate_on_submit() and _storable(form):
        changed = _apply(form, lambda org: operations.update_user(
            current_user, user, display_name=form.display_name.data.strip(), role=form.role.data, org=org))
        if changed is not None:
            flash(_("已保存") if changed else _("没有改动"), "success" if changed else "info")
            return redirect(url_for("users.edit", user_id=user.id))
    return render_template("users/form.html", form=form, user=user, tokens=operations.tokens_of(user),
                           in_force=operations.token_in_force, failures=throttle.recent_failures(user.username),
                           max_failures=current_app.config["LOGIN_MAX_FAILURES"])


@bp.post("/users/<int:user_id>/disable")
def disable(user_id):
    user = _user(user_id)
    try:
        operations.disable_user(current_user, user)
    except operations.Refused as refused:
        db.session.rollback()
        flash(str(refused.message), "error")
    else:
        db.session.commit()
        flash(_("用户 %(name)s 已停用，其所有登录和访问令牌已失效", name=user.username), "success")
    return redirect(url_for("users.edit", user_id=user_id))


@bp.post("/users/<int:user_id>/enable")
def enable(user_id):
    user = _user(user_id)
    operations.enable_user(current_user, user)
    db.session.commit()
    flash(_("用户 %(name)s 已启用", name=user.username), "success")
    return redirect(url_for("users.edit", user_id=user_id))


@bp.post("/users/<int:user_id>/unlock")
def unlock(user_id):
    user = _user(user_id)
    cleared = operations.unlock_user(current_user, user)
    db.session.commit()
    flash(_("已解除 %(name)s 的登录锁定（清除失败记录 %(count)s 次）", name=user.username, count=cleared), "success")
    return redirect(url_for("users.edit", user_id=user_id))


@bp.post("/users/<int:user_id>/reset-password")
def reset_password(user_id):
    user = _user(user_id)
    password = operations.reset_password(current_user, user)
    db.session.commit()
    return render_template("users/password.html", user=user, password=password)


@bp.get("/tokens")
def tokens():
    return render_template("users/tokens.html", tokens=operations.tokens_of(None), everyone=True,
                           in_force=operations.token_in_force)


@bp.post("/tokens/<int:token_id>/revoke")
def revoke_token(token_id):
    if not operations.revoke_token(current_user, token_id, any_user=True):
        abort(404)
    db.session.commit()
    flash(_("访问令牌已撤销"), "success")
    return redirect(url_for("users.tokens"))
