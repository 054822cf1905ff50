"""The lifecycle as a `transitions` state machine, built around one project only when it acts."""
from transitions import Machine, MachineError

from procure.projects.states import TRANSITIONS, State

_STATES = [s.value for s in State]
_TRANSITIONS = [{"trigger": trigger, "source": sources, "dest": dest}
                for trigger, (sources, dest, _) in TRANSITIONS.items()]


class Workflow:
    """Wraps a Project: the machine lives here, not on the ORM class (see STYLE.md)."""

    def __init__(self, project):
        self.project = project
        Machine(model=self, states=_STATES, transitions=_TRANSITIONS, initial=project.state,
                auto_transitions=False, after_state_change="_store_state")

    def _store_state(self):
        self.project.state = self.state

    def run(self, trigger: str) -> str:
        try:
            self.trigger(trigger)
        except MachineError as error:  # the caller checked the source state; this is a safety net
            raise ValueError(str(error)) from error
        return self.state
