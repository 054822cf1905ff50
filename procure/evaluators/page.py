"""The evaluators part of the project page: its forms and what it shows."""
from flask_babel import lazy_gettext as _l

# (anchor on the project page, label in its task links, the form keys that make the link appear)
SECTION = ("evaluator", _l("第三方评估机构"), ("request_declaration", "declare"))


def page_part(user, project, parts, failed) -> tuple[dict, dict]:
    """(forms keyed as on the page, extra template context) for `user` on `project`."""
    return {}, {}
