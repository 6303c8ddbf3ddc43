"""The demo city 青川市 (Qingchuan): invented departments, goals, indicators and monthly data.

Everything here is fictional. ``build_demo_city`` flushes the performance domain and rebuilds it
from the factories with a fixed seed, so the same seed always gives the same city (a demo that
changes between runs cannot be used in screenshots, bug reports or benchmarks).
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import os
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.db.models.signals import m2m_changed, post_save
from django.utils import timezone
from faker import Faker

from portal import actions, evaluation
from portal.cache import bump_data_version
from portal.factories import (
    CycleFactory,
    DepartmentEditorFactory,
    DepartmentFactory,
    GoalFactory,
    IndicatorFactory,
    QualitativeReviewFactory,
    UserFactory,
)
from portal.models import (
    Cycle,
    Department,
    DepartmentEditor,
    Evaluation,
    Goal,
    HomePage,
    Indicator,
    Measurement,
    MeasurementCorrection,
    QualitativeReview,
)

CITY = "青川市"
CITY_EN = "Qingchuan"
DEFAULT_SEED = 2026
ADMIN_USERNAME = "admin"
CITY_ADMIN_USERNAME = "city_admin"
DEFAULT_ADMIN_PASSWORD = "demo-admin-2026"
DEFAULT_EDITOR_PASSWORD = "demo-editor-2026"
CITY_ADMIN_GROUP = "市级管理员"
DEPARTMENT_EDITOR_GROUP = "部门编辑"
# Departments that get a demo editor account (editor_<slug>), to show per-department scoping.
EDITOR_SLUGS = ("gonganju", "jiaoyuju", "weijianwei", "shengtaihuanjingju", "zhengwufuwuju")
INDICATORS_PER_DEPARTMENT = 20
DEPARTMENTS_PER_SCALE = 20
MEASUREMENT_BATCH = 5000
# Share of measurements re-reported through record_measurement so correction history exists.
CORRECTION_SHARE = 0.004

Dim = Indicator.Dimension
OUT, QUA, EFF, EFT, SAT = (
    Dim.OUTPUT,
    Dim.QUALITY,
    Dim.EFFICIENCY,
    Dim.EFFECTIVENESS,
    Dim.SATISFACTION,
)


# --------------------------------------------------------------------------------------------
# Catalogue: what a Chinese municipal government measures
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorTemplate:
    """An indicator as a department would define it, before it is placed in a cycle."""

    name: str
    dimension: str
    unit: str
    baseline: float
    target: float
    # "cum": counted from 0 since 1 January; "rate": a level or ratio; "milestone": % complete.
    kind: str = "rate"
    decimals: int = 1
    quarterly: bool = False
    source: str = ""

    @property
    def direction(self) -> str:
        if self.kind == "milestone":
            return Indicator.Direction.MILESTONE
        if self.target < self.baseline:
            return Indicator.Direction.LOWER
        return Indicator.Direction.HIGHER


def _i(name, dim, unit, baseline, target, kind="rate", dec=1, q=False, src=""):
    return IndicatorTemplate(name, dim, unit, baseline, target, kind, dec, q, src)


def _cum(name, dim, unit, target, dec=0, src=""):
    return IndicatorTemplate(name, dim, unit, 0, target, "cum", dec, False, src)


def _ms(name, src=""):
    return IndicatorTemplate(name, OUT, "%", 0, 100, "milestone", 0, False, src)


@dataclass(frozen=True)
class DepartmentTemplate:
    """A city department: identity, the city goal it serves, its own goal, task and indicators."""

    name: str
    short_name: str
    slug: str
    category: str
    name_en: str
    district_name: str  # what the same office is called in a district, e.g. 公安分局
    theme: str  # key of the city goal its own goal serves
    description: str
    goal: str
    task: str
    indicators: tuple[IndicatorTemplate, ...]


C = Department.Category

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

DEPARTMENTS: tuple[DepartmentTemplate, ...] = (
    DepartmentTemplate(
        "市发展和改革委员会",
        "发改委",
        "fagaiwei",
        C.ECONOMY,
        "Qingchuan Development and Reform Commission",
        "发展和改革局",
        "economy",
        "负责全市国民经济和社会发展规划、重大项目统筹和价格管理。",
        "扩大有效投资，推动重大项目建设提速",
        "开展重大项目“攻坚年”行动",
        (
            _i("地区生产总值增速", EFT, "%", 5.0, 5.6, q=True, src="市统计局季度核算"),
            _i("固定资产投资增速", EFT, "%", 4.0, 6.0, src="市统计局月报"),
            _cum("市级重点项目完成年度投资", OUT, "亿元", 320, dec=1),
            _cum("市级重点项目开工率", OUT, "%", 100, dec=1),
            _ms("重大项目前期工作完成进度"),
            _cum("单位GDP能耗下降率", EFT, "%", 3.0, dec=2),
            _i("投资项目审批平均用时", EFF, "天", 45, 35),
            _i("价格监测报告按时报送率", QUA, "%", 96, 100),
        ),
    ),
    DepartmentTemplate(
        "市公安局",
        "公安局",
        "gonganju",
        C.SAFETY,
        "Qingchuan Public Security Bureau",
        "公安分局",
        "safety",
        "负责全市社会治安、刑事侦查、交通管理、户政出入境管理等公安工作。",
        "严打突出违法犯罪，提升群众安全感",
        "开展电信网络诈骗“断卡”专项行动",
        (
            _cum("刑事案件立案数同比下降率", EFT, "%", 5, dec=1),
            _cum("电信网络诈骗案件发案数同比下降率", EFT, "%", 10, dec=1),
            _i("命案现案破案率", QUA, "%", 98, 100),
            _cum("道路交通事故死亡人数同比下降率", EFT, "%", 5, dec=1),
            _i("110接警平均到场时间", EFF, "分钟", 12, 10),
            _cum("户籍业务“跨省通办”办件量", OUT, "万件", 3.5, dec=2),
            _i("重点区域视频监控覆盖率", OUT, "%", 88, 95),
            _i("群众安全感满意度", SAT, "%", 95.2, 96.0, q=True, src="市统计局社情民意调查"),
        ),
    ),
    DepartmentTemplate(
        "市教育局",
        "教育局",
        "jiaoyuju",
        C.SOCIAL,
        "Qingchuan Education Bureau",
        "教育局",
        "education",
        "负责全市学前教育、义务教育、普通高中教育和职业教育的统筹管理。",
        "扩大优质教育资源供给",
        "实施中小学校新建改扩建工程",
        (
            _cum("新建改扩建中小学校", OUT, "所", 12),
            _cum("新增公办学位数", OUT, "个", 15000),
            _i("普惠性幼儿园覆盖率", EFT, "%", 88, 91),
            _i("义务教育巩固率", QUA, "%", 98.6, 99.2),
            _i("课后服务学生参与率", OUT, "%", 85, 92),
            _ms("智慧校园达标建设进度"),
            _cum("教育经费预算执行率", EFF, "%", 98, dec=1),
            _i("家长对学校教育满意度", SAT, "%", 90, 92, q=True, src="第三方满意度测评"),
        ),
    ),
    DepartmentTemplate(
        "市卫生健康委员会",
        "卫健委",
        "weijianwei",
        C.SOCIAL,
        "Qingchuan Health Commission",
        "卫生健康局",
        "health",
        "负责全市医疗卫生服务体系建设、疾病预防控制、妇幼健康和老龄健康工作。",
        "提升医疗服务能力和基层卫生服务水平",
        "推进紧密型县域医共体建设",
        (
            _i("二级以上公立医院预约诊疗率", EFF, "%", 70, 80),
            _i("每千人口执业（助理）医师数", OUT, "人", 3.2, 3.4, dec=2),
            _i("家庭医生签约服务覆盖率", OUT, "%", 40, 45),
            _i("孕产妇死亡率", EFT, "1/10万", 9.0, 8.0),
            _i("婴儿死亡率", EFT, "‰", 3.5, 3.0, dec=2),
            _i("基层医疗卫生机构诊疗量占比", EFT, "%", 55, 60),
            _ms("紧密型县域医共体建设进度"),
            _i("患者就医满意度", SAT, "%", 91, 93, src="第三方满意度测评"),
        ),
    ),
    DepartmentTemplate(
        "市生态环境局",
        "生态环境局",
        "shengtaihuanjingju",
        C.ENVIRONMENT,
        "Qingchuan Ecology and Environment Bureau",
        "生态环境分局",
        "ecology",
        "负责全市生态环境保护、污染防治、环境监测和生态环境执法工作。",
        "持续改善空气和水环境质量",
        "实施大气污染防治“百日攻坚”行动",
        (
            _i("PM2.5年均浓度", EFT, "微克/立方米", 33, 30, src="市环境监测站自动监测数据"),
            _i("空气质量优良天数比率", EFT, "%", 86, 88, src="市环境监测站自动监测数据"),
            _i("国省控断面水质优良比例", QUA, "%", 90, 92),
            _i("集中式饮用水水源地水质达标率", QUA, "%", 98, 100),
            _i("环境信访案件按期办结率", EFF, "%", 95, 99),
            _i("重点排污单位自动监控联网率", OUT, "%", 92, 98),
            _ms("污水处理提质增效项目建设进度"),
            _i("生态环境质量公众满意度", SAT, "%", 85, 88, q=True, src="第三方满意度测评"),
        ),
    ),
    DepartmentTemplate(
        "市市场监督管理局",
        "市场监管局",
        "shichangjianguanju",
        C.ECONOMY,
        "Qingchuan Administration for Market Regulation",
        "市场监督管理分局",
        "business",
        "负责全市市场主体登记、食品药品安全、产品质量、知识产权和消费者权益保护。",
        "激发经营主体活力，守牢食品安全底线",
        "推进企业开办“一日办结”改革",
        (
            _i("企业开办时间", EFF, "天", 2.0, 1.0),
            _cum("新增经营主体", OUT, "万户", 4.5, dec=2),
            _i("食品安全抽检合格率", QUA, "%", 97.5, 98.5),
            _i("每万人口高价值发明专利拥有量", EFT, "件", 8.0, 9.5, dec=2),
            _i("消费投诉按时办结率", EFF, "%", 96, 99),
            _cum("“双随机、一公开”抽查任务完成率", OUT, "%", 100, dec=1),
            _i("重点工业产品质量监督抽查合格率", QUA, "%", 95, 96.5),
            _i("经营主体满意度", SAT, "分", 88, 90, q=True, src="营商环境第三方评估"),
        ),
    ),
    DepartmentTemplate(
        "市数据资源管理局",
        "数据局",
        "shujuju",
        C.GENERAL,
        "Qingchuan Data Resources Administration",
        "数据资源管理局",
        "digital",
        "负责全市公共数据资源统筹管理、政务信息化项目建设和数字政府建设。",
        "推进公共数据共享开放和“一网统管”",
        "建设一体化政务大数据平台",
        (
            _i("政务数据共享需求满足率", EFF, "%", 85, 95),
            _i("公共数据开放数据集数量", OUT, "个", 600, 800, dec=0),
            _i("政务云资源利用率", EFF, "%", 60, 70),
            _ms("一体化政务大数据平台建设进度"),
            _i("数据质量问题整改率", QUA, "%", 80, 95),
            _i("“一网统管”接入业务系统数", OUT, "个", 40, 60, dec=0),
            _i("政务数据资源目录编目完成率", OUT, "%", 85, 100),
            _i("数据开放平台用户满意度", SAT, "分", 86, 89, src="平台在线评价"),
        ),
    ),
    DepartmentTemplate(
        "市住房和城乡建设局",
        "住建局",
        "zhujianju",
        C.ENVIRONMENT,
        "Qingchuan Housing and Urban-Rural Development Bureau",
        "住房和城乡建设局",
        "urban",
        "负责全市住房保障、房地产市场监管、城市建设和建筑业管理。",
        "加快城镇老旧小区改造和保障性住房建设",
        "实施老旧小区改造民生实事",
        (
            _ms("老旧小区改造开工率"),
            _cum("新开工保障性住房", OUT, "套", 3000),
            _i("城镇新建建筑中绿色建筑占比", QUA, "%", 90, 95),
            _cum("建筑施工安全事故起数同比下降率", EFT, "%", 10, dec=1),
            _cum("城市燃气管道老化更新改造", OUT, "公里", 120, dec=1),
            _i("施工许可审批平均用时", EFF, "天", 20, 15),
            _i("物业服务投诉办结率", EFF, "%", 90, 96),
            _i("住房保障对象满意度", SAT, "%", 88, 91, q=True, src="第三方满意度测评"),
        ),
    ),
    DepartmentTemplate(
        "市交通运输局",
        "交通运输局",
        "jiaotongju",
        C.ENVIRONMENT,
        "Qingchuan Transport Bureau",
        "交通运输局",
        "urban",
        "负责全市公路、水路、城市公共交通的规划建设与运输管理。",
        "完善城乡交通网络，提升公交服务品质",
        "实施农村公路提质改造工程",
        (
            _i("城市公交准点率", QUA, "%", 88, 92),
            _i("公交站点500米覆盖率", OUT, "%", 92, 95),
            _cum("农村公路新改建里程", OUT, "公里", 260, dec=1),
            _i("城市主干道高峰平均车速", EFT, "公里/小时", 22, 24),
            _ms("重点交通项目建设进度"),
            _i("道路运输行政许可网办率", EFF, "%", 90, 98),
            _cum("交通运输安全事故起数同比下降率", EFT, "%", 8, dec=1),
            _i("公共交通出行满意度", SAT, "%", 87, 90, src="第三方满意度测评"),
        ),
    ),
    DepartmentTemplate(
        "市民政局",
        "民政局",
        "minzhengju",
        C.SOCIAL,
        "Qingchuan Civil Affairs Bureau",
        "民政局",
        "livelihood",
        "负责全市社会救助、养老服务、社会组织管理、婚姻登记和社区治理。",
        "健全养老服务体系，落实困难群众救助",
        "推进社区嵌入式养老服务设施建设",
        (
            _cum("新增养老服务床位", OUT, "张", 1500),
            _i("社区嵌入式养老服务设施覆盖率", OUT, "%", 60, 70),
            _i("最低生活保障金按时足额发放率", QUA, "%", 99, 100),
            _i("特困人员集中供养率", EFT, "%", 45, 50),
            _i("婚姻登记平均等候时间", EFF, "分钟", 30, 20, dec=0),
            _i("社会组织年检率", QUA, "%", 85, 95),
            _i("困难群众救助审批平均时长", EFF, "天", 15, 10),
            _i("老年人助餐服务满意度", SAT, "%", 88, 91, src="第三方满意度测评"),
        ),
    ),
    DepartmentTemplate(
        "市人力资源和社会保障局",
        "人社局",
        "rensheju",
        C.SOCIAL,
        "Qingchuan Human Resources and Social Security Bureau",
        "人力资源和社会保障局",
        "livelihood",
        "负责全市就业创业、社会保险、人才工作、劳动关系和劳动保障监察。",
        "稳就业保民生，扩大社会保险覆盖面",
        "开展高校毕业生就业促进专项行动",
        (
            _cum("新增城镇就业人数", OUT, "万人", 5.2, dec=2, src="市人社局就业统计月报"),
            _i("城镇调查失业率", EFT, "%", 5.3, 5.0, src="国家统计局青川调查队"),
            _cum("失业人员再就业人数", OUT, "万人", 1.2, dec=2),
            _cum("职业技能培训", OUT, "万人次", 6.0, dec=2),
            _i("基本养老保险参保率", EFT, "%", 93, 95),
            _i("社保卡持卡人口覆盖率", OUT, "%", 96, 98),
            _i("劳动人事争议仲裁结案率", QUA, "%", 92, 95),
            _i("就业服务满意度", SAT, "%", 89, 91, q=True, src="第三方满意度测评"),
        ),
    ),
    DepartmentTemplate(
        "市政务服务管理局",
        "政务服务局",
        "zhengwufuwuju",
        C.GENERAL,
        "Qingchuan Government Services Administration",
        "政务服务管理局",
        "business",
        "负责全市政务服务体系建设、行政审批制度改革和12345政务服务便民热线。",
        "打造“高效办成一件事”政务服务品牌",
        "推进“高效办成一件事”重点事项落地",
        (
            _i("政务服务事项网上可办率", OUT, "%", 95, 99),
            _i("政务服务事项“最多跑一次”比例", EFT, "%", 96, 99),
            _i("政务服务“好差评”差评整改率", QUA, "%", 98, 100),
            _i("12345热线工单按时办结率", EFF, "%", 94, 97, src="12345热线平台"),
            _ms("“高效办成一件事”重点事项上线进度"),
            _i("营商环境评价得分", EFT, "分", 82, 86, q=True, src="营商环境第三方评估"),
            _i("即办件占比", EFF, "%", 45, 55),
            _i("办事群众满意度", SAT, "%", 97, 98.5, src="政务服务“好差评”系统"),
        ),
    ),
    DepartmentTemplate(
        "市财政局",
        "财政局",
        "caizhengju",
        C.GENERAL,
        "Qingchuan Finance Bureau",
        "财政局",
        "economy",
        "负责全市财政收支管理、预算编制执行、政府采购和国有资产管理。",
        "提高财政资金使用效益",
        "推进预算绩效管理全覆盖",
        (
            _i("一般公共预算收入增速", EFT, "%", 3.0, 4.5),
            _i("民生支出占一般公共预算支出比重", EFT, "%", 78, 80),
            _i("预算绩效目标覆盖率", QUA, "%", 95, 100),
            _cum("市级预算执行率", EFF, "%", 95, dec=1),
            _i("政府采购项目电子化交易率", EFF, "%", 90, 98),
            _i("惠企资金直达兑付平均用时", EFF, "天", 20, 10),
            _i("预算单位财务服务满意度", SAT, "分", 88, 90, src="预算单位评议"),
        ),
    ),
    DepartmentTemplate(
        "市自然资源和规划局",
        "自然资源局",
        "ziranziyuanju",
        C.ENVIRONMENT,
        "Qingchuan Natural Resources and Planning Bureau",
        "自然资源和规划分局",
        "rural",
        "负责全市国土空间规划、耕地保护、土地供应、不动产登记和林业资源管理。",
        "严守耕地保护红线，提高土地利用效率",
        "开展批而未供和闲置土地专项处置",
        (
            _i("耕地保有量", EFT, "万亩", 110.0, 110.6, dec=2),
            _cum("批而未供土地处置", OUT, "亩", 3500),
            _i("闲置土地处置率", EFT, "%", 60, 80),
            _i("不动产登记一般业务办理时限", EFF, "个工作日", 3, 1),
            _ms("国土空间详细规划编制进度"),
            _i("森林覆盖率", EFT, "%", 42.0, 42.5, dec=2),
            _cum("年度土地供应计划完成率", OUT, "%", 100, dec=1),
            _i("不动产登记服务满意度", SAT, "%", 92, 94, src="政务服务“好差评”系统"),
        ),
    ),
    DepartmentTemplate(
        "市农业农村局",
        "农业农村局",
        "nongyenongcunju",
        C.ECONOMY,
        "Qingchuan Agriculture and Rural Affairs Bureau",
        "农业农村局",
        "rural",
        "负责全市粮食生产、农业产业发展、农村改革和乡村建设。",
        "稳定粮食生产，建设宜居宜业和美乡村",
        "实施高标准农田建设工程",
        (
            _i("粮食播种面积", OUT, "万亩", 185, 186.5, dec=1),
            _cum("新建高标准农田", OUT, "万亩", 8, dec=2),
            _i("农村居民人均可支配收入增速", EFT, "%", 6.0, 6.8, q=True, src="市统计局季度数据"),
            _i("农产品质量安全例行监测合格率", QUA, "%", 97.5, 98.5),
            _ms("和美乡村示范村创建进度"),
            _i("农村生活污水治理率", EFT, "%", 45, 55),
            _i("农业社会化服务覆盖率", OUT, "%", 60, 68),
            _i("农民群众满意度", SAT, "%", 88, 90, q=True, src="第三方满意度测评"),
        ),
    ),
    DepartmentTemplate(
        "市商务局",
        "商务局",
        "shangwuju",
        C.ECONOMY,
        "Qingchuan Commerce Bureau",
        "商务局",
        "economy",
        "负责全市内外贸易、招商引资、消费促进和商贸流通管理。",
        "提振消费，稳外贸稳外资",
        "开展“消费提振年”系列活动",
        (
            _i("社会消费品零售总额增速", EFT, "%", 4.5, 6.0, src="市统计局月报"),
            _cum("实际使用外资", OUT, "亿美元", 6.5, dec=2),
            _i("进出口总额增速", EFT, "%", 3.0, 5.0, src="青川海关"),
            _cum("新增限额以上商贸企业", OUT, "家", 180),
            _ms("一刻钟便民生活圈建设进度"),
            _i("出口退税平均办理时间", EFF, "天", 5, 3),
            _i("重点商贸企业安全检查覆盖率", QUA, "%", 90, 100),
            _i("企业对商务服务满意度", SAT, "分", 87, 90, src="企业问卷调查"),
        ),
    ),
    DepartmentTemplate(
        "市文化广电旅游局",
        "文广旅局",
        "wenguanglvju",
        C.SOCIAL,
        "Qingchuan Culture, Radio, Television and Tourism Bureau",
        "文化广电旅游局",
        "culture",
        "负责全市文化事业、文化产业、广播电视和旅游业发展。",
        "丰富公共文化服务，促进文旅消费",
        "建设智慧景区和文旅消费场景",
        (
            _cum("接待游客人次", OUT, "万人次", 4200, dec=1),
            _i("旅游总收入增速", EFT, "%", 6, 8, q=True),
            _i("公共文化设施免费开放率", QUA, "%", 98, 100),
            _cum("文化惠民演出场次", OUT, "场", 1200),
            _ms("智慧景区建设进度"),
            _i("A级旅游景区复核达标率", QUA, "%", 92, 96),
            _i("旅游投诉按时处理率", EFF, "%", 95, 99),
            _i("游客满意度", SAT, "分", 85, 88, q=True, src="游客满意度抽样调查"),
        ),
    ),
    DepartmentTemplate(
        "市应急管理局",
        "应急管理局",
        "yingjiguanliju",
        C.SAFETY,
        "Qingchuan Emergency Management Bureau",
        "应急管理局",
        "safety",
        "负责全市安全生产综合监管、防灾减灾救灾和应急救援体系建设。",
        "防范化解重大安全风险",
        "开展安全生产治本攻坚三年行动",
        (
            _cum("生产安全事故死亡人数同比下降率", EFT, "%", 10, dec=1),
            _cum("安全生产执法检查企业数", OUT, "家", 2600),
            _i("重大事故隐患整改率", QUA, "%", 95, 100),
            _ms("应急避难场所建设进度"),
            _i("应急救援队伍平均响应时间", EFF, "分钟", 25, 20, dec=0),
            _i("自然灾害预警信息发布覆盖率", OUT, "%", 95, 99),
            _cum("应急演练开展次数", OUT, "次", 180),
            _i("群众应急安全感满意度", SAT, "%", 92, 94, q=True, src="第三方满意度测评"),
        ),
    ),
    DepartmentTemplate(
        "市水利局",
        "水利局",
        "shuiliju",
        C.ENVIRONMENT,
        "Qingchuan Water Resources Bureau",
        "水利局",
        "ecology",
        "负责全市水资源管理、水利工程建设、防汛抗旱和农村供水保障。",
        "加强水利基础设施建设，保障城乡供水安全",
        "实施城乡供水一体化工程",
        (
            _cum("水利工程完成投资", OUT, "亿元", 28, dec=2),
            _i("城乡供水一体化覆盖率", OUT, "%", 80, 86),
            _cum("万元GDP用水量下降率", EFT, "%", 3, dec=2),
            _i("重要江河堤防达标率", QUA, "%", 85, 88),
            _ms("中小河流治理项目建设进度"),
            _cum("水土流失治理面积", OUT, "平方公里", 45, dec=1),
            _i("农村自来水普及率", EFT, "%", 93, 95),
            _i("供水服务满意度", SAT, "%", 89, 91, src="第三方满意度测评"),
        ),
    ),
    DepartmentTemplate(
        "市司法局",
        "司法局",
        "sifaju",
        C.SAFETY,
        "Qingchuan Justice Bureau",
        "司法局",
        "safety",
        "负责全市法治政府建设、行政复议、公共法律服务、人民调解和社区矫正。",
        "推进法治政府建设，完善公共法律服务",
        "开展法治政府建设示范创建",
        (
            _cum("法律援助案件办结数", OUT, "件", 4200),
            _i("人民调解成功率", EFT, "%", 96, 97.5),
            _i("行政规范性文件合法性审核率", QUA, "%", 98, 100),
            _i("公共法律服务热线接通率", EFF, "%", 90, 96),
            _i("社区矫正对象再犯罪率", EFT, "%", 0.20, 0.15, dec=2),
            _ms("法治政府建设示范创建进度"),
            _i("行政复议案件按期办结率", EFF, "%", 95, 99),
            _i("公共法律服务满意度", SAT, "%", 92, 94, src="第三方满意度测评"),
        ),
    ),
    DepartmentTemplate(
        "市城市管理局",
        "城管局",
        "chengguanju",
        C.ENVIRONMENT,
        "Qingchuan Urban Management Bureau",
        "城市管理局",
        "urban",
        "负责全市市容环境卫生、生活垃圾分类、园林绿化和城市管理综合执法。",
        "提升城市精细化管理水平",
        "实施背街小巷整治和口袋公园建设",
        (
            _i("生活垃圾回收利用率", EFT, "%", 38, 42),
            _i("城市生活垃圾无害化处理率", QUA, "%", 99, 100),
            _i("城市管理案件按期结案率", EFF, "%", 94, 97, src="数字城管平台"),
            _cum("新建口袋公园", OUT, "个", 30),
            _cum("背街小巷整治", OUT, "条", 120),
            _ms("数字城管系统升级进度"),
            _cum("占道经营投诉量同比下降率", EFT, "%", 10, dec=1),
            _i("市容环境满意度", SAT, "%", 86, 89, q=True, src="第三方满意度测评"),
        ),
    ),
    DepartmentTemplate(
        "市医疗保障局",
        "医保局",
        "yibaoju",
        C.SOCIAL,
        "Qingchuan Healthcare Security Bureau",
        "医疗保障局",
        "health",
        "负责全市医疗保险、生育保险、医疗救助和医保基金监管。",
        "提升医疗保障服务水平，守好群众“看病钱”",
        "开展医保基金使用专项整治",
        (
            _i("基本医疗保险参保率", OUT, "%", 95, 96.5),
            _i("异地就医直接结算率", EFF, "%", 80, 88),
            _cum("医保基金监督检查覆盖率", OUT, "%", 100, dec=1),
            _cum("追回违规医保基金", EFT, "万元", 2500, dec=1),
            _i("医保电子凭证激活率", OUT, "%", 75, 85),
            _i("门诊慢特病待遇认定平均用时", EFF, "天", 10, 5),
            _ms("DRG/DIP支付方式改革覆盖进度"),
            _i("参保群众满意度", SAT, "%", 90, 92, src="第三方满意度测评"),
        ),
    ),
    DepartmentTemplate(
        "市退役军人事务局",
        "退役军人局",
        "tuiyijunrenju",
        C.SOCIAL,
        "Qingchuan Veterans Affairs Bureau",
        "退役军人事务局",
        "livelihood",
        "负责全市退役军人移交安置、就业创业、优抚褒扬和服务保障。",
        "做好退役军人服务保障",
        "推进退役军人服务站规范化建设",
        (
            _i("退役军人就业安置率", EFT, "%", 95, 98),
            _i("优抚对象抚恤金按时足额发放率", QUA, "%", 99, 100),
            _i("退役军人服务站规范化建设达标率", OUT, "%", 85, 95),
            _cum("退役军人适应性培训", OUT, "人次", 1800),
            _ms("烈士纪念设施修缮项目进度"),
            _i("退役军人信访事项按期办结率", EFF, "%", 94, 98),
            _i("退役军人满意度", SAT, "%", 91, 93, q=True, src="第三方满意度测评"),
        ),
    ),
    DepartmentTemplate(
        "市科学技术局",
        "科技局",
        "kejiju",
        C.ECONOMY,
        "Qingchuan Science and Technology Bureau",
        "科学技术局",
        "economy",
        "负责全市科技创新体系建设、高新技术企业培育和科技成果转化。",
        "增强科技创新能力",
        "实施高新技术企业倍增计划",
        (
            _i("全社会研发经费投入强度", EFT, "%", 2.1, 2.3, dec=2, q=True),
            _cum("新增高新技术企业", OUT, "家", 220),
            _cum("技术合同成交额", OUT, "亿元", 85, dec=2),
            _cum("科技型中小企业评价入库", OUT, "家", 900),
            _i("科技计划项目按期验收率", EFF, "%", 88, 95),
            _ms("青川科创中心平台建设进度"),
            _i("科技成果转化率", EFT, "%", 30, 35),
            _i("科技企业服务满意度", SAT, "分", 87, 90, src="企业问卷调查"),
        ),
    ),
    DepartmentTemplate(
        "市工业和信息化局",
        "工信局",
        "gongxinju",
        C.ECONOMY,
        "Qingchuan Industry and Information Technology Bureau",
        "工业和信息化局",
        "economy",
        "负责全市工业经济运行、产业转型升级、中小企业发展和信息化建设。",
        "推动制造业高质量发展",
        "实施规上工业企业数字化改造全覆盖行动",
        (
            _i("规模以上工业增加值增速", EFT, "%", 5.5, 6.5, src="市统计局月报"),
            _cum("新增规模以上工业企业", OUT, "家", 150),
            _i("工业技术改造投资增速", EFT, "%", 8, 10),
            _i("规上工业企业数字化改造覆盖率", OUT, "%", 55, 65),
            _cum("单位工业增加值能耗下降率", EFT, "%", 3.5, dec=2),
            _i("5G基站累计建成数", OUT, "个", 4200, 5200, dec=0),
            _ms("专精特新企业梯度培育进度"),
            _i("工业企业服务满意度", SAT, "分", 88, 90, q=True, src="企业问卷调查"),
        ),
    ),
    DepartmentTemplate(
        "市统计局",
        "统计局",
        "tongjiju",
        C.GENERAL,
        "Qingchuan Statistics Bureau",
        "统计局",
        "digital",
        "负责全市统计调查、国民经济核算、统计数据发布和统计监督。",
        "提高统计数据质量",
        "做好全国经济普查数据处理和发布",
        (
            _i("统计数据按时发布率", QUA, "%", 98, 100),
            _cum("统计执法检查企业数", OUT, "家", 120),
            _i("联网直报企业数据审核通过率", QUA, "%", 96, 99),
            _ms("经济普查数据处理进度"),
            _i("统计调查任务按期完成率", EFF, "%", 97, 100),
            _i("统计数据质量评估得分", EFT, "分", 90, 93),
            _i("统计信息查询服务满意度", SAT, "%", 92, 94, src="平台在线评价"),
        ),
    ),
)

# Every department's second goal: the common duties of a service-oriented government.
SERVICE_GOALS = [
    ("提升政务服务效能和依法行政水平", "推进“高效办成一件事”和涉企服务提质"),
    ("深化政务公开，提高群众诉求办理质量", "开展12345热线诉求办理质效提升行动"),
    ("加强机关效能建设，提升服务满意度", "开展作风建设和服务质量提升专项行动"),
]
GENERIC_INDICATORS: tuple[IndicatorTemplate, ...] = (
    _i("依申请公开按期答复率", QUA, "%", 97, 100),
    _cum("政府信息主动公开数", OUT, "条", 600),
    _i("12345热线工单按时办结率", EFF, "%", 94, 98, src="12345热线平台"),
    _i("12345热线工单满意率", SAT, "%", 90, 94, src="12345热线回访"),
    _i("人大建议政协提案按期办复率", QUA, "%", 98, 100),
    _i("行政复议纠错率", QUA, "%", 6, 4),
    _i("行政诉讼败诉率", QUA, "%", 5, 3),
    _cum("部门预算执行率", EFF, "%", 95, dec=1, src="预算管理一体化系统"),
    _i("依申请政务服务事项网上可办率", OUT, "%", 94, 99),
    _i("政务服务即办件占比", EFF, "%", 40, 50),
    _cum("涉企行政检查次数同比下降率", EFT, "%", 15, dec=1),
    _i("政务服务“好差评”好评率", SAT, "%", 98, 99.5, src="政务服务“好差评”系统"),
    _i("督查督办事项按期办结率", EFF, "%", 92, 98),
    _cum("干部教育培训完成率", OUT, "%", 100, dec=1),
    _ms("数字化履职能力提升项目进度"),
    _i("“一件事”平均办理时长", EFF, "天", 8, 5),
    _i("公文办理平均用时", EFF, "天", 5, 3),
    _i("行政执法案卷评查合格率", QUA, "%", 92, 96),
    _i("服务对象满意度", SAT, "分", 88, 91, q=True, src="第三方满意度测评"),
    _cum("政策文件解读发布数", OUT, "篇", 60),
)

# Districts and counties whose offices appear at --scale above 1 (pinyin for the slugs).
DISTRICTS = [
    ("东湖区", "donghu"),
    ("西岭区", "xiling"),
    ("南浦区", "nanpu"),
    ("北塘区", "beitang"),
    ("江滨区", "jiangbin"),
    ("云台区", "yuntai"),
    ("临溪县", "linxi"),
    ("青山县", "qingshan"),
    ("白沙县", "baisha"),
    ("石门县", "shimen"),
]
STREETS = ["青川大道", "滨江路", "人民路", "解放路", "府前街", "新华路", "锦江路", "文昌路"]
GOAL_SOURCES = [
    "{year}年政府工作报告 第{part}部分第{item}项",
    "{year}年政府工作报告 第{part}部分第{item}项",
    "{year}年政府工作报告 第{part}部分第{item}项",
    "市委市政府{year}年十件民生实事 第{item}项",
    "{plan} 第{part}章第{item}节",
    "{year}年市委全会重点任务 第{item}项",
]
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
HOME_INTRO = (
    "<p>欢迎访问青川市政府绩效公开平台。这里公开市政府年度目标、各部门承担的任务和指标、"
    "每月进展（红黄绿灯）和部门绩效评价结果，所有数据均可下载。</p>"
)
HOME_INTRO_EN = (
    "<p>Welcome to the Qingchuan government performance portal. It publishes the city's annual "
    "goals, the tasks and indicators of every department, monthly progress (red, yellow and "
    "green lights) and department evaluations; every figure can be downloaded.</p>"
)
HOME_NOTICE = "演示数据：青川市及其部门、人员和数据均为虚构。"


# --------------------------------------------------------------------------------------------
# Pure helpers (no database)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DepartmentSpec:
    """One department to create: the template it follows and its concrete identity."""

    template: DepartmentTemplate
    name: str
    short_name: str
    slug: str
    name_en: str
    district: str  # "" for city departments
    size: float  # scales counted targets: a district office does a fraction of the city's work


def department_specs(count: int) -> list[DepartmentSpec]:
    """City departments first, then district offices (东湖区公安分局 …) until ``count`` is met."""
    specs = [
        DepartmentSpec(t, t.name, t.short_name, t.slug, f"{t.name_en}", "", 1.0)
        for t in DEPARTMENTS
    ]
    round_no = 1
    while len(specs) < count:
        for district, district_slug in DISTRICTS:
            for t in DEPARTMENTS:
                if len(specs) >= count:
                    return specs
                # A second round (only past --scale 11) needs a suffix to keep names unique.
                suffix = "" if round_no == 1 else f"（{round_no}）"
                slug_suffix = "" if round_no == 1 else f"-{round_no}"
                specs.append(
                    DepartmentSpec(
                        t,
                        f"{CITY}{district}{t.district_name}{suffix}",
                        f"{district}{t.district_name}{suffix}",
                        f"{t.slug}-{district_slug}{slug_suffix}",
                        f"{district_slug.title()} {'District' if district.endswith('区') else 'County'} "
                        f"{t.name_en.removeprefix(CITY_EN + ' ')}{slug_suffix}",
                        district,
                        0.15,
                    )
                )
        round_no += 1
    return specs[:count]


def as_of_month(today: datetime.date) -> datetime.date:
    """The latest month with data: the month before ``today`` (monthly reports come in after)."""
    return (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def cycle_years(today: datetime.date) -> list[int]:
    """Two completed years and the current one."""
    return [today.year - 2, today.year - 1, today.year]


def indicator_templates_for(template: DepartmentTemplate, rng: random.Random):
    """The department's own indicators plus a sample of the shared service indicators."""
    generic_needed = INDICATORS_PER_DEPARTMENT - len(template.indicators)
    generic = rng.sample(GENERIC_INDICATORS, generic_needed)
    # Keep catalogue order so the same indicator sits at the same place each year.
    generic.sort(key=GENERIC_INDICATORS.index)
    return list(template.indicators), generic


def cycle_targets(
    tpl: IndicatorTemplate, year_index: int, size: float, rng: random.Random
) -> tuple[float, float]:
    """Baseline and target for the ``year_index``-th cycle: each year asks a little more."""
    if tpl.kind == "milestone":
        return 0.0, 100.0
    if tpl.kind == "cum":
        target = tpl.target * (1 + 0.06 * year_index) * rng.uniform(0.9, 1.1)
        if tpl.unit != "%":
            target *= size
        elif tpl.target >= 95:
            target = tpl.target  # completion rates stay at their fixed target
        return 0.0, round(target, tpl.decimals)
    gap = tpl.target - tpl.baseline
    lower = gap < 0
    # Lower-is-better targets tighten more slowly, and never below 60 % of the first target
    # (a licence cannot take zero days).
    step = gap * (0.25 if lower else 0.5) * year_index
    baseline = tpl.baseline + step + rng.uniform(-0.1, 0.1) * abs(gap)
    target = tpl.target + step
    if lower:
        target = max(target, tpl.target * 0.6)
        baseline = max(baseline, target - gap * 0.6)
    elif tpl.unit in ("%", "分") and target > 100:
        # Rates are capped at 100: keep a real distance to go from the baseline.
        target = 100.0
        baseline = min(baseline, target - gap * 0.6)
    # Counted levels (beds, datasets, base stations) are smaller in a district.
    if tpl.unit not in ("%", "分", "‰", "1/10万") and size < 1 and tpl.baseline >= 100:
        baseline, target = baseline * size, target * size
    baseline, target = round(baseline, tpl.decimals), round(target, tpl.decimals)
    if baseline == target:  # guard: progress is measured against target − baseline
        baseline = round(target + (1 if lower else -1) * 10**-tpl.decimals, tpl.decimals)
    return baseline, target


def target_phrase(tpl: IndicatorTemplate, target: Decimal) -> str:
    """The committed result in words, e.g. 新增城镇就业人数累计达到5.2万人."""
    amount = f"{target.normalize():f}{tpl.unit}"
    if tpl.kind == "milestone":
        return f"{tpl.name}达到100%"
    if tpl.kind == "cum":
        return f"{tpl.name}累计达到{amount}"
    if tpl.direction == Indicator.Direction.LOWER:
        return f"{tpl.name}降至{amount}以下"
    if tpl.unit == "%" and target >= 100:
        return f"{tpl.name}达到100%"
    return f"{tpl.name}达到{amount}以上"


PROFILE_FACTORS = {
    "green": (0.96, 1.12),
    "gaps": (0.96, 1.1),
    "yellow": (0.74, 0.86),
    "red": (0.3, 0.6),
}


def choose_profile(rng: random.Random, quality: float, current: bool) -> str:
    """Pick a trajectory; weaker departments lag more often (ranking needs spread)."""
    r = rng.random()
    if current and r < 0.025:
        return "none"
    r = rng.random()
    # Quadratic in the shortfall: a few weak departments carry most red lights, as in practice.
    red = 0.02 + 0.30 * (1 - quality) ** 2
    yellow = red + 0.05 + 0.25 * (1 - quality)
    gaps = yellow + 0.06
    if r < red:
        return "red"
    if r < yellow:
        return "yellow"
    if r < gaps:
        return "gaps"
    return "green"


def trajectory(
    kind: str,
    baseline: float,
    target: float,
    unit: str,
    decimals: int,
    months: list[int],
    profile: str,
    rng: random.Random,
) -> dict[int, float]:
    """Monthly values (month number → value) following the planned path at some pace.

    ``planned = baseline + (target − baseline) × month/12``; the value runs at ``factor`` times
    that pace, reaching it gradually so lagging indicators slip over the year rather than
    starting behind. Counted and milestone values never go down.
    """
    if profile == "none" or not months:
        return {}
    low, high = PROFILE_FACTORS[profile]
    factor = rng.uniform(low, high)
    last = months[-1]
    values: dict[int, float] = {}
    previous = None
    for month in months:
        pace = 1 + (factor - 1) * (month / last) ** 0.7
        share = month / 12 * pace
        if kind == "rate":
            share += rng.gauss(0, 0.02)
        value = baseline + (target - baseline) * share
        if kind == "milestone":
            value = min(100.0, round(value / 5) * 5)
        if unit == "%" or kind == "milestone":
            value = min(value, 100.0)
        value = max(value, 0.0)
        if kind in ("cum", "milestone") and previous is not None:
            value = max(value, previous)
        value = round(value, decimals)
        values[month] = value
        previous = value
    if profile == "gaps" and len(values) > 3:
        for month in rng.sample(sorted(values)[1:], rng.randint(1, 3)):
            del values[month]
    return values


def methodology_for(tpl: IndicatorTemplate) -> str:
    """The 口径 text shown next to every figure."""
    if tpl.kind == "milestone":
        return (
            "按年度工作方案确定的节点计算完成百分比：方案制定20%、招标采购20%、建设实施40%、"
            "验收投用20%，以当月末已完成节点累计；每月由牵头单位报送并附佐证材料。"
        )
    if tpl.kind == "cum":
        return f"自当年1月1日起累计统计至报告月末；全年目标为年度累计值，单位：{tpl.unit}。"
    better = "越低越好" if tpl.direction == Indicator.Direction.LOWER else "越高越好"
    if tpl.dimension == SAT:
        how = "百分制加权平均得分" if tpl.unit == "分" else "（非常满意+满意）÷有效样本×100%"
        return (
            f"通过电话回访、线上问卷和现场评价采集，每期有效样本不少于1000份；{how}；数值{better}。"
        )
    if tpl.unit == "%":
        return f"报告期末累计数据按“分子÷分母×100%”计算，统计截至报告月末；数值{better}。"
    return f"取报告月末时点值（年度累计指标按年初至月末累计）；单位：{tpl.unit}；数值{better}。"


def data_source_for(tpl: IndicatorTemplate, rng: random.Random) -> str:
    if tpl.dimension == SAT:
        return Indicator.DataSource.SURVEY
    if tpl.kind == "milestone":
        return Indicator.DataSource.MANUAL
    return rng.choice([Indicator.DataSource.IMPORT, Indicator.DataSource.API])


def _dec(value: float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.0001"))


# --------------------------------------------------------------------------------------------
# Database work
# --------------------------------------------------------------------------------------------

# Deleted by a flush, children first.
DOMAIN_MODELS: tuple[type[models.Model], ...] = (
    Evaluation,
    MeasurementCorrection,
    Measurement,
    Indicator,
    Goal.co_departments.through,
    Goal,
    QualitativeReview,
    DepartmentEditor,
    Department,
    Cycle,
)


def flush_domain_data() -> None:
    """Delete every department, cycle, goal, indicator, measurement and evaluation.

    Rows of other apps that point at them are removed (or unlinked) through the ORM first;
    the domain tables themselves are emptied with plain DELETE statements, because the ORM
    would load and signal ~150k measurements one by one at --scale 10.
    """
    from wagtail.models import ModelLogEntry, ReferenceIndex
    from wagtail.search.models import IndexEntry

    domain = set(DOMAIN_MODELS)
    for model in DOMAIN_MODELS:
        for rel in model._meta.related_objects:
            if rel.many_to_many:
                through = rel.through
                if through in domain:
                    continue
                fk = next(
                    f for f in through._meta.fields if f.is_relation and f.related_model is model
                )
                through._base_manager.filter(**{f"{fk.name}__isnull": False}).delete()
                continue
            related = rel.related_model
            if related in domain:
                continue
            linked = related._base_manager.filter(**{f"{rel.field.name}__isnull": False})
            if rel.on_delete is models.SET_NULL:
                linked.update(**{rel.field.name: None})
            else:
                linked.delete()
    content_types = ContentType.objects.get_for_models(
        *[m for m in DOMAIN_MODELS if not m._meta.auto_created]
    ).values()
    ModelLogEntry.objects.filter(content_type__in=content_types).delete()
    ReferenceIndex.objects.filter(base_content_type__in=content_types).delete()
    ReferenceIndex.objects.filter(to_content_type__in=content_types).delete()
    # Wagtail's database search index, should any domain model become Indexed.
    IndexEntry.objects.filter(content_type__in=content_types).delete()
    with connection.cursor() as cursor:
        for model in DOMAIN_MODELS:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")


def _permissions(app_label: str, codenames: list[str]) -> list[Permission]:
    return list(
        Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
    )


def ensure_groups() -> tuple[Group, Group]:
    """The city administrators' and the department editors' groups with their permissions."""
    access_admin = _permissions("wagtailadmin", ["access_admin"])
    domain_cts = ContentType.objects.get_for_models(
        *[m for m in DOMAIN_MODELS if not m._meta.auto_created]
    ).values()
    city_admins, _ = Group.objects.get_or_create(name=CITY_ADMIN_GROUP)
    city_admins.permissions.set(
        list(Permission.objects.filter(content_type__in=domain_cts)) + access_admin
    )
    editors, _ = Group.objects.get_or_create(name=DEPARTMENT_EDITOR_GROUP)
    codenames = [
        f"{action}_{model}"
        for model in ("goal", "indicator", "measurement")
        for action in ("add", "change", "view")
    ]
    editors.permissions.set(_permissions("portal", codenames) + access_admin)
    return city_admins, editors


def ensure_user(username: str, password_hash: str, *, superuser=False, **fields):
    """Create the account, or reset it to the demo state if a previous run made it.

    Takes a ready hash: hashing is slow on purpose, so the demo accounts share one per password.
    """
    # password=None makes the factory skip its own (slow) hashing.
    user = UserFactory(username=username, password=None, **fields)
    for name, value in fields.items():
        setattr(user, name, value)
    user.password = password_hash
    user.is_active = True
    user.is_staff = True
    user.is_superuser = superuser
    user.save()
    return user


@contextlib.contextmanager
def per_row_cache_bumps_muted():
    """Mute portal.signal_handlers' cache bump per saved row while loading; bump once after.

    Every bump is a cache write after the commit: the ~1000 corrected values and evaluation
    rows of --scale 10 cost more than the rest of the load. Receivers are found by their
    dispatch_uid; any that cannot be found simply stay connected (slower, still correct).
    """
    from portal import signal_handlers

    receiver = getattr(signal_handlers, "_bump", None)
    muted = []
    if receiver is not None:
        candidates = [
            (post_save, model, f"portal-bump-save-{model.__name__}")
            for model in getattr(signal_handlers, "DATA_MODELS", ())
        ] + [(m2m_changed, Goal.co_departments.through, "portal-bump-m2m")]
        for signal, sender, uid in candidates:
            if signal.disconnect(sender=sender, dispatch_uid=uid):
                muted.append((signal, sender, uid))
    try:
        yield
    finally:
        for signal, sender, uid in muted:
            signal.connect(receiver, sender=sender, dispatch_uid=uid)
        bump_data_version()


@dataclass
class DemoExtension:
    """Another app's part of the demo city (reports, surveys): ``flush()`` removes what it
    built before the domain is emptied; ``build(context)`` adds its data once the domain's
    data and scores exist. Registered from the app's ``ready()`` (the domain never imports
    those apps)."""

    name: str
    build: Callable[[DemoContext], None]
    flush: Callable[[], None] = lambda: None


@dataclass
class DemoContext:
    """What an extension may build on."""

    departments: list[Department]
    cycles: list[Cycle]
    as_of: datetime.date
    admin: object
    editors_by_department: dict
    rng: random.Random
    fake: object
    log: Callable[[str], None]
    result: DemoResult


_DEMO_EXTENSIONS: dict[str, DemoExtension] = {}


def register_demo_extension(name: str, build, flush=None) -> None:
    _DEMO_EXTENSIONS[name] = DemoExtension(name, build, flush or (lambda: None))


@dataclass
class DemoResult:
    """What was built, for the command's summary and the tests."""

    scale: int
    seed: int
    as_of: datetime.date
    departments: int = 0
    goals_by_level: dict[str, int] = field(default_factory=dict)
    indicators_by_dimension: dict[str, int] = field(default_factory=dict)
    measurements: int = 0
    corrections: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    admin_password: str = ""
    editor_password: str = ""
    editors: list[str] = field(default_factory=list)


def build_demo_city(
    *,
    scale: int = 1,
    seed: int = DEFAULT_SEED,
    today: datetime.date | None = None,
    department_count: int | None = None,
    recompute: bool = True,
    log: Callable[[str], None] = lambda message: None,
) -> DemoResult:
    """Flush the performance domain and build 青川市 for ``scale`` (1 = 20+ departments).

    ``department_count`` overrides the size (tests use a small city); everything else follows
    from ``seed`` and ``today`` (which decides the cycles and the as-of month).
    """
    # The city's calendar decides which month's reports are in (Asia/Shanghai, not UTC).
    today = today or timezone.localdate()
    as_of = as_of_month(today)
    rng = random.Random(seed)
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    count = department_count or max(len(DEPARTMENTS), DEPARTMENTS_PER_SCALE * scale)
    admin_password = os.environ.get("DEMO_ADMIN_PASSWORD") or DEFAULT_ADMIN_PASSWORD
    editor_password = os.environ.get("DEMO_EDITOR_PASSWORD") or DEFAULT_EDITOR_PASSWORD
    result = DemoResult(scale=scale, seed=seed, as_of=as_of)
    result.admin_password, result.editor_password = admin_password, editor_password

    with per_row_cache_bumps_muted(), transaction.atomic():
        log("Removing previous data…")
        for extension in _DEMO_EXTENSIONS.values():
            extension.flush()
        flush_domain_data()

        log("Accounts and groups…")
        city_admins, editor_group = ensure_groups()
        admin = ensure_user(
            ADMIN_USERNAME,
            make_password(admin_password),
            superuser=True,
            email="admin@qingchuan.example.gov.cn",
        )
        editor_hash = make_password(editor_password)
        city_admin = ensure_user(
            CITY_ADMIN_USERNAME,
            editor_hash,
            first_name=fake.first_name(),
            last_name=fake.last_name(),
        )
        city_admin.groups.set([city_admins])

        log(f"Departments ({count})…")
        specs = department_specs(count)
        departments = _create_departments(specs, rng, fake)
        editors_by_department = {}
        for dept in departments:
            if dept.slug in EDITOR_SLUGS:
                user = ensure_user(
                    f"editor_{dept.slug}",
                    editor_hash,
                    first_name=fake.first_name(),
                    last_name=fake.last_name(),
                )
                user.groups.set([editor_group])
                DepartmentEditorFactory(user=user, department=dept)
                editors_by_department[dept.pk] = user
                result.editors.append(user.username)

        # Each department keeps the same indicator set every year, as real schemes do.
        catalogue = {spec.slug: indicator_templates_for(spec.template, rng) for spec in specs}
        corrections: list[tuple[Indicator, datetime.date, float, str]] = []
        base_quality = {d.pk: rng.random() for d in departments}
        years = cycle_years(today)
        cycles = []
        for year_index, year in enumerate(years):
            cycle = CycleFactory(year=year)
            cycles.append(cycle)
            current = year == as_of.year and as_of.month < 12
            months = [m for m in range(1, 13) if datetime.date(year, m, 1) <= as_of]
            log(f"{year}: goals…")
            goals_by_dept = _create_goals(cycle, specs, departments, rng)
            log(f"{year}: indicators…")
            indicators = _create_indicators(
                cycle, specs, departments, goals_by_dept, catalogue, year_index, rng
            )
            log(f"{year}: measurements for {len(indicators)} indicators…")
            # A department's strength persists from year to year, with some drift.
            quality = {
                d.pk: min(1.0, max(0.0, base_quality[d.pk] + rng.gauss(0, 0.08)))
                for d in departments
            }
            result.measurements += _create_measurements(
                indicators, months, current, quality, rng, editors_by_department, corrections
            )
            _create_reviews(cycle, departments, current, quality, rng)

        log(f"Corrections ({len(corrections)})…")
        by_department = {d.pk: d for d in departments}
        for indicator, period, value, reason in corrections:
            owner = by_department[indicator.goal.owner_id]
            actions.record_measurement(
                indicator,
                period,
                _dec(value),
                user=editors_by_department.get(owner.pk, admin),
                reason=reason,
                note=f"{reason}（原数据已保留在更正记录中）",
            )
        _set_home_page(admin)
        if connection.vendor == "postgresql":
            # Fresh planner statistics for the tables just filled: until autovacuum gets to
            # them, PostgreSQL may plan joins over them as if they were empty (minutes, not ms).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

        if recompute:
            for cycle in cycles:
                log(f"{cycle.year}: recomputing statuses and evaluations…")
                evaluation.recompute_cycle(cycle)

        for name, extension in _DEMO_EXTENSIONS.items():
            log(f"{name}…")
            fake_for = Faker("zh_CN")
            fake_for.seed_instance(f"{seed}-{name}")
            extension.build(
                DemoContext(
                    departments=departments,
                    cycles=cycles,
                    as_of=as_of,
                    admin=admin,
                    editors_by_department=editors_by_department,
                    rng=random.Random(f"{seed}-{name}"),
                    fake=fake_for,
                    log=log,
                    result=result,
                )
            )

    _summarise(result)
    return result


def _create_departments(specs, rng, fake) -> list[Department]:
    objs = []
    for order, spec in enumerate(specs):
        district = spec.district or rng.choice(DISTRICTS)[0]
        objs.append(
            DepartmentFactory.build(
                name=spec.name,
                short_name=spec.short_name,
                slug=spec.slug,
                name_en=spec.name_en,
                category=spec.template.category,
                description=spec.template.description
                if not spec.district
                else spec.template.description.replace("全市", spec.district, 1),
                contact_phone=f"0839-{rng.randint(2000000, 8999999)}",
                contact_email=f"{spec.slug.replace('-', '.')}@qingchuan.example.gov.cn",
                address=f"{CITY}{district}{rng.choice(STREETS)}{rng.randint(1, 399)}号",
                sort_order=order,
            )
        )
    return Department.objects.bulk_create(objs)


def _source(year: int, part: int, rng: random.Random) -> str:
    plan = (
        "青川市国民经济和社会发展第十五个五年规划纲要"
        if year >= 2026
        else "青川市国民经济和社会发展第十四个五年规划纲要"
    )
    return rng.choice(GOAL_SOURCES).format(year=year, part=part, item=rng.randint(1, 12), plan=plan)


def _create_goals(cycle, specs, departments, rng) -> dict[int, tuple[Goal, Goal, Goal, Goal]]:
    """City goals, then two goals per department (own duty, service), each with a key task."""
    year = cycle.year
    by_slug = {d.slug: d for d in departments}
    first = departments[0]
    city_goals = []
    co_rows = []
    for index, (_key, title, lead, _co, part) in enumerate(CITY_GOALS, start=1):
        owner = by_slug.get(lead, first)
        city_goals.append(
            GoalFactory.build(
                cycle=cycle,
                code=f"{year}-{index:02d}",
                title=title,
                description=f"{year}年全市重点目标：{title}。由{owner.short_name}牵头，"
                "相关部门按职责分工推进。",
                level=Goal.Level.CITY,
                owner=owner,
                source=f"{year}年政府工作报告 第{part}部分",
                deadline=datetime.date(year, 12, 31),
                measure="由分解到各部门的目标和指标完成情况综合衡量。",
                target_statement=f"年底前{title}各项分解任务全面完成。",
                sort_order=index,
            )
        )
    Goal.objects.bulk_create(city_goals)
    city_by_key = {CITY_GOALS[i][0]: g for i, g in enumerate(city_goals)}
    for goal, (_, _, _, co, _) in zip(city_goals, CITY_GOALS, strict=True):
        co_rows += [(goal, by_slug[s]) for s in co if s in by_slug]

    numbers = Counter()
    dept_goals, plan = [], []
    for spec, dept in zip(specs, departments, strict=True):
        service_title, service_task = rng.choice(SERVICE_GOALS)
        for key, title, task in (
            (spec.template.theme, spec.template.goal, spec.template.task),
            ("service", service_title, service_task),
        ):
            parent = city_by_key[key]
            numbers[key] += 1
            code = f"{parent.code}-{numbers[key]:02d}"
            part = next(p for k, *_, p in CITY_GOALS if k == key)
            source = _source(year, part, rng)
            goal = GoalFactory.build(
                cycle=cycle,
                code=code,
                title=f"{title}" if not spec.district else f"{spec.district}{title}",
                description=f"落实“{parent.title}”部署，{dept.short_name}{title}。",
                level=Goal.Level.DEPARTMENT,
                parent=parent,
                owner=dept,
                source=source,
                deadline=datetime.date(year, 12, 31),
                sort_order=numbers[key],
            )
            dept_goals.append(goal)
            plan.append((dept, goal, task, source))
    Goal.objects.bulk_create(dept_goals)

    tasks = []
    for dept, goal, task, source in plan:
        deadline = rng.choice([(9, 30), (11, 30), (12, 31), (12, 31)])
        tasks.append(
            GoalFactory.build(
                cycle=cycle,
                code=f"{goal.code}-K1",
                title=task,
                description=f"{goal.title}的年度重点任务，由{dept.short_name}组织实施。",
                level=Goal.Level.TASK,
                parent=goal,
                owner=dept,
                source=source,
                deadline=datetime.date(year, *deadline),
                measure="按月调度任务节点完成情况，以所属指标的完成进度衡量。",
                target_statement=f"{deadline[0]}月{deadline[1]}日前完成年度任务。",
                sort_order=1,
            )
        )
        # Cross-cutting work: most department goals name one or two partner departments.
        for partner in rng.sample(departments, k=min(2, len(departments))):
            if partner.pk != dept.pk and rng.random() < 0.6:
                co_rows.append((goal, partner))
    Goal.objects.bulk_create(tasks)
    through = Goal.co_departments.through
    through.objects.bulk_create(
        [through(goal_id=g.pk, department_id=d.pk) for g, d in dict.fromkeys(co_rows)],
        batch_size=MEASUREMENT_BATCH,
    )
    result = {}
    for i in range(0, len(plan), 2):
        dept = plan[i][0]
        result[dept.pk] = (dept_goals[i], tasks[i], dept_goals[i + 1], tasks[i + 1])
    return result


def _create_indicators(
    cycle, specs, departments, goals_by_dept, catalogue, year_index, rng
) -> list[tuple[Indicator, IndicatorTemplate]]:
    """Own indicators under the department goal (last two on its task), service ones likewise."""
    built = []
    for spec, dept in zip(specs, departments, strict=True):
        own, generic = catalogue[spec.slug]
        goal, task, service_goal, service_task = goals_by_dept[dept.pk]
        for group, main, sub in ((own, goal, task), (generic, service_goal, service_task)):
            counters = Counter()
            for index, tpl in enumerate(group):
                # The last three of each group belong to the key task (目标分解).
                target_goal = sub if index >= len(group) - 3 else main
                counters[target_goal.code] += 1
                n = counters[target_goal.code]
                baseline, target = cycle_targets(tpl, year_index, spec.size, rng)
                goal_code = target_goal.code
                ind = IndicatorFactory.build(
                    goal=target_goal,
                    code=f"{goal_code}-{n:02d}",
                    name=tpl.name,
                    dimension=tpl.dimension,
                    unit=tpl.unit,
                    baseline=_dec(baseline),
                    target=_dec(target),
                    direction=tpl.direction,
                    weight=Decimal(rng.choice(["1", "1", "1.5", "2", "2", "3"]))
                    if tpl.dimension != SAT
                    else Decimal("1"),
                    frequency=Indicator.Frequency.QUARTERLY
                    if tpl.quarterly
                    else Indicator.Frequency.MONTHLY,
                    data_source=data_source_for(tpl, rng),
                    source_description=tpl.source or f"{dept.short_name}业务统计台账",
                    methodology=methodology_for(tpl),
                    sort_order=n,
                )
                built.append((ind, tpl))
    Indicator.objects.bulk_create([ind for ind, _ in built], batch_size=MEASUREMENT_BATCH)
    # SMART statements name the goal's own indicators and their numeric targets.
    by_goal: dict[int, list] = {}
    for ind, tpl in built:
        by_goal.setdefault(ind.goal_id, []).append((ind, tpl))
    goals = []
    for rows in by_goal.values():
        goal = rows[0][0].goal
        names = "、".join(ind.name for ind, _ in rows[:3])
        goal.measure = (
            f"以{names}等{len(rows)}项指标衡量，按月报送数据、按月亮灯预警，年底综合评价。"
        )
        phrases = "；".join(target_phrase(tpl, ind.target) for ind, tpl in rows[:3])
        # Indicator targets are for the year's end even when a task's own deadline is earlier.
        goal.target_statement = f"到{goal.cycle.year}年底，{phrases}。"
        goals.append(goal)
    Goal.objects.bulk_update(goals, ["measure", "target_statement"], batch_size=1000)
    return built


def _create_measurements(indicators, months, current, quality, rng, editors, corrections) -> int:
    """Bulk-insert the monthly values; a few are first reported wrong and corrected later."""
    total = 0
    batch: list[Measurement] = []
    for ind, tpl in indicators:
        dept_id = ind.goal.owner_id
        profile = choose_profile(rng, quality[dept_id], current)
        report_months = [m for m in months if not tpl.quarterly or m % 3 == 0]
        values = trajectory(
            tpl.kind,
            float(ind.baseline),
            float(ind.target),
            tpl.unit,
            tpl.decimals,
            report_months,
            profile,
            rng,
        )
        latest = max(values) if values else None
        for month, value in values.items():
            period = datetime.date(ind.goal.cycle.year, month, 1)
            note = ""
            if month == latest and profile in ("yellow", "red"):
                note = rng.choice(LAG_REASONS)
            reported = value
            if month != latest and rng.random() < CORRECTION_SHARE:
                # First reported a few percent off; the true value arrives as a correction.
                reported = round(value * rng.choice([0.94, 0.97, 1.03, 1.06]), tpl.decimals)
                if tpl.unit == "%":
                    reported = min(reported, 100.0)
                if reported != value:
                    corrections.append((ind, period, value, rng.choice(CORRECTION_REASONS)))
            batch.append(
                Measurement(
                    indicator=ind,
                    period=period,
                    value=_dec(reported),
                    note=note,
                    source=ind.source_description,
                    entered_by=editors.get(dept_id),
                )
            )
        if len(batch) >= MEASUREMENT_BATCH:
            Measurement.objects.bulk_create(batch)
            total += len(batch)
            batch = []
    Measurement.objects.bulk_create(batch)
    return total + len(batch)


def _create_reviews(cycle, departments, current, quality, rng) -> None:
    reviews = []
    for dept in departments:
        # The review panel sees the same strengths and weaknesses the indicators show.
        score = round(min(98.0, 68 + 26 * quality[dept.pk] + rng.uniform(-3, 3)), 1)
        strength, weakness = rng.choice(REVIEW_STRENGTHS), rng.choice(REVIEW_WEAKNESSES)
        when = "年中评议" if current else "年度考核评议"
        reviews.append(
            QualitativeReviewFactory.build(
                department=dept,
                cycle=cycle,
                score=Decimal(str(score)),
                note=f"{when}：{strength}；{weakness}。评议组建议继续加强薄弱环节整改。",
            )
        )
    QualitativeReview.objects.bulk_create(reviews)


def _set_home_page(user) -> None:
    home = HomePage.objects.order_by("depth", "path").first()
    if home is None:
        return
    home.intro, home.intro_en, home.site_notice = HOME_INTRO, HOME_INTRO_EN, HOME_NOTICE
    # Publishing through a revision keeps the admin's edit view in step with the live page.
    home.save_revision(user=user).publish(user=user)


def _summarise(result: DemoResult) -> None:
    result.departments = Department.objects.count()
    levels = dict(Goal.Level.choices)
    result.goals_by_level = {
        str(levels[row["level"]]): row["n"]
        for row in Goal.objects.values("level").annotate(n=models.Count("pk")).order_by("level")
    }
    result.indicators_by_dimension = {
        row["dimension"]: row["n"]
        for row in Indicator.objects.values("dimension")
        .annotate(n=models.Count("pk"))
        .order_by("dimension")
    }
    result.measurements = Measurement.objects.count()
    result.corrections = MeasurementCorrection.objects.count()
    result.statuses = {
        row["status"]: row["n"]
        for row in Indicator.objects.values("status")
        .annotate(n=models.Count("pk"))
        .order_by("status")
    }


def data_fingerprint() -> str:
    """A digest of the loaded departments and values: equal for equal seeds."""
    digest = hashlib.sha256()
    for row in Department.objects.order_by("slug").values_list("slug", "name", "address"):
        digest.update(repr(row).encode())
    # Sorted in Python: ordering the join in SQL let PostgreSQL pick a nested-loop plan on
    # freshly loaded (not yet analysed) tables that ran for minutes.
    codes = dict(Indicator.objects.values_list("pk", "code"))
    rows = sorted(
        (codes[indicator_id], period, value)
        for indicator_id, period, value in Measurement.objects.order_by().values_list(
            "indicator_id", "period", "value"
        )
    )
    for row in rows:
        digest.update(repr(row).encode())
    return digest.hexdigest()
