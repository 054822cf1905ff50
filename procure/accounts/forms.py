"""Login and password forms."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length


class LoginForm(FlaskForm):
    username = StringField(_l("用户名"), [DataRequired(message=_l("请输入用户名")), Length(max=64)])
    password = PasswordField(_l("密码"), [DataRequired(message=_l("请输入密码")), Length(max=256)])


class ChangePasswordForm(FlaskForm):
    current = PasswordField(_l("当前密码"), [DataRequired(message=_l("请输入当前密码")), Length(max=256)])
    new = PasswordField(_l("新密码"), [DataRequired(message=_l("请输入新密码")), Length(max=256)])
    confirm = PasswordField(_l("再次输入新密码"), [DataRequired(message=_l("请再次输入新密码")),
                                              EqualTo("new", message=_l("两次输入的新密码不一致"))])
