"""What the proposal and its review add to the lifecycle: the guards of publishing, submitting and approving
(procure.projects.guards), and what publishing and approving write."""
from procure import clock
from procure.projects.guards import approve_checks, content_reasons, notice_over


def _publish_notice(project, user, data):
    project.notice_published_on = clock.today()


def _approve(project, user, data):
    project.approved_amount = data["approved_amount"]
    project.negative_list_checked_at = clock.now()  # the guard has made sure the reviewer confirmed it


GUARDS = {"publish_notice": [content_reasons], "submit": [notice_over], "resubmit": [content_reasons],
          "approve": [approve_checks]}
EFFECTS = {"publish_notice": [_publish_notice], "approve": [_approve]}
