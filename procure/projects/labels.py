"""Labels shown on project pages: roles, audit actions, payment kinds, bid statuses, categories, grades."""

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from procure.projects.states import TRIGGER_LABELS

GRADE_LABELS = {"excellent": _l("优"), "good": _l("良"), "fair": _l("中"), "poor": _l("差")}
ROLE_LABELS = {
    "community": _l("社区工作人员"), "reviewer": _l("审核人员"), "bureau": _l("采购管理人员"),
    "provider": _l("承接主体"), "evaluator": _l("第三方评估机构"), "admin": _l("系统管理员"),
    "resident": _l("志愿者"),
}
COMMUNITY_CLASS_LABELS = {"mature": _l("成熟社区"), "urban_village": _l("城中村社区"),
                          "village_converted": _l("村改居社区"), "work_unit": _l("单位型社区"),
                          "no_property": _l("无物业社区")}
# Audit actions that are not state changes (those take their label from TRIGGER_LABELS).
ACTION_LABELS = {
    "create": _l("创建项目"), "edit": _l("修改项目申报"), "add_objection": _l("登记居民异议"),
    "file_objection": _l("居民在线提出异议"),
    "answer_objection": _l("答复居民异议"), "submit_bid": _l("提交响应文件"), "revise_bid": _l("修改响应文件"),
    "withdraw_bid": _l("撤回响应文件"), "file_challenge": _l("提出质疑"), "answer_challenge": _l("答复质疑"),
    "report_milestone": _l("报告节点完成情况"), "draw_evaluator": _l("随机抽取第三方评估机构"),
    "assign_evaluator": _l("指定第三方评估机构"), "recuse_evaluator": _l("评估机构回避"),
    "declare_conflict": _l("声明利益冲突情况"), "declare_personal": _l("评估人员本人声明利益冲突"), "record_payment": _l("登记付款"),
    "upload_attachment": _l("上传附件"),
    "log_service": _l("登记服务记录"), "confirm_milestone": _l("确认节点完成情况"),
    "request_payment": _l("申请付款"), "approve_payment_request": _l("批准付款申请"),
    "refuse_payment_request": _l("退回付款申请"),
    "publish_contract": _l("公开合同"), "amend_contract": _l("合同变更"),
    "appoint_panel_member": _l("指定评审小组成员"), "declare_panel_conflict": _l("评审成员声明回避"),
    "score_bid": _l("评审打分"), "publish_award_notice": _l("发布中标（成交）公告"),
    "judge_item": _l("评定验收内容"), "add_checklist_item": _l("补充验收内容"),
    "record_site_visit": _l("登记现场走访"), "confirm_acceptance": _l("社区确认验收"),
    "calendar_edit": _l("修改节假日日历"), "calendar_sync": _l("同步节假日日历"),
    "calendar_confirm": _l("确认全年放假安排"), "calendar_reopen": _l("撤销全年放假安排确认"),
    "add_project_skill": _l("添加项目所需技能"), "remove_project_skill": _l("删除项目所需技能"),
    "calendar_remove": _l("删除日历调整"), "credit_code_override": _l("确认统一社会信用代码"),
    "set_council_size": _l("登记议事会成员人数"),
    "set_credit_code": _l("设置统一社会信用代码"), "provider_evidence": _l("提交承接主体条件证明材料"),
    "verify_provider_requirement": _l("核验承接主体条件"),
    "verify_audit_chain": _l("校验操作记录"),
    "disable_user": _l("停用用户"), "enable_user": _l("启用用户"), "reset_password": _l("重置密码"),
    "unlock_user": _l("解除登录锁定"), "unlock_address": _l("解除地址登录锁定"), "login_locked": _l("登录失败次数过多，账号或地址被锁定"),
    "create_user": _l("创建用户"), "update_user": _l("修改用户"), "revoke_api_token": _l("撤销访问令牌"),
    "create_organisation": _l("创建机构"), "update_organisation": _l("修改机构信息"),
    # The volunteer system (entries without a project; /volunteers/audit)
    "register_volunteer": _l("登记志愿者"), "export_volunteers": _l("导出志愿者名册"),
    "publish_activity": _l("发布志愿活动"), "cancel_activity": _l("取消志愿活动"), "sign_up": _l("报名志愿活动"),
    "cancel_signup": _l("取消活动报名"), "volunteer_check_in": _l("志愿者签到"), "volunteer_check_out": _l("志愿者签退"),
    "volunteer_no_show": _l("记录志愿者缺席"), "request_correction": _l("申请更正服务时长"),
    "approve_correction": _l("同意更正服务时长"), "refuse_correction": _l("拒绝更正服务时长"),
    "expire_points": _l("积分到期失效"), "add_reward_item": _l("添加兑换物品"), "update_reward_item": _l("修改兑换物品"),
    "restock_reward_item": _l("兑换物品补充库存"), "redeem_reward": _l("兑换积分奖励"),
    "update_talent_profile": _l("修改人才库资料"), "add_professional_certificate": _l("添加职业资格证书"),
    "remove_professional_certificate": _l("删除职业资格证书"), "check_professional_certificate": _l("核验职业资格证书"),
    "admit_talent": _l("纳入社区人才库"), "withdraw_talent": _l("移出社区人才库"),
    "issue_certificate": _l("出具志愿者证书"),
}
PAYMENT_KIND_LABELS = {"advance": _l("预付款"), "milestone": _l("节点款"), "acceptance": _l("验收款"),
                       "final": _l("尾款"), "reward": _l("项目奖励"), "instalment": _l("进度款（未注明节点）")}
BID_STATUS_LABELS = {"submitted": _l("有效"), "withdrawn": _l("已撤回"), "awarded": _l("成交")}


def page_helpers():
    return {"ROLE_LABELS": ROLE_LABELS, "ACTION_LABELS": ACTION_LABELS, "PAYMENT_KIND_LABELS": PAYMENT_KIND_LABELS,
            "BID_STATUS_LABELS": BID_STATUS_LABELS, "action_label": action_label, "category_name": category_name,
            "get_locale": get_locale, "is_english": english}


def action_label(action: str) -> str:
    return str(TRIGGER_LABELS.get(action) or ACTION_LABELS.get(action) or action)


def english() -> bool:
    locale = get_locale()
    return bool(locale and locale.language == "en")


def category_name(category) -> str:
    if category is None:
        return ""
    name = category.name_en if english() and category.name_en else category.name
    return f"{category.code} {name}"
