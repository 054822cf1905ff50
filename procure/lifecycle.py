"""The lifecycle core: fire a trigger, and which triggers a user may fire now; the guards and effects each
stage adds (procure.stages) are kept here by trigger. It knows no stage, so any stage may import it, and the
stages take `validated` and `flush` (procure.changes) from here."""
from procure.audit.log import record
from procure.changes import check_version, flush, validated
from procure.errors import GuardFailed, Reason
from procure.projects.inputs import TRIGGER_FORMS
from procure.projects.models import Project
from procure.projects.permissions import authorize_trigger, relations
from procure.projects.states import TRANSITIONS, triggers_from
from procure.projects.workflow import Workflow

COMMENT_KEYS = ("comment", "reason", "summary", "findings", "response", "report")

# trigger → guards, each `guard(project, data=None) -> list[Reason]`; `data` is None when a page only asks
# whether the trigger is possible now, and checks on the input are then skipped.
GUARDS: dict[str, list] = {}
# trigger → effects, each `effect(project, user, data)`: what the trigger writes besides the state.
EFFECTS: dict[str, list] = {}


def register(guards: dict[str, list], effects: dict[str, list]) -> None:
    """Add a stage's guards and effects after those of the stages added before it. Adding the same
    function again changes nothing (each app the process creates registers the stages)."""
    for table, added in ((GUARDS, guards), (EFFECTS, effects)):
        for trigger, functions in added.items():
            if trigger not in TRANSITIONS:
                raise ValueError(f"no trigger {trigger!r} in procure.projects.states.TRANSITIONS")
            listed = table.setdefault(trigger, [])
            listed.extend(function for function in functions if function not in listed)


def reasons_against(trigger, project, data=None) -> list[Reason]:
    return [reason for guard in GUARDS.get(trigger, []) for reason in guard(project, data)]


def action_options(user, project) -> list[tuple[str, list]]:
    """(trigger, reasons) for each trigger this user's part allows from the current state;
    an empty reason list means the trigger can be fired now (given valid input)."""
    parts = relations(user, project)
    return [(trigger, reasons_against(trigger, project))
            for trigger in triggers_from(project.state) if TRANSITIONS[trigger][2] & parts]


def available_triggers(user, project) -> list[str]:
    return [trigger for trigger, reasons in action_options(user, project) if not reasons]


def funding_form_is(form, code, message):
    """A guard: the trigger belongs to one funding form (purchase, subsidy or reward)."""
    def guard(project, data=None):
        return [] if project.funding_form == form else [Reason(code, message)]
    return guard


def fire(project: Project, trigger: str, user, formdata, version) -> Project:
    """Fire `trigger`: role and record, state, input, version, guards; then change and audit."""
    authorize_trigger(user, project, trigger)
    data = validated(TRIGGER_FORMS[trigger], formdata)
    check_version(project, version)
    reasons = reasons_against(trigger, project, data)
    if reasons:
        raise GuardFailed(reasons)
    before = project.state
    for effect in EFFECTS.get(trigger, []):
        effect(project, user, data)
    after = Workflow(project).run(trigger)
    comment = next((data[k] for k in COMMENT_KEYS if data.get(k)), "")
    record(project, user, trigger, from_state=before, to_state=after, comment=comment, data=data)
    flush()
    return project
