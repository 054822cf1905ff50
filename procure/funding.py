"""The funding forms a project may take (资金支持形式), with their labels. Below the projects and the
catalogue, which both show them."""
from flask_babel import lazy_gettext as _l

FUNDING_FORMS = ("purchase", "subsidy", "reward")
FUNDING_FORM_LABELS = {"purchase": _l("项目购买"), "subsidy": _l("项目补贴"), "reward": _l("项目奖励")}
