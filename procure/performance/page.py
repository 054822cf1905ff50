"""The performance part of the project page: its forms and what it shows."""
from flask_babel import lazy_gettext as _l

# (anchor on the project page, label in its task links, the form keys that make the link appear)
SECTION = ("evaluation", _l("绩效评价"), ())


def page_part(user, project, parts, failed) -> tuple[dict, dict]:
    """(forms keyed as on the page, extra template context) for `user` on `project`."""
    return {}, {}
