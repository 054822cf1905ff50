"""The talent part of the project page: the skills a micro-project needs and the admitted talent of its
community that has them, for that community's staff only."""
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from procure.projects.page_forms import page_form
from procure.talent import operations
from procure.talent.inputs import ProjectSkillForm
from procure.volunteers.skills import skill_label

# (anchor on the project page, label in its task links, the form keys that make the link appear)
SECTION = ("talent", _l("所需技能与人才"), ("add_project_skill",))


def page_part(user, project, parts, failed) -> tuple[dict, dict]:
    """(forms keyed as on the page, extra template context) for `user` on `project`."""
    if "community" not in parts:
        return {}, {"talent_part": None}
    pid = project.id
    skills = operations.project_skills(project)
    forms = {"add_project_skill": page_form("add_project_skill", ProjectSkillForm,
                                            url_for("talent.add_project_skill", project_id=pid), failed,
                                            title=_("添加所需技能")),
             "remove_project_skill": {s.id: page_form(f"remove_project_skill:{s.id}", None,
                                                      url_for("talent.remove_project_skill", project_id=pid,
                                                              skill_id=s.id), failed)
                                      for s in skills}}
    context = {"talent_part": {
        "skills": [{"id": s.id, "key": s.skill, "label": skill_label(s.skill)} for s in skills],
        "matches": operations.matching_talent(project, skills),
        "limit": operations.MATCH_LIMIT,
    }}
    return forms, context
