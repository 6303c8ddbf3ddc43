"""The demo city's goals: the city goals of its 政府工作报告, every department's service goal,
and where goals come from."""

# City goals (level 1): key, title, lead department slug, co-department slugs, report part.
CITY_GOALS = [
    ("economy", "推动经济高质量发展", "fagaiwei", ("gongxinju", "shangwuju", "kejiju"), 1),
    ("business", "持续优化营商环境", "shichangjianguanju", ("zhengwufuwuju", "sifaju"), 1),
    ("ecology", "打好污染防治攻坚战，建设美丽青川", "shengtaihuanjingju", ("shuiliju",), 4),
    ("education", "办好人民满意的教育", "jiaoyuju", ("caizhengju", "zhujianju"), 5),
    ("health", "深入推进健康青川建设", "weijianwei", ("yibaoju", "minzhengju"), 5),
    ("livelihood", "兜牢兜实民生保障底线", "rensheju", ("minzhengju", "tuiyijunrenju"), 5),
    ("safety", "建设更高水平的平安青川", "gonganju", ("yingjiguanliju", "sifaju"), 6),
    ("urban", "推进城市更新和品质提升", "zhujianju", ("chengguanju", "jiaotongju"), 3),
    ("digital", "加快数字政府建设", "shujuju", ("zhengwufuwuju", "tongjiju"), 7),
    ("rural", "全面推进乡村振兴", "nongyenongcunju", ("shuiliju", "ziranziyuanju"), 2),
    ("culture", "繁荣发展文化旅游事业", "wenguanglvju", ("shangwuju",), 5),
    ("service", "建设人民满意的服务型政府", "zhengwufuwuju", ("sifaju", "shujuju"), 7),
]

# Every department's second goal: the common duties of a service-oriented government.
SERVICE_GOALS = [
    ("提升政务服务效能和依法行政水平", "推进“高效办成一件事”和涉企服务提质"),
    ("深化政务公开，提高群众诉求办理质量", "开展12345热线诉求办理质效提升行动"),
    ("加强机关效能建设，提升服务满意度", "开展作风建设和服务质量提升专项行动"),
]
# Where a department goal comes from; the 政府工作报告 three times as often as the others.
GOAL_SOURCES = [
    "{year}年政府工作报告 第{part}部分第{item}项",
    "{year}年政府工作报告 第{part}部分第{item}项",
    "{year}年政府工作报告 第{part}部分第{item}项",
    "市委市政府{year}年十件民生实事 第{item}项",
    "{plan} 第{part}章第{item}节",
    "{year}年市委全会重点任务 第{item}项",
]
