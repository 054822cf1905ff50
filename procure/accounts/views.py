"""Login, logout and the language switch."""
from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import login_required, login_user, logout_user

from procure.accounts.forms import LoginForm
from procure.accounts.models import User
from procure.accounts.passwords import authenticate
from procure.extensions import db, login_manager
from procure.web import same_site_path

bp = Blueprint("accounts", __name__)


@login_manager.user_loader
def load_user(user_id):
    return db.session.get(User, int(user_id)) if str(user_id).isdigit() else None


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.username.data, form.password.data)
        if user is None:
            form.password.errors.append(_("用户名或密码错误"))
        else:
            login_user(user)
            wanted = request.args.get("next")
            return redirect((same_site_path(wanted) if wanted else None) or url_for("projects.home"))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash(_("您已退出登录"), "info")
    return redirect(url_for("accounts.login"))


@bp.get("/lang/<code>")
def set_language(code):
    if code in ("zh_Hans_CN", "en"):
        session["lang"] = code
    return redirect(same_site_path(request.referrer) or url_for("public.home"))
