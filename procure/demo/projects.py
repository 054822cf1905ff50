"""The demo"s micro-projects: what each community asked for, and how far each has come.

Each entry says where the project stands (`state`) and how many days ago its last step happened
(`days_ago`); the loader works out when its story must have started. Together they cover every state
of the lifecycle and all three funding forms.
"""
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

EXCELLENT = {"decision": "95", "implementation": "93", "output": "94", "effect": "92"}
GOOD = {"decision": "90", "implementation": "85", "output": "84", "effect": "83"}
FAIR = {"decision": "82", "implementation": "75", "output": "66", "effect": "70"}
POOR = {"decision": "70", "implementation": "55", "output": "45", "effect": "40"}


@dataclass(frozen=True)
class ProjectSpec:
    title: str
    community: str  # key in organisations.COMMUNITIES
    funding_form: str
    amount: str  # yuan asked for (kept within the community class"s cap)
    category: str  # leaf of the service-category tree
    state: str  # where the project stands now
    days_ago: int  # how long ago its last step happened (at least 1)
    needs: str
    beneficiaries: str
    goals: str
    location: str
    budget: tuple  # (item, percent of the amount); the last line takes the rounding
    provider: str | None = None  # the winning bidder or the subsidy"s implementer (organisations.PROVIDERS)
    method: str = "competitive_consultation"
    tender_days: int | None = None  # calendar days the tender stays open (default: 10, or 20 for 招标)
    approved: str | None = None  # approved amount, when the reviewer cut the budget
    approve_comment: str = "需求真实，预算合理，符合购买服务目录，同意立项。"
    returned: str | None = None  # the reviewer"s request for revision (then resubmitted, unless it is the state)
    reason: str | None = None  # why it was rejected, withdrawn or cancelled
    summary: str | None = None  # the completion report
    rectification: tuple | None = None  # (the evaluator"s findings, the implementer"s response)
    second_round: tuple | None = None  # re-acceptance failed: (the second round"s findings, the response)
    assignment: str | None = None  # the bureau picked the evaluation firm by hand, for this written reason
    late_conflict: str | None = None  # the drawn firm declared a conflict after acceptance began (then redrawn)
    scores: dict | None = None  # performance scores by first-level indicator
    objection: tuple | None = None  # (a resident"s objection during the notice, resident, answer or None)
    challenge: tuple | None = None  # (a losing bidder"s challenge to the award, the bureau"s answer)
    # A purchase"s service as the tender asks for it and the contract states it:
    # (service content, quantity targets, quality targets, one service session as the ledger names it).
    terms: tuple | None = None
    late: tuple = ()  # what the bureau did late: "award_notice", "contract" (published), "unpublished" (not yet)
    # Extra actions once in its state (timeline.OP_WAITS): "bid", "panel", "score", "midterm", "midterm_request",
    # "amend", "draw", "inspect", "survey", "survey_some", "sheets_partial", "sheets_divergent".
    after: tuple = ()
    # When the project begins to buy from its catalogue (open the tender, sign the agreement, claim the reward):
    # the loader's plan sets it (timeline.plan), so that the story waits in its catalogue until then.
    buy_at: datetime | None = None


def budget_lines(spec: ProjectSpec, amount: Decimal) -> list[dict]:
    lines, left = [], amount
    for position, (item, percent) in enumerate(spec.budget):
        if position == len(spec.budget) - 1:
            share = left
        else:
            share = (amount * percent / 100).quantize(Decimal("1"))
        lines.append({"item": item, "amount": str(share)})
        left -= share
    return lines


PROJECTS = [
    # ---- 幸福里社区 (community1, 成熟社区) --------------------------------------------------------------
    ProjectSpec(
        "幸福里社区长者助餐服务", "xingfuli", "purchase", "45000.00", "A0101", "closed", 40,
        needs="社区60岁以上老人1,860人，其中独居、空巢老人312人，80岁以上高龄老人146人。入户走访和居民议事会反映，"
              "高龄和行动不便老人“做饭难、吃饭难”问题突出，社区周边没有老年食堂。",
        beneficiaries="直接受益：辖区高龄、独居及失能半失能老人约150人；间接受益：老人家属及照护者约400人。",
        goals="依托社区老年食堂开展助餐服务，工作日每天供应午餐，为行动不便老人送餐上门；累计供餐不少于3万人次，"
              "老人满意度达到90%以上。",
        location="幸福里社区党群服务中心一楼老年食堂",
        budget=(("餐食补贴（每餐4元）", 55), ("送餐人员劳务及交通", 25), ("食品安全检测及保险", 8),
                ("宣传及台账资料", 4), ("项目管理费", 8)),
        provider="leling", scores=EXCELLENT,
        late_conflict="经本机构利益冲突内部复核，本机构控股股东上月与承接方××市青山区乐龄居家养老服务中心签订了养老服务"
                      "信息化咨询合同，存在经济利益关系。现补充声明并申请回避，本机构尚未出具任何验收意见。",
        objection=("送餐服务能不能覆盖到5号楼以北的老旧楼栋？那边老人下楼最不方便。", "5号楼住户 李女士",
                   "已将北区老旧楼栋纳入送餐范围，并在实施方案中增加一名送餐员。"),
        summary="全年工作日供餐248天，累计供餐3.2万人次，其中送餐上门1.1万人次；建立老人用餐档案152份，"
                "满意度测评94.6%。",
        terms=("依托社区老年食堂为辖区高龄、独居及失能半失能老人提供工作日午餐供应和送餐上门服务，建立老人用餐档案和服务台账。",
               "工作日每天供应午餐，累计供餐不少于3万人次，其中送餐上门不少于1万人次；建立老人用餐档案不少于150份。",
               "餐食符合食品安全标准，留样检测合格率100%，按时送达率不低于95%，老人满意度不低于90%。",
               "老年食堂午餐供应及送餐上门"),
        method="open_tender"),
    ProjectSpec(
        "幸福里社区“四点半课堂”课后托管", "xingfuli", "subsidy", "30000.00", "A0102", "in_delivery", 20,
        needs="社区双职工家庭多，小学生放学后到家长下班前约两小时无人看护；家长问卷中87%希望社区提供课后托管。",
        beneficiaries="直接受益：辖区小学1–4年级学生60名；间接受益：学生家庭约60户。",
        goals="学期内每周一至周五16:30–18:30开展作业辅导、阅读和手工活动，全年不少于160次，家长满意度90%以上。",
        location="幸福里社区党群服务中心二楼活动室",
        budget=(("辅导老师及社工劳务", 60), ("学习及活动用品", 15), ("学生意外保险", 5),
                ("志愿者交通及餐费补贴", 12), ("项目管理费", 8)),
        provider="tongxin"),
    ProjectSpec(
        "幸福里社区楼道微更新居民议事", "xingfuli", "reward", "12000.00", "A0201", "notice", 1,
        needs="社区老旧楼栋楼道堆物、照明不足、墙面破损，居民多次反映却难以形成一致意见，需要通过楼栋议事会"
              "引导居民共商共治。",
        beneficiaries="直接受益：12个楼栋居民约480户；间接受益：全体社区居民约3,200人。",
        goals="组织楼栋议事会不少于24场，形成12份楼道公约和微更新方案，动员居民志愿者参与清理楼道堆物。",
        location="幸福里社区1–12号楼",
        budget=(("议事会组织及场地布置", 30), ("楼道公约印制及宣传", 20), ("居民志愿者保险及补贴", 25),
                ("专业社工指导", 25)),
        objection=("楼道公约由谁来监督执行？希望明确物业和楼栋长各自的分工。", "8号楼住户 王先生", None)),
    ProjectSpec(
        "幸福里社区垃圾分类督导", "xingfuli", "purchase", "28000.00", "A0402", "draft", 3,
        needs="社区垃圾分类准确率约65%，厨余垃圾混投较多，早晚投放高峰缺少督导人员。",
        beneficiaries="直接受益：社区居民约1,100户；间接受益：周边商户及环卫工人。",
        goals="在8个投放点开展早晚高峰定时督导，组织分类宣传活动12场，半年后分类准确率提高到85%以上。",
        location="幸福里社区8个垃圾分类投放点",
        budget=(("督导员劳务", 60), ("宣传物料及培训", 15), ("积分兑换奖品", 15), ("项目管理费", 10))),
    ProjectSpec(
        "幸福里社区邻里节", "xingfuli", "reward", "15000.00", "A0203", "evaluated", 12,
        needs="社区新老居民交往少，邻里之间“对门不相识”，居民议事会提议以邻里节为载体增进邻里感情。",
        beneficiaries="直接受益：参加活动的居民约800人次；间接受益：社区全体居民。",
        goals="举办百家宴、邻里市集、才艺展示等系列活动5场，培育邻里互助小组3个。",
        location="幸福里社区中心广场",
        budget=(("场地布置及物料", 35), ("文艺演出及器材租赁", 25), ("邻里市集及百家宴组织", 25),
                ("宣传及摄影记录", 15)),
        scores=GOOD,
        summary="社区自主组织邻里节系列活动5场，参与居民860人次，新成立邻里互助小组3个，申请项目奖励。"),
    ProjectSpec(
        "幸福里社区“时间银行”互助养老", "xingfuli", "subsidy", "20000.00", "A0202", "returned", 5,
        needs="社区低龄老人和热心居民愿意帮助高龄独居老人，但缺少组织和激励，志愿服务难以持续。",
        beneficiaries="直接受益：高龄独居老人约80人、参与志愿者约60人；间接受益：志愿者和老人家庭。",
        goals="建立“时间银行”互助平台，志愿服务时长可存储、可兑换，全年提供陪伴、代购、助洁等服务不少于2,000小时。",
        location="幸福里社区",
        budget=(("志愿者招募与培训", 30), ("志愿者意外保险", 15), ("时间银行积分兑换物资", 35),
                ("项目管理及台账", 20)),
        returned="请补充志愿服务时长的记录方式和兑换规则，并细化志愿者保险费用的测算依据。"),
    ProjectSpec(
        "幸福里社区健康义诊进社区", "xingfuli", "purchase", "18000.00", "A0501", "under_acceptance", 2,
        needs="社区慢性病老人多，到医院排队挂号不便，不少老人对高血压、糖尿病的日常管理知识了解不足。",
        beneficiaries="直接受益：社区慢病老人约300人；间接受益：参加健康讲座的居民约600人次。",
        goals="每月开展1次义诊和1次健康讲座，为300名老人建立健康档案，免费检测血压、血糖。",
        location="幸福里社区卫生服务站及党群服务中心",
        budget=(("医护人员劳务", 45), ("检测耗材", 25), ("健康宣传资料", 15), ("项目管理费", 15)),
        provider="yikang", after=("inspect",),
        summary="开展义诊12次、健康讲座12场，建立健康档案316份，免费检测血压血糖2,140人次。",
        terms=("组织医护人员每月进社区开展义诊和健康讲座，为慢病老人建立健康档案，免费检测血压、血糖。",
               "义诊12次、健康讲座12场，建立健康档案不少于300份，血压血糖检测不少于2,000人次。",
               "医护人员持有效执业证书，检测数据当场告知本人并录入健康档案，参与居民满意度不低于90%。",
               "社区义诊及血压血糖检测")),

    # ---- 和平社区 (community2, 城中村社区) --------------------------------------------------------------
    ProjectSpec(
        "和平社区流动人口融入服务", "heping", "purchase", "38000.00", "A0203", "tendering", 1,
        needs="社区为城中村社区，外来务工人员及家属约4,600人，占常住人口六成以上，社区参与少，子女教育和就业"
              "信息获取难。",
        beneficiaries="直接受益：新市民家庭约300户；间接受益：社区全体居民约7,200人。",
        goals="开设新市民服务驿站，提供政策咨询、技能培训和子女教育指导，组织融入活动20场，培育新市民志愿者骨干30名。",
        location="和平社区新市民服务驿站",
        budget=(("社工及专业人员劳务", 50), ("技能培训及讲座", 20), ("融入活动组织", 18), ("项目管理费", 12)),
        provider="sunshine", tender_days=15, after=("bid",),
        terms=("开设新市民服务驿站，为外来务工人员及家属提供政策咨询、技能培训和子女教育指导，组织社区融入活动，培育新市民志愿者骨干。",
               "政策咨询不少于500人次，技能培训10期，融入活动20场，培育新市民志愿者骨干30名。",
               "服务对象建档率100%，技能培训合格率不低于85%，服务对象满意度不低于90%。",
               "新市民驿站政策咨询及技能培训")),
    ProjectSpec(
        "和平社区出租屋消防安全宣传", "heping", "purchase", "18000.00", "A0401", "accepted", 1,
        needs="社区出租屋1,200余间，群租、电动自行车入户充电等消防隐患突出，租户消防安全意识薄弱。",
        beneficiaries="直接受益：出租屋租户约2,500人、房东约300户；间接受益：社区全体居民。",
        goals="入户宣传覆盖全部出租屋，组织消防演练4场、房东培训2场，发放家用灭火器使用指引。",
        location="和平社区出租屋集中片区",
        budget=(("入户宣传人员劳务", 45), ("宣传资料印制", 20), ("消防演练组织", 20), ("项目管理费", 15)),
        provider="neighbour", after=("sheets_partial", "survey_some"),
        rectification=("入户宣传记录中有28户缺少住户签字确认，消防演练的照片和签到资料不全。",
                       "已补录入户宣传签字确认，补充了4场演练的影像资料和签到表。"),
        summary="入户宣传出租屋1,236间，组织消防演练4场、房东培训2场，排查整改隐患57处。",
        terms=("对社区全部出租屋开展入户消防安全宣传，组织消防演练和房东培训，排查电动自行车入户充电等隐患并跟踪整改。",
               "入户宣传覆盖出租屋不少于1,200间，消防演练4场，房东培训2场，建立隐患排查台账。",
               "入户宣传记录有住户签字确认，发现的隐患100%登记并反馈社区，租户消防知识知晓率不低于85%。",
               "出租屋入户消防安全宣传"),
        late=("contract",)),
    ProjectSpec(
        "和平社区青少年寒暑假托管", "heping", "subsidy", "25000.00", "A0102", "submitted", 6,
        needs="寒暑假期间社区外来务工家庭子女无人看管，存在溺水、交通等安全风险。",
        beneficiaries="直接受益：6–14岁儿童青少年80名；间接受益：其家庭约70户。",
        goals="寒暑假开设托管班共10周，提供作业辅导、安全教育和兴趣课程，全程零安全事故。",
        location="和平社区青少年活动室",
        budget=(("辅导老师及大学生志愿者补贴", 55), ("课程及活动材料", 20), ("儿童意外保险", 10), ("项目管理费", 15)),
        provider="youth",
        returned="请说明托管场地的消防和安全条件，并补充志愿者的资质要求和培训安排。"),
    ProjectSpec(
        "和平社区“和事佬”矛盾纠纷调解", "heping", "reward", "16000.00", "A0204", "closed", 30,
        needs="城中村房屋租赁、邻里噪音、停车等纠纷多发，社区调解力量不足。",
        beneficiaries="直接受益：纠纷当事人约150户；间接受益：社区居民约7,200人。",
        goals="组建由老党员、楼栋长组成的“和事佬”调解队，全年调解纠纷不少于100件，调解成功率85%以上。",
        location="和平社区人民调解室",
        budget=(("调解员补贴", 50), ("法律顾问咨询", 25), ("培训及宣传", 15), ("台账及办公耗材", 10)),
        scores=dict(GOOD, output="80"),
        summary="“和事佬”调解队调解纠纷86件，成功74件，调解成功率86%，申请项目奖励。"),

    # ---- 明德街道的其他社区 ----------------------------------------------------------------------------
    ProjectSpec(
        "南门村社区外来务工人员子女“小候鸟”关爱服务", "nanmen", "purchase", "32000.00", "A0102", "awarded", 1,
        needs="社区外来务工家庭子女约260名，父母工作时间长，孩子放学后和假期缺少看护和学业辅导。",
        beneficiaries="直接受益：外来务工家庭子女约120名；间接受益：其家庭约100户。",
        goals="开展课业辅导、安全教育和亲子活动，全年服务不少于3,000人次，为困境儿童建立个案档案20份。",
        location="南门村社区儿童之家",
        budget=(("社工及辅导人员劳务", 55), ("活动材料", 15), ("亲子活动组织", 15), ("项目管理费", 15)),
        provider="youth",
        challenge=("成交结果中我方服务方案得分偏低，请求公布各评审因素得分并复核。",
                   "经复核，磋商小组评分程序及各评审因素得分符合磋商文件规定，质疑不成立，已书面告知质疑供应商。"),
        terms=("为外来务工家庭子女开展课后课业辅导、安全教育和亲子活动，为困境儿童建立个案档案并跟踪服务。",
               "全年服务不少于3,000人次，亲子活动不少于8场，困境儿童个案档案20份。",
               "辅导人员具备相应资质并经背景审查，服务全程零安全事故，家长满意度不低于90%。",
               "课后课业辅导及安全教育")),
    ProjectSpec(
        "纺织厂社区退休职工互助养老", "fangzhi", "subsidy", "35000.00", "A0101", "closed", 55,
        needs="社区为原纺织厂职工宿舍区，退休职工占居民近一半，80岁以上老人212人，子女多在外地，日常照料缺口大。",
        beneficiaries="直接受益：高龄退休职工约200人；间接受益：其家庭约180户。",
        goals="组织低龄老人与高龄老人结对，提供探访、代购、助洁服务，全年上门服务不少于4,000人次。",
        location="纺织厂社区老年活动中心",
        budget=(("结对互助员补贴", 45), ("专业社工督导", 25), ("服务耗材", 15), ("项目管理费", 15)),
        provider="leling", scores=dict(EXCELLENT, output="96"),
        rectification=("结对探访记录存在代签情况，部分服务对象回访无法核实。",
                       "已逐户回访核实服务记录，作废代签记录12份，补充视频回访资料。"),
        second_round=("复核发现补充的视频回访资料仅覆盖30户，仍有22户结对服务记录无法核实，整改未完全到位。",
                      "已对其余22户逐户上门回访并由服务对象签字确认，补充结对服务核查表，建立每月抽查回访制度。"),
        summary="组建结对互助小组52个，上门服务4,360人次，高龄老人回访满意度96%。"),
    ProjectSpec(
        "老街社区无物业小区居民自治", "laojie", "purchase", "26000.00", "A0201", "contracted", 12,
        needs="社区内7个老旧小区无物业管理，环境卫生、车辆停放无人管理，居民自治意识有待培育。",
        beneficiaries="直接受益：7个无物业小区居民约900户；间接受益：社区全体居民。",
        goals="指导7个小区成立居民自管小组，制定小区自治公约，建立场地自治、活动自治、事务自治的工作机制。",
        location="老街社区7个无物业小区",
        budget=(("社工驻点指导劳务", 50), ("议事会及培训组织", 20), ("自治公约印制及宣传", 15), ("项目管理费", 15)),
        provider="tongxin",
        terms=("派驻社工指导7个无物业小区成立居民自管小组，协助制定小区自治公约，建立场地、活动和事务自治机制。",
               "成立居民自管小组7个，制定自治公约7份，组织居民议事会不少于28场，培育自治骨干不少于35名。",
               "自治公约经小区居民会议表决通过，议事会记录完整，居民对小区自治的满意度不低于85%。",
               "无物业小区居民议事会"),
        late=("unpublished",)),
    ProjectSpec(
        "老街社区智能门禁及监控设备购置", "laojie", "purchase", "48000.00", "A0401", "rejected", 25,
        needs="无物业小区出入口无人值守，外来人员随意进出，居民安全感不足。",
        beneficiaries="直接受益：小区居民约900户。",
        goals="在7个小区出入口安装智能门禁和监控设备。",
        location="老街社区7个无物业小区出入口",
        budget=(("门禁设备", 50), ("监控设备", 35), ("安装调试", 15)),
        reason="申报内容为门禁、监控设备的购置和安装，属于货物和工程，列入政府购买服务负面清单，不予通过；"
               "建议通过老旧小区改造资金渠道解决。"),
    ProjectSpec(
        "金桂苑社区残疾人康复陪伴", "jingui", "purchase", "36000.00", "A0103", "delivered", 6,
        needs="社区持证残疾人143人，其中重度残疾人38人，长期居家，缺少康复训练和社会交往。",
        beneficiaries="直接受益：重度及居家残疾人40人；间接受益：残疾人家庭照护者约40人。",
        goals="为40名居家残疾人每月提供2次上门康复陪伴，组织社区融合活动6场，为照护者提供喘息服务10次。",
        location="金桂苑社区残疾人之家及服务对象家中",
        budget=(("康复师及社工上门服务", 60), ("康复辅具租用", 15), ("融合活动组织", 10), ("项目管理费", 15)),
        provider="sunshine", after=("draw",),
        summary="上门康复陪伴960人次，开展融合活动6场、喘息服务12次，服务对象功能评估改善率72%。",
        terms=("为居家重度残疾人提供上门康复训练和陪伴服务，组织社区融合活动，为家庭照护者提供喘息服务。",
               "服务居家残疾人40名，每人每月上门2次（全年不少于960人次），融合活动6场，喘息服务10次。",
               "康复师持相应资格证书，每名服务对象有康复评估和服务计划，功能评估改善率不低于60%。",
               "上门康复训练及陪伴")),
    ProjectSpec(
        "金桂苑社区“百姓健身团”科学健身", "jingui", "reward", "10000.00", "A0302", "cataloged", 9,
        needs="社区居民自发组建的健身队伍多，但缺少专业指导，运动损伤时有发生。",
        beneficiaries="直接受益：6支居民健身队约260人；间接受益：社区居民。",
        goals="邀请社会体育指导员每周开展指导，举办社区运动会1场。",
        location="金桂苑社区健身广场",
        budget=(("社会体育指导员补贴", 50), ("运动会组织", 30), ("器材维护及保险", 20))),
    ProjectSpec(
        "金桂苑社区工作者议事协商能力培训", "jingui", "purchase", "30000.00", "B0201", "notice", 3,
        needs="街道社区工作者中近三年新入职人员占40%，群众工作、议事协商和项目管理能力不足。",
        beneficiaries="直接受益：街道辖区社区工作者约60人；间接受益：社区居民。",
        goals="开展专题培训8期、实务督导12次，参训人员考核合格率90%以上。",
        location="明德街道社区工作者培训基地",
        budget=(("培训师资", 50), ("实务督导", 25), ("培训资料", 10), ("项目管理费", 15))),
    ProjectSpec(
        "杨柳湾社区村改居居民文明习惯养成", "yangliu", "subsidy", "22000.00", "A0301", "approved", 4,
        needs="社区由原杨柳湾村整村改造而成，居民上楼后仍有楼道养禽、公共区域种菜、乱堆杂物等习惯，邻里矛盾增多。",
        beneficiaries="直接受益：回迁居民约650户；间接受益：社区全体居民约2,300人。",
        goals="以文艺宣讲、文明家庭评选和乡贤议事等形式引导居民适应城市社区生活，公共区域乱象明显减少。",
        location="杨柳湾社区文化礼堂",
        budget=(("文艺宣讲活动", 35), ("文明家庭评选及表彰", 25), ("乡贤议事会组织", 20), ("宣传资料", 20)),
        approved="20000.00", approve_comment="核减宣传资料费用2,000元，按20,000元立项。"),
    ProjectSpec(
        "杨柳湾社区困难家庭“微心愿”帮扶", "yangliu", "purchase", "24000.00", "A0104", "rectification", 20,
        needs="社区低保、低边及支出型困难家庭46户，部分家庭除物质困难外还面临就业、子女教育等问题。",
        beneficiaries="直接受益：困难家庭46户约120人；间接受益：参与结对的志愿者和爱心单位。",
        goals="对46户困难家庭开展需求评估和个案帮扶，链接爱心资源实现“微心愿”100个。",
        location="杨柳湾社区",
        budget=(("社工个案服务", 50), ("需求评估及回访", 20), ("资源链接活动", 15), ("项目管理费", 15)),
        provider="volunteer",
        rectification=("9户个案档案缺少需求评估表和结案评估，“微心愿”实现情况缺少受助人签收凭证。", None),
        summary="完成46户家庭需求评估，开展个案服务38个，实现“微心愿”104个。",
        terms=("对低保、低边及支出型困难家庭开展需求评估和个案帮扶，链接爱心资源帮助困难家庭实现“微心愿”。",
               "完成46户家庭需求评估，开展个案服务不少于35个，实现“微心愿”不少于100个。",
               "个案档案包含需求评估表、服务计划和结案评估，“微心愿”实现情况有受助人签收凭证。",
               "困难家庭入户走访及需求评估")),
    ProjectSpec(
        "铁路新村社区老年人心理疏导服务", "tielu", "purchase", "30000.00", "A0502", "closed", 65,
        needs="社区为原铁路职工宿舍区，空巢、丧偶老人较多，走访发现部分老人有孤独、抑郁情绪。",
        beneficiaries="直接受益：有心理服务需求的老人约120人；间接受益：老人家属约200人。",
        goals="开展心理健康筛查300人次、个案心理疏导30例，组织团体辅导12场。",
        location="铁路新村社区心理咨询室",
        budget=(("心理咨询师劳务", 55), ("心理测评工具", 15), ("团体辅导活动", 15), ("项目管理费", 15)),
        provider="xinqing", scores=dict(GOOD, effect="88"),
        assignment="本项目服务对象为有孤独、抑郁情绪的空巢及丧偶老人，个案记录涉及心理健康隐私，验收和绩效评价须由配备"
                   "心理咨询专业人员的机构承担。经核对评估机构名录，衡信公司评估人员持二级心理咨询师证书，"
                   "经局长办公会研究，不经抽取直接指定。",
        returned="请补充心理咨询师的资质要求，并说明高风险个案的转介机制。",
        summary="完成心理健康筛查326人次，个案疏导34例，转介医疗机构3例，团体辅导12场。",
        terms=("为社区空巢、丧偶老人开展心理健康筛查、个案心理疏导和团体辅导，建立高风险个案转介机制。",
               "心理健康筛查不少于300人次，个案疏导不少于30例，团体辅导12场。",
               "咨询师持心理咨询师或相应专业资质，个案记录规范，高风险个案100%及时转介。",
               "老年人团体心理辅导"),
        late=("award_notice",)),
    ProjectSpec(
        "铁路新村社区防范电信诈骗宣传", "tielu", "reward", "8000.00", "A0401", "closed", 100,
        needs="今年辖区已发生5起老人遭遇电信诈骗的案件，老年人识骗防骗能力弱。",
        beneficiaries="直接受益：社区60岁以上老人约900人；间接受益：社区全体居民。",
        goals="开展防诈骗情景剧宣传6场，入户宣传覆盖全部独居老人，推广安装国家反诈中心APP。",
        location="铁路新村社区",
        budget=(("情景剧排演", 40), ("宣传资料", 30), ("志愿者补贴", 30)),
        scores=dict(EXCELLENT, effect="96"),
        summary="开展情景剧宣传6场，入户宣传独居老人118户，协助安装反诈APP 1,046人，下半年社区未再发生老人被骗案件。"),
    ProjectSpec(
        "南门村社区出租房屋安全巡查志愿服务", "nanmen", "subsidy", "18000.00", "A0202", "contracted", 1,
        needs="社区出租房屋集中，网格员人手不足，消防、治安隐患排查不及时。",
        beneficiaries="直接受益：出租房屋租户约3,000人；间接受益：社区居民。",
        goals="组建50人志愿巡查队，每周巡查出租房屋，建立隐患台账并跟踪整改。",
        location="南门村社区各网格",
        budget=(("志愿者培训", 25), ("志愿者保险及补贴", 45), ("巡查装备", 15), ("项目管理费", 15)),
        provider="volunteer"),

    # ---- 临湖街道的其他社区 ----------------------------------------------------------------------------
    ProjectSpec(
        "渔港社区渔家睦邻文化节", "yugang", "reward", "14000.00", "A0301", "withdrawn", 40,
        needs="社区由渔港村整体搬迁而来，居民希望保留渔家文化，增进新老居民交流。",
        beneficiaries="直接受益：参与活动的居民约600人次。",
        goals="举办渔家文化展示、渔歌演唱等睦邻文化活动3场。",
        location="渔港社区文化广场",
        budget=(("演出及展览组织", 50), ("场地布置", 30), ("宣传", 20)),
        reason="与街道统一组织的文化节活动内容重复，经居民议事会讨论决定撤回申报。"),
    ProjectSpec(
        "渔港社区留守老人心理慰藉", "yugang", "purchase", "27000.00", "A0502", "draft", 1,
        needs="社区青壮年多外出务工，留守老人约220人，精神慰藉需求突出。",
        beneficiaries="直接受益：留守老人约220人；间接受益：在外务工的子女家庭。",
        goals="开展心理关怀探访1,200人次，组织老年兴趣小组4个。",
        location="渔港社区",
        budget=(("社工及心理咨询师劳务", 60), ("兴趣小组活动", 20), ("项目管理费", 20))),
    ProjectSpec(
        "望湖社区社会组织孵化培育", "wanghu", "subsidy", "28000.00", "B0202", "under_review", 2,
        needs="社区有文体、志愿类居民团队15支，但多数缺少骨干和规范管理，难以承接社区服务。",
        beneficiaries="直接受益：居民团队骨干约60人；间接受益：团队服务的居民约2,000人次。",
        goals="孵化培育社区社会组织5家，其中完成备案3家，开展骨干能力培训8期。",
        location="望湖社区社会组织孵化基地",
        budget=(("专业督导及培训", 45), ("孵化基地运营", 25), ("公益微创投活动", 20), ("项目管理费", 10)),
        provider="tongxin"),
    ProjectSpec(
        "望湖社区“15分钟健身圈”科学健身指导", "wanghu", "purchase", "23000.00", "A0302", "closed", 80,
        needs="社区健身设施使用率高，但中老年居民健身方式不科学，运动损伤时有发生。",
        beneficiaries="直接受益：经常参加健身的居民约400人；间接受益：社区居民。",
        goals="开展科学健身讲座8场、体质监测2次，每周在健身广场开展现场指导。",
        location="望湖社区健身广场及体质监测点",
        budget=(("社会体育指导员劳务", 50), ("体质监测", 25), ("讲座及宣传", 10), ("项目管理费", 15)),
        provider="yikang", scores=GOOD,
        summary="开展科学健身讲座8场、体质监测2次共412人，现场指导96次。",
        terms=("在社区健身广场为中老年居民提供科学健身现场指导，开展科学健身讲座和体质监测。",
               "科学健身讲座8场，体质监测2次（不少于400人），现场指导每周不少于2次。",
               "指导员持社会体育指导员证书，体质监测报告一人一份，参与居民满意度不低于90%。",
               "健身广场科学健身现场指导"),
        method="inquiry"),
    ProjectSpec(
        "机械厂社区老旧住宅加装电梯协商议事", "jixie", "purchase", "20000.00", "A0201", "cancelled", 35,
        needs="社区多为上世纪80年代建成的无电梯多层住宅，老年居民上下楼困难，加装电梯意愿强，但低层住户意见分歧大。",
        beneficiaries="直接受益：有加装意愿的12个单元住户约140户。",
        goals="组织单元协商会不少于36场，推动6个单元达成加装电梯协议。",
        location="机械厂社区1–6号楼",
        budget=(("协商会组织及专业调解", 50), ("政策宣讲及法律咨询", 30), ("项目管理费", 20)),
        reason="该小区加装电梯工作已纳入区级老旧小区改造统一推进，本项目终止实施。"),
    ProjectSpec(
        "双井社区无物业小区环境整治", "shuangjing", "purchase", "34000.00", "A0402", "in_delivery", 8,
        needs="社区4个无物业老旧小区环境卫生脏乱差，楼道堆物、绿地被占用现象突出，居民投诉较多。",
        beneficiaries="直接受益：4个无物业小区居民约520户；间接受益：周边居民。",
        goals="组织居民志愿者开展环境整治行动24次，清理楼道堆物和卫生死角，建立居民轮值保洁机制。",
        location="双井社区4个无物业小区",
        budget=(("居民志愿保洁队补贴", 45), ("清运及工具耗材", 25), ("宣传发动", 15), ("项目管理费", 15)),
        provider="neighbour", after=("midterm", "amend"),
        terms=("组织无物业小区居民志愿者开展环境整治行动，清理楼道堆物和卫生死角，建立居民轮值保洁机制。",
               "环境整治行动24次，清理楼道及卫生死角不少于60处，建立轮值保洁小组4个。",
               "整治前后有影像记录，清理的垃圾当日清运，居民对小区环境的满意度较整治前提高20个百分点以上。",
               "无物业小区环境整治行动")),
    ProjectSpec(
        "双井社区“共享工具屋”邻里互助", "shuangjing", "reward", "9000.00", "A0203", "delivered", 5,
        needs="无物业小区居民日常维修找人难，居民家中闲置工具多。",
        beneficiaries="直接受益：社区居民约520户。",
        goals="建立共享工具屋，招募居民维修志愿者20名，全年提供维修互助服务300次。",
        location="双井社区党群服务中心",
        budget=(("维修志愿者补贴", 50), ("工具维护及耗材", 30), ("宣传及管理", 20)),
        summary="共享工具屋借出工具412次，维修志愿者上门服务326次，申请项目奖励。"),
    ProjectSpec(
        "东岸村社区居民“法律明白人”培养", "dongan", "purchase", "19000.00", "A0204", "closed", 4,
        needs="村改居后征迁补偿、家庭财产、赡养等纠纷增多，居民法律意识薄弱，习惯“找熟人”解决问题。",
        beneficiaries="直接受益：培养的“法律明白人”40名；间接受益：社区居民约2,800人。",
        goals="培养“法律明白人”40名，开展普法讲座10场，协助调解纠纷50件。",
        location="东岸村社区党群服务中心",
        budget=(("律师授课及咨询", 50), ("培训组织", 20), ("普法宣传资料", 15), ("项目管理费", 15)),
        provider="tongxin", method="single_source", scores=dict(FAIR, output="70"),
        summary="培养“法律明白人”32名，开展普法讲座10场，协助调解纠纷41件。",
        terms=("通过律师授课和实务带教培养社区“法律明白人”，开展普法讲座，协助调解邻里和家庭纠纷。",
               "培养“法律明白人”40名，普法讲座10场，协助调解纠纷50件。",
               "授课律师执业满5年，学员结业考核合格率不低于90%，调解记录完整。",
               "“法律明白人”培训及普法讲座")),
    ProjectSpec(
        "东岸村社区慢性病健康管理", "dongan", "subsidy", "26000.00", "A0501", "accepted", 2,
        needs="社区中老年居民高血压、糖尿病患病率高，村改居后生活方式改变，健康管理意识不足。",
        beneficiaries="直接受益：慢病居民约260人；间接受益：社区居民约2,800人。",
        goals="为260名慢病居民建立健康管理档案，开展健康讲座12场，组建慢病自我管理小组6个。",
        location="东岸村社区卫生服务站",
        budget=(("医护人员劳务", 45), ("检测耗材", 20), ("健康讲座", 20), ("项目管理费", 15)),
        provider="yikang", scores=EXCELLENT, after=("survey", "sheets_divergent"),
        summary="建立慢病健康管理档案268份，开展健康讲座12场，组建自我管理小组6个，血压控制率提高11个百分点。"),
    ProjectSpec(
        "翠湖社区高龄老人居家探访及智慧助老", "cuihu", "purchase", "42000.00", "A0101", "tendering", 1,
        needs="社区80岁以上老人186人，其中独居63人，多数不会使用智能手机，预约挂号、视频通话等遇到困难。",
        beneficiaries="直接受益：高龄及独居老人约180人；间接受益：其家属。",
        goals="每周上门探访独居高龄老人，开设智能手机课堂20期，帮助老人掌握预约挂号、视频通话等技能。",
        location="翠湖社区老年活动室及老人家中",
        budget=(("探访员劳务", 45), ("智能手机课堂", 25), ("紧急呼叫服务", 15), ("项目管理费", 15)),
        provider="leling", method="open_tender", after=("bid", "bid", "bid", "bid", "panel", "score"),
        terms=("为社区高龄、独居老人提供每周上门探访，开设智能手机课堂，提供紧急呼叫响应服务。",
               "每周探访独居高龄老人不少于60人次，智能手机课堂20期，紧急呼叫设备覆盖独居老人63户。",
               "探访员经岗前培训，探访记录当日录入，紧急呼叫15分钟内响应，老人满意度不低于90%。",
               "高龄老人上门探访")),
    ProjectSpec(
        "机械厂社区驻区单位共建志愿服务", "jixie", "subsidy", "16000.00", "A0202", "closed", 22,
        needs="社区为原机械厂生活区，驻区单位和退休职工党员多，但共建活动零散，志愿服务缺少统筹。",
        beneficiaries="直接受益：参与志愿服务的驻区单位职工和居民约150人；间接受益：社区居民约3,500人。",
        goals="与5家驻区单位签订共建协议，组建志愿服务队6支，全年开展志愿服务不少于60次。",
        location="机械厂社区党群服务中心",
        budget=(("志愿者培训及保险", 35), ("共建活动组织", 35), ("宣传表彰", 15), ("项目管理费", 15)),
        provider="volunteer", scores=dict(GOOD, decision="86", output="82"),
        summary="与6家驻区单位签订共建协议，组建志愿服务队6支，开展志愿服务72次，服务居民2,300人次。"),
    ProjectSpec(
        "纺织厂社区失能失智老人家庭照护支持", "fangzhi", "purchase", "32000.00", "A0101", "in_delivery", 2,
        needs="社区失能、半失能及认知障碍老人87人，多由年迈的配偶或子女照护，照护者普遍缺少护理技能，身心压力大。",
        beneficiaries="直接受益：失能失智老人家庭约80户；间接受益：家庭照护者约100人。",
        goals="为80户家庭提供上门照护指导，开展照护技能培训12期、照护者减压小组8次，建立家庭照护档案80份。",
        location="纺织厂社区老年活动中心及服务对象家中",
        budget=(("社工及护理员上门服务", 50), ("照护技能培训", 20), ("照护者减压小组", 15), ("项目管理费", 15)),
        provider="sunshine", after=("midterm_request",),
        terms=("为失能失智老人家庭提供上门照护指导和照护技能培训，组织照护者减压小组，建立家庭照护档案。",
               "上门照护指导不少于480人次，照护技能培训12期，照护者减压小组8次，家庭照护档案80份。",
               "护理员持养老护理员证书，每户有照护评估和服务计划，照护者满意度不低于90%。",
               "失能老人家庭上门照护指导")),
    ProjectSpec(
        "望湖社区青少年心理健康服务", "wanghu", "purchase", "32000.00", "A0502", "closed", 120,
        needs="社区中小学生约900名，学校心理老师反映部分学生存在学业焦虑、亲子沟通困难等问题，家长希望社区提供专业心理支持。",
        beneficiaries="直接受益：有心理服务需求的青少年约150名；间接受益：其家长约150人。",
        goals="开展心理健康筛查500人次、个案辅导30例、团体辅导12场、家长课堂6场。",
        location="望湖社区青少年心理服务站",
        budget=(("心理咨询师劳务", 55), ("测评工具及耗材", 15), ("团体辅导及家长课堂", 15), ("项目管理费", 15)),
        provider="xinqing", scores=POOR,
        rectification=("个案辅导仅完成12例，团体辅导记录与签到表不符，部分活动由未持证志愿者替代咨询师开展。",
                       "已补充个案辅导9例和团体辅导签到资料，调整项目团队，后续服务均由持证咨询师开展。"),
        summary="完成心理健康筛查318人次、个案辅导21例、团体辅导8场、家长课堂4场。",
        terms=("为社区青少年开展心理健康筛查、个案心理辅导和团体辅导，开设家长课堂，建立高风险个案转介机制。",
               "心理健康筛查不少于500人次，个案辅导不少于30例，团体辅导12场，家长课堂6场。",
               "辅导由持证心理咨询师开展，个案记录规范，高风险个案100%及时转介，服务对象满意度不低于85%。",
               "青少年团体心理辅导")),
]
