"""Login and password forms, and the admin's user forms."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp


class LoginForm(FlaskForm):
    username = StringField(_l("用户名"), [DataRequired(message=_l("请输入用户名")), Length(max=64)])
    password = PasswordField(_l("密码"), [DataRequired(message=_l("请输入密码")), Length(max=256)])


class ChangePasswordForm(FlaskForm):
    current = PasswordField(_l("当前密码"), [DataRequired(message=_l("请输入当前密码")), Length(max=256)])
    new = PasswordField(_l("新密码"), [DataRequired(message=_l("请输入新密码")), Length(max=256)])
    confirm = PasswordField(_l("再次输入新密码"), [DataRequired(message=_l("请再次输入新密码")),
                                              EqualTo("new", message=_l("两次输入的新密码不一致"))])


class UserForm(FlaskForm):
    """An admin's form for a user: display name, organisation and role (and, for a new user, the username and
    an optional initial password)."""

    username = StringField(_l("用户名"), [DataRequired(message=_l("请输入用户名")), Length(max=64),
                                         Regexp(r"^[A-Za-z0-9_.-]+$", message=_l("用户名只能包含字母、数字、点、下划线和连字符"))])
    display_name = StringField(_l("显示名称"), [DataRequired(message=_l("请输入显示名称")), Length(max=100)])
    organisation = SelectField(_l("所属机构"), coerce=int, validate_choice=True,
                               validators=[DataRequired(message=_l("请选择机构"))])
    role = SelectField(_l("角色"), validators=[DataRequired(message=_l("请选择角色"))])
    password = PasswordField(_l("初始密码"), [Optional(), Length(max=256)],
                             description=_l("留空则生成临时密码；无论哪种，用户首次登录时都须设置新密码"))

