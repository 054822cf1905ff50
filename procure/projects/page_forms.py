"""A form on a project's page: blank, with defaults, or as a refused submission left it, with the reason."""
from dataclasses import dataclass, field

from flask import flash, redirect, request
from werkzeug.datastructures import MultiDict

from procure.errors import GuardFailed, InvalidInput, Refusal
from procure.extensions import db
from procure.projects.proposal_form import refused_form


@dataclass
class Failed:
    """A refused submission: which form on the page, what the user sent, and why it was refused."""

    key: str
    formdata: MultiDict
    error: Refusal

    @property
    def reasons(self) -> list[str]:
        return [r.message for r in self.error.reasons] if isinstance(self.error, GuardFailed) else []

    @property
    def other_errors(self) -> list[str]:
        """Input errors that belong to no field shown (for instance a missing version)."""
        if not isinstance(self.error, InvalidInput):
            return []
        return [f"{key}: {message}" for key, messages in self.error.fields.items() if key in ("version", "_body")
                for message in (messages if isinstance(messages, list) else [messages])]


@dataclass
class PageForm:
    key: str
    form: object
    url: str
    choices: dict = field(default_factory=dict)
    failed: Failed | None = None
    title: str = ""
    extra: dict = field(default_factory=dict)


def page_form(key, form_class, url, failed, data=None, **extra) -> PageForm:
    """A form on the project page: blank or with defaults, or as the user sent it when it was refused."""
    mine = failed if failed is not None and failed.key == key else None
    if form_class is None:
        form = None
    elif mine:
        form = refused_form(form_class, mine.formdata, mine.error)
    else:
        form = form_class(data=data or {})
    return PageForm(key, form, url, failed=mine, **extra)


def act_on_page(load, key, action, success, page, back, formdata=None):
    """Load the subject, run `action(subject, formdata)`, commit and go to `back`; on a refusal roll back and
    show `page(subject, failed)` again with the form as the user filled it and the reason, with its status."""
    subject = load()
    formdata = formdata if formdata is not None else MultiDict(request.form)
    try:
        action(subject, formdata)
        db.session.commit()
    except Refusal as error:
        db.session.rollback()
        return page(load(), Failed(key, formdata, error)), error.status
    flash(success, "success")
    return redirect(back)
