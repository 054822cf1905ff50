"""The <option>s of a <select>, written in Python: a template loop costs milliseconds a page for the hundreds of
communities or firms of a city, where this joins one cached string. Templates call `select_options(pairs,
chosen)` (registered by init_app)."""
from functools import lru_cache

from markupsafe import Markup, escape


def select_options(options, chosen=None) -> Markup:
    """<option value="…">text</option> for each (value, text) of `options`, the one whose value reads as `chosen`
    selected (values and the choice compared as text, as a query string gives them)."""
    html = _options(tuple((str(value), str(text)) for value, text in options))
    if chosen is not None and chosen != "":
        value = escape(str(chosen))
        html = html.replace(f'<option value="{value}">', f'<option value="{value}" selected>', 1)
    return Markup(html)


@lru_cache(maxsize=256)
def _options(pairs: tuple) -> str:
    return "".join(f'<option value="{escape(value)}">{escape(text)}</option>' for value, text in pairs)


def init_app(app) -> None:
    app.jinja_env.globals["select_options"] = select_options
