"""The survey's questions: a few, in plain Chinese, the same for every project."""
from flask_babel import lazy_gettext as _l

# The five-point scale, best first; the stored answer is the code, the label is what residents read.
SCALE = (
    ("very_satisfied", _l("非常满意")),
    ("satisfied", _l("满意")),
    ("neutral", _l("一般")),
    ("dissatisfied", _l("不满意")),
    ("very_dissatisfied", _l("非常不满意")),
)
# The overall answers that count as satisfied in the satisfaction rate.
SATISFIED = ("very_satisfied", "satisfied")
YES_NO = (("yes", _l("希望继续")), ("no", _l("不需要继续")))
COMMENT_MAX = 500

# (key, question, kind, options, required). Kinds: choice (options), text (free, private).
QUESTIONS = (
    ("overall", _l("您对本项目服务的总体满意程度？"), "choice", SCALE, True),
    ("quality", _l("您对服务质量（服务人员的态度和专业水平）是否满意？"), "choice", SCALE, False),
    ("timeliness", _l("您对服务的及时性和便利程度是否满意？"), "choice", SCALE, False),
    ("wants_continue", _l("您是否希望这项服务继续开展？"), "choice", YES_NO, False),
    ("comment", _l("您的意见和建议（选填，仅社区、民政局和评估机构可见，不会公开）"), "text", (), False),
)
CHOICE_QUESTIONS = tuple(q for q in QUESTIONS if q[2] == "choice")
