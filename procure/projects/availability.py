"""What a user can do on a project now, and why the rest is not possible yet."""
from procure.lifecycle import reasons_against
from procure.projects.permissions import relations
from procure.projects.states import TRANSITIONS, triggers_from


def action_options(user, project) -> list[tuple[str, list]]:
    """(trigger, reasons) for each trigger this user's part allows from the current state;
    an empty reason list means the trigger can be fired now (given valid input)."""
    parts = relations(user, project)
    return [(trigger, reasons_against(trigger, project))
            for trigger in triggers_from(project.state) if TRANSITIONS[trigger][2] & parts]


def available_triggers(user, project) -> list[str]:
    return [trigger for trigger, reasons in action_options(user, project) if not reasons]
