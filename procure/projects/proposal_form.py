"""The proposal form page: blank budget rows dropped, categories grouped, refusals re-shown."""

from flask import current_app, render_template, request
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from procure.catalogue.models import category_tree
from procure.errors import InvalidInput
from procure.projects.guards import council_rules
from procure.projects.inputs import PROPOSAL_FIELDS
from procure.projects.labels import english


def without_blank_rows(formdata, prefix: str, keys: tuple[str, ...]) -> MultiDict:
    """Form data with the entirely empty rows of a `prefix-N-key` table dropped and the rest renumbered,
    so that a spare row left blank in the table does not count as input."""
    rows: dict[int, dict[str, list[str]]] = {}
    kept = MultiDict()
    for key, values in formdata.lists():
        parts = key.split("-", 2)
        if len(parts) == 3 and parts[0] == prefix and parts[1].isascii() and parts[1].isdigit():
            rows.setdefault(int(parts[1]), {})[parts[2]] = values
        else:
            kept.setlist(key, values)
    number = 0
    for index in sorted(rows):
        row = rows[index]
        if not any(v.strip() for k in keys for v in row.get(k, [])):
            continue
        for key, values in row.items():
            kept.setlist(f"{prefix}-{number}-{key}", values)
        number += 1
    return kept


def proposal_formdata():
    return without_blank_rows(request.form, "budget_lines", ("item", "amount"))


def category_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """Leaf categories grouped under their parents' names, for a select with optgroups."""
    label = (lambda node: node["name_en"] or node["name"]) if english() else (lambda node: node["name"])
    groups: list[tuple[str, list]] = []

    def walk(node, path):
        if not node["children"]:
            if not groups or groups[-1][0] != " › ".join(path):
                groups.append((" › ".join(path), []))
            groups[-1][1].append((node["code"], f"{node['code']} {label(node)}"))
            return
        for child in node["children"]:
            walk(child, [*path, label(node)])

    for root in category_tree():
        walk(root, [])
    return groups


def class_cap(community):
    return current_app.config["CLASS_CAPS"].get(community.community_class)


def render_proposal(form, project=None, error=None, status=200):
    community = project.community if project else current_user.organisation
    if not form.budget_lines.entries:
        form.budget_lines.append_entry()
    members = form.deliberation.form.members_total
    if members.data is None and not members.raw_data:  # the registered council, unless the user typed another
        members.data = community.members_total
    quorum, majority = council_rules(community)
    return render_template("projects/form.html", form=form, project=project, error=error,
                           categories=category_groups(), cap=class_cap(community),
                           council={"size": community.members_total, "quorum": str(quorum),
                                    "majority": str(majority)}), status


def refused_form(form_class, formdata, error):
    """The form again with the user's input and, for invalid input, the messages next to the fields."""
    form = form_class(formdata=formdata)
    if isinstance(error, InvalidInput):
        form.validate()
    return form


def proposal_data(project) -> dict:
    meeting = project.deliberation
    return {
        "category": project.category_code,
        **{name: getattr(project, name) for name in PROPOSAL_FIELDS},
        "budget_lines": [{"item": line.item, "amount": line.amount} for line in project.budget_lines],
        "deliberation": {} if meeting is None else {
            "held_on": meeting.held_on, "members_total": meeting.members_total,
            "members_present": meeting.members_present, "votes_for": meeting.votes_for,
            "votes_against": meeting.votes_against, "minutes": meeting.minutes},
    }
