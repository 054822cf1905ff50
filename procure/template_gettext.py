"""The templates' _() and gettext(), with each message translated once per process and language.

Flask-Babel's template functions find the request's catalogue again on every call (the locale, the domain and
the catalogue cache, each through the request's globals), and Jinja's newstyle wrapper calls through the template
context twice more: fifteen microseconds a label, and a page prints fifty or so. The catalogues never change while
the process runs, so a message's translation in a language is kept here once looked up; the locale is still read
on every call, so a page rendered in force_locale (the exports, the PDFs) is translated as before. What the
newstyle wrapper does stays: the translation is Markup under autoescape, and always formatted with `%` and the
call's variables (so "%%" prints "%"). ngettext, pgettext and {% trans %} plurals stay Flask-Babel's."""
from flask_babel import get_locale, get_translations
from jinja2 import pass_context
from markupsafe import Markup

_MEMO: dict = {}
LOCALE = "_template_locale"  # the context variable holding the rendering's locale


def translated(message: str, locale=None) -> str:
    locale = locale or get_locale()
    # Keyed by the locale's parts: plain strings compare in C, a babel Locale through a Python __eq__.
    key = (locale.language, locale.territory, locale.script, message) if locale is not None else (message,)
    try:
        return _MEMO[key]
    except KeyError:
        _MEMO[key] = text = get_translations().ugettext(message)
        return text


@pass_context
def gettext(context, message: str, **variables) -> str:
    text = translated(message, context.get(LOCALE))
    if context.eval_ctx.autoescape:
        text = Markup(text)
    if not variables and "%" not in text:
        return text  # what `text % {}` gives
    return text % variables


def install(app) -> None:
    """After babel.init_app, which installed Flask-Babel's callables: replace the two that labels go through, and
    give each rendering the locale once (a macro imported without the context looks it up itself)."""
    app.jinja_env.globals.update(_=gettext, gettext=gettext)
    app.context_processor(lambda: {LOCALE: get_locale()})
