"""What the demo city's people write: why a figure lags, why it was corrected, and what the
review panel says of a department."""

LAG_REASONS = [
    "受汛期持续降雨影响，施工进度有所滞后",
    "项目前期审批手续办理时间较长",
    "上级资金下达晚于预期，支付进度滞后",
    "征地拆迁协调难度较大",
    "市场需求偏弱，增速低于预期",
    "统计口径变化，数据需进一步核实",
]
CORRECTION_REASONS = [
    "统计口径调整",
    "数据复核更正",
    "补录迟报数据后更正",
    "录入错误更正",
    "根据统计部门反馈修正",
]
REVIEW_STRENGTHS = [
    "重点任务推进有力",
    "改革创新成效明显",
    "服务群众意识强",
    "基础工作扎实",
    "协同配合积极主动",
    "数据报送及时准确",
]
REVIEW_WEAKNESSES = [
    "个别指标进度滞后",
    "部分项目推进不够平衡",
    "信息公开的及时性有待提高",
    "群众诉求办理质量仍需提升",
    "基层调研不够深入",
]
