"""What the demo city's surveys are made of: each department's services, the questionnaire,
what residents write, and how departments answer poor ratings. Invented, like the city."""

from __future__ import annotations

from surveys.models import Service, SurveyQuestion

W, WEB, H, M = (
    Service.Channel.WINDOW,
    Service.Channel.ONLINE,
    Service.Channel.HOTLINE,
    Service.Channel.MOBILE,
)

# Each department's services (1–3, across the four 好差评 channels), by the department's slug
# (a district office, e.g. gonganju-donghu, offers its city department's services).
SERVICES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "fagaiwei": (
        ("企业投资项目备案网上办理", "Online registration of enterprise investment projects", WEB),
        ("价格投诉举报热线", "Price complaints hotline", H),
    ),
    "gonganju": (
        ("户籍和出入境业务窗口", "Household registration and exit-entry window", W),
        ("出入境证件网上预约", "Online booking for exit-entry documents", WEB),
        ("“青川通”App 身份证办理进度查询", "ID card progress in the Qingchuan Tong app", M),
    ),
    "jiaoyuju": (
        ("义务教育入学报名服务", "Compulsory school enrolment online", WEB),
        ("教育服务咨询热线", "Education enquiries hotline", H),
    ),
    "weijianwei": (
        ("医院门诊就医服务", "Hospital outpatient services", W),
        ("“青川通”App 预约挂号", "Hospital appointments in the Qingchuan Tong app", M),
    ),
    "shengtaihuanjingju": (("环境信访投诉办理", "Environmental complaints hotline", H),),
    "shichangjianguanju": (
        ("企业开办登记窗口", "Business start-up registration window", W),
        ("企业开办“一网通办”", "Business start-up online", WEB),
        ("12315 消费投诉热线", "12315 consumer complaints hotline", H),
    ),
    "shujuju": (("政务数据开放平台", "Open government data platform", WEB),),
    "zhujianju": (
        ("住房公积金提取服务", "Housing provident fund withdrawals", W),
        ("“青川通”App 公积金办理", "Housing provident fund in the Qingchuan Tong app", M),
    ),
    "jiaotongju": (
        ("公交一卡通服务网点", "Transport card service point", W),
        ("公交出行服务热线", "Public transport hotline", H),
    ),
    "minzhengju": (
        ("婚姻登记窗口", "Marriage registration window", W),
        ("养老服务补贴网上申请", "Online application for elderly care allowances", WEB),
    ),
    "rensheju": (
        ("社保卡和养老保险业务窗口", "Social security card and pension window", W),
        ("12333 人社服务热线", "12333 human resources and social security hotline", H),
        ("“青川通”App 社保业务", "Social security in the Qingchuan Tong app", M),
    ),
    "zhengwufuwuju": (
        ("政务服务中心综合窗口", "Government service centre general window", W),
        ("12345 政务服务便民热线", "12345 government service hotline", H),
        ("青川市政务服务网", "Qingchuan government services website", WEB),
    ),
    "caizhengju": (("非税收入缴款服务窗口", "Non-tax revenue payment window", W),),
    "ziranziyuanju": (
        ("不动产登记窗口", "Real estate registration window", W),
        ("不动产登记网上申请", "Online real estate registration", WEB),
    ),
    "nongyenongcunju": (("农业补贴申领服务窗口", "Farm subsidy applications window", W),),
    "shangwuju": (("外贸企业服务窗口", "Foreign trade business window", W),),
    "wenguanglvju": (
        ("旅游投诉服务热线", "Tourism complaints hotline", H),
        ("文化场馆网上预约", "Online booking for museums and libraries", WEB),
    ),
    "yingjiguanliju": (("安全生产许可办理窗口", "Work safety licence window", W),),
    "shuiliju": (
        ("供水报装网上办理", "Online water connection applications", WEB),
        ("供水服务热线", "Water supply hotline", H),
    ),
    "sifaju": (
        ("公共法律服务中心窗口", "Public legal services centre window", W),
        ("12348 法律服务热线", "12348 legal services hotline", H),
    ),
    "chengguanju": (
        ("市容环境投诉处理", "City appearance complaints hotline", H),
        ("“随手拍”城市管理问题上报", "Report a city problem with a photo in the app", M),
    ),
    "yibaoju": (
        ("医保报销窗口", "Medical insurance reimbursement window", W),
        ("“青川通”App 医保业务", "Medical insurance in the Qingchuan Tong app", M),
    ),
    "tuiyijunrenju": (("退役军人服务站窗口", "Veterans service station window", W),),
    "kejiju": (("科技项目申报服务", "Science and technology project applications", WEB),),
    "gongxinju": (("企业技术改造项目服务窗口", "Industrial upgrading projects window", W),),
    "tongjiju": (("统计数据查询服务", "Statistics enquiries online", WEB),),
}
# Residents rate a window more often than a hotline: ratings per service per month.
MONTHLY_RATINGS = {W: (8, 24), WEB: (5, 16), H: (3, 10), M: (4, 14)}
# Channels differ in satisfaction the way 好差评 reports show: hotlines below windows.
CHANNEL_OFFSET = {W: 0.0, WEB: 1.0, H: -3.0, M: 1.5}
ONLINE_BASE = "https://zwfw.qingchuan.example"
APP_NAME = "“青川通”App"

# The questionnaire: (key, text, English text, kind, scale, options, condition on "overall").
# A condition on a scale names its levels by their labels in any of the site's languages (it
# holds for an English visitor who chose "Dissatisfied").
POOR_ANSWERS = ["不满意", "非常不满意"]
PROBLEMS = [
    "排队等候时间长",
    "材料要求不清楚或反复提交",
    "工作人员态度不好",
    "办理时间超过承诺时限",
    "系统或设备故障",
    "其他",
]
SOURCES = ["网上办事指南", "“青川通”App", "12345 热线", "窗口咨询", "亲友告知"]
Q = SurveyQuestion.Kind
QUESTIONS = (
    (
        "overall",
        "您对本次服务的总体满意程度",
        "Overall, how satisfied are you with the service?",
        Q.SCALE,
        SurveyQuestion.Scale.SATISFACTION,
        [],
        [],
    ),
    (
        "problem",
        "您遇到的主要问题是什么？",
        "What was the main problem?",
        Q.CHOICE,
        "",
        PROBLEMS,
        POOR_ANSWERS,
    ),
    (
        "ease",
        "办理过程是否方便",
        "How easy was it to get what you needed?",
        Q.SCALE,
        "ease",
        [],
        [],
    ),
    (
        "staff",
        "工作人员服务热情、规范",
        "Staff were helpful and professional.",
        Q.SCALE,
        "agreement",
        [],
        [],
    ),
    (
        "sources",
        "您是通过哪些途径了解办事要求的？（可多选）",
        "How did you find out what you needed? (Choose all that apply.)",
        Q.MULTIPLE,
        "",
        SOURCES,
        [],
    ),
    (
        "suggestion",
        "您对改进服务的意见和建议",
        "How could we improve the service?",
        Q.TEXT,
        "",
        [],
        [],
    ),
)
SUGGESTION_HINT = "请勿填写姓名、电话、身份证号等个人信息。"

# What residents write: by their main problem for a poor rating, else praise or a suggestion.
COMPLAINTS = {
    "排队等候时间长": (
        "中午只开了一个窗口，排了一个多小时。",
        "取号后等了五十分钟，叫号屏还经常不显示。",
        "预约了时段到现场还是要排队，预约形同虚设。",
    ),
    "材料要求不清楚或反复提交": (
        "网上说明和窗口要求的材料不一样，跑了两趟。",
        "第一次没说清楚缺什么材料，第二次又让补交复印件。",
    ),
    "工作人员态度不好": (
        "问了两遍办理流程，工作人员很不耐烦。",
        "窗口人员一直在看手机，解释问题敷衍。",
    ),
    "办理时间超过承诺时限": (
        "承诺五个工作日办结，过了两周还没有结果。",
        "打电话问进度一直说在审核，没有明确时间。",
    ),
    "系统或设备故障": (
        "网上提交总是提示系统繁忙，换了几个时间都不行。",
        "自助机坏了没人管，只能去人工窗口排队。",
        "App 上传照片一直失败。",
    ),
    "其他": ("停车位太少，附近也没有指引。", "希望周末也能办理。"),
}
PRAISE = (
    "工作人员很耐心，一次就办好了。",
    "流程清楚，比以前快多了。",
    "网上就能办，不用跑腿，点赞。",
    "帮办员主动帮老人填表，很暖心。",
    "电话一打就通，答复很专业。",
)
SUGGESTIONS = (
    "建议增加午间和周末窗口。",
    "希望办事指南写得更通俗一些。",
    "建议自助机旁边安排引导人员。",
    "希望办理进度能短信通知。",
)
CALL_ME = ("，我的电话{phone}，请回电。", "。联系电话：{phone}", "（有问题可打{phone}找我）")

# How departments answer a poor rating (差评整改): what they did, and the reasons given when
# no rectification was needed.
CALLED_BACK = (
    "已电话回访评价人，说明办理进度并致歉，群众表示理解。",
    "三个工作日内电话回访，协助群众预约办理，群众表示满意。",
)
RECTIFIED = (
    ("增设午间弹性窗口，推行线上预约分时段取号。", "午间平均等候时间降至15分钟以内。"),
    ("逐项核对办事指南，统一线上线下材料清单并公开。", "材料清单一致，补交材料的差评不再出现。"),
    ("开展窗口服务规范培训，设服务监督岗。", "同类差评明显减少。"),
    ("与运维单位签订2小时响应协议，每日巡检自助设备。", "设备故障修复时间缩短至当日。"),
)
EXPLAINED = (
    "该事项须本人到场核验身份，属法定要求，已向群众说明。",
    "所反映事项不属于本部门职责，已转交主管部门办理并告知群众。",
    "办理时限自材料齐全之日起计算，已向群众说明计算方式。",
)

# Rectification cases of the years before the site's own rating form, entered by editors.
EARLIER_CASES = (
    (
        "窗口排队时间过长",
        "多名群众评价午间窗口排队超过40分钟。",
        "增设午间弹性窗口，推行线上预约分时段取号。",
        "午间平均等候时间降至12分钟。",
    ),
    (
        "办事指南与实际要求不一致",
        "群众反映网上办事指南所列材料与窗口要求不一致，需往返补交。",
        "逐项核对办事指南，统一线上线下材料清单并公开。",
        "材料清单统一，补交材料的差评不再出现。",
    ),
    (
        "电话咨询无人接听",
        "评价中反映咨询电话工作时间经常无人接听。",
        "咨询电话并入12345热线，设专人值守并每日抽查接通率。",
        "接通率由71%提高到96%。",
    ),
    (
        "证件办结后领取不便",
        "群众反映证件办结后必须到窗口领取，往返不便。",
        "开通免费邮寄送达，办结短信通知。",
        "邮寄送达占比达到58%。",
    ),
    (
        "自助终端经常故障",
        "自助服务终端故障后长时间未修复。",
        "与运维单位签订2小时响应协议，每日巡检。",
        "",
    ),
    (
        "老年人办事缺少帮办",
        "老年人不会使用线上渠道，现场缺少引导。",
        "设立“爱心帮办”专窗，保留现金和纸质办理渠道。",
        "帮办专窗月均服务老年人600余人次。",
    ),
)
# Where the monthly results of the months before the site's rating form came from.
ENTERED_SOURCE = "省政务服务“好差评”系统（编辑录入）"
BROWSERS = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) MicroMessenger/8.0.49",
    "Mozilla/5.0 (Linux; Android 14; V2309A) AppleWebKit/537.36 Chrome/120 Mobile Safari",
    "Mozilla/5.0 (Linux; Android 13; HUAWEI Mate 50) AppleWebKit/537.36 Mobile Safari",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/126 Safari/537.36",
)
