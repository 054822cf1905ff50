"""A filter's choice among many organisations: a <select> while the choices are few, past SELECT_OPTIONS_LIMIT a
search box whose suggestions (a <datalist>) the browser fetches when the box is first used, so that a city's
hundreds of communities are not sent with every page. The box takes a name (or part of one); the server finds
the organisation among the same choices (`resolve`). Templates: `_choice.html`."""
from dataclasses import dataclass, field

from flask import current_app, jsonify

from procure.database import MAX_ID

SHOWN_CANDIDATES = 10  # names offered when a typed name fits several


@dataclass
class Picked:
    """What a filter's value chose: `id` when it names one choice; otherwise `text` as typed and the choices it
    fits (none: no such name; several: it is ambiguous)."""

    id: int | None = None
    text: str = ""
    candidates: list = field(default_factory=list)  # (id, label), at most SHOWN_CANDIDATES


def labels(choices) -> list[tuple[int, str]]:
    """(id, label) of each (id, name): the name, or the name and id where two choices share a name."""
    seen: dict[str, int] = {}
    for _id, name in choices:
        seen[name] = seen.get(name, 0) + 1
    return [(id_, name if seen[name] == 1 else f"{name}（{id_}）") for id_, name in choices]


def resolve(value, choices) -> Picked | None:
    """The choice a query-string value names: an id (kept whether or not among the choices, for the caller to
    refuse), an exact label, or a unique part of one. None when the value is empty. `choices` may be a function
    that reads them: only a name needs them."""
    text = (value or "").replace("\x00", "").strip()[:100]
    if not text:
        return None
    if text.isascii() and text.isdigit():
        number = int(text)
        return Picked(id=number) if 0 < number <= MAX_ID else Picked(text=text)
    found = labels(choices() if callable(choices) else choices)
    exact = [id_ for id_, label in found if label == text]
    if exact:
        return Picked(id=exact[0], text=text)
    fitting = [(id_, label) for id_, label in found if text in label]
    if len(fitting) == 1:
        return Picked(id=fitting[0][0], text=text)
    return Picked(text=text, candidates=fitting[:SHOWN_CANDIDATES])


def as_box(choices) -> bool:
    """Whether the choices are too many for a <select>."""
    return len(choices) > current_app.config["SELECT_OPTIONS_LIMIT"]


def chosen_label(choices, chosen) -> str:
    """The label of the chosen id (the box shows it); the id itself when it is none of the choices."""
    if not chosen:
        return ""
    return next((label for id_, label in labels(choices) if id_ == chosen), str(chosen))


def suggestions(choices, public: bool):
    """The JSON a box fetches its suggestions from: the labels of `choices`, kept by the browser as long as the
    server keeps the choices (FILTER_OPTIONS_CACHE_SECONDS), by every cache when `public`."""
    response = jsonify(options=[label for _id, label in labels(choices)])
    response.cache_control.max_age = current_app.config["FILTER_OPTIONS_CACHE_SECONDS"]
    if public:
        response.cache_control.public = True
    else:
        response.cache_control.private = True
    return response


def init_app(app) -> None:
    app.jinja_env.globals.update(picker_as_box=as_box, picker_label=chosen_label)
