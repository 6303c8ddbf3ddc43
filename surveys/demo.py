"""The demo city's satisfaction surveys: one survey of each department's main service, its
monthly results over every demo year, and rectification cases raised by poor ratings.

Built by ``manage.py load_demo_data`` through the ``portal_demo_data`` hook. Most surveys
publish their results; a few do not (their pages answer 404 and search never shows them), and
some cases stay internal, so the demo shows both sides of the rule.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth.models import Group

from portal.months import month_range
from surveys.models import (
    Answer,
    RectificationCase,
    Response,
    Service,
    Survey,
    SurveyQuestion,
    SurveyResult,
)
from surveys.permissions import grant_group_permissions

SERVICES = {
    "gonganju": "户籍和出入境业务窗口",
    "jiaoyuju": "义务教育入学报名服务",
    "weijianwei": "医院门诊就医服务",
    "zhengwufuwuju": "政务服务中心综合窗口",
    "shengtaihuanjingju": "环境信访投诉办理",
    "rensheju": "社保卡和养老保险业务窗口",
    "zhujianju": "住房公积金提取服务",
    "shichangjianguanju": "企业开办登记窗口",
    "yibaoju": "医保报销窗口",
    "jiaotongju": "公交出行服务",
    "chengguanju": "市容环境投诉处理",
    "minzhengju": "婚姻登记窗口",
    "ziranziyuanju": "不动产登记窗口",
}
QUESTIONS = (
    (
        "您对本次服务的总体满意程度",
        "Overall, how satisfied are you with the service?",
        "scale",
        "satisfaction",
    ),
    ("办理过程是否方便", "How easy was it to get what you needed?", "scale", "ease"),
    ("工作人员服务热情、规范", "Staff were helpful and professional.", "scale", "agreement"),
    ("您对改进服务的意见和建议", "How could we improve the service?", "text", ""),
)
CASES = (
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


def flush() -> None:
    for model in (
        Answer,
        Response,
        SurveyResult,
        SurveyQuestion,
        RectificationCase,
        Survey,
        Service,
    ):
        model.objects.all().delete()


def build(ctx) -> None:
    from portal.demo import CITY_ADMIN_GROUP, DEPARTMENT_EDITOR_GROUP
    from portal.models import Indicator

    rng = ctx.rng
    grant_group_permissions(
        Group.objects.get(name=CITY_ADMIN_GROUP), Group.objects.get(name=DEPARTMENT_EDITOR_GROUP)
    )
    current = max(ctx.cycles, key=lambda c: c.year)
    first = datetime.date(min(c.year for c in ctx.cycles), 1, 1)
    satisfaction = {}
    for code, owner in (
        Indicator.objects.filter(goal__cycle=current, dimension="satisfaction")
        .order_by("code")
        .values_list("pk", "goal__owner_id")
    ):
        satisfaction.setdefault(owner, code)
    results, questions, cases = [], [], []
    surveys = 0
    for order, dept in enumerate(ctx.departments):
        service = SERVICES.get(dept.slug) or f"{dept.short_name or dept.name}办事窗口"
        survey = Survey.objects.create(
            department=dept,
            title=f"{service}满意度调查",
            title_en=f"{dept.name_en or dept.slug} service satisfaction survey",
            slug=f"{dept.slug}-manyidu",
            description=f"办事群众在{service}办结后扫码评价，五级评分，意见建议可选填。",
            indicator_id=satisfaction.get(dept.pk),
            results_public=order % 10 != 7,  # a few departments keep their results internal
        )
        survey.services.add(
            Service.objects.create(
                department=dept,
                name=service,
                slug=f"{dept.slug}-chuangkou",
                channel=Service.Channel.WINDOW,
                address=f"市民中心 {order + 1} 号窗口",
            )
        )
        surveys += 1
        for sort, (text, text_en, kind, scale) in enumerate(QUESTIONS):
            questions.append(
                SurveyQuestion(
                    survey=survey,
                    sort_order=sort,
                    text=text,
                    text_en=text_en,
                    kind=kind,
                    scale=scale,
                    max_length=200 if kind == "text" else None,
                )
            )
        share = rng.uniform(84, 97)
        for month in month_range(first, ctx.as_of):
            share = min(99.5, max(70.0, share + rng.gauss(0.15, 1.2)))
            responses = rng.randint(40, 400)
            results.append(
                SurveyResult(
                    survey=survey,
                    period=month,
                    responses=responses,
                    satisfied_share=Decimal(f"{share:.1f}"),
                    mean_score=Decimal(
                        f"{min(5.0, 1 + share / 100 * 4 + rng.uniform(-0.1, 0.1)):.2f}"
                    ),
                    source="本站扫码评价",
                )
            )
        for n in range(rng.choice((0, 0, 1, 1, 2, 3))):
            title, problem, measures, result = rng.choice(CASES)
            reported = datetime.date(
                ctx.as_of.year - rng.randint(0, 2), rng.randint(1, 12), rng.randint(1, 28)
            )
            reported = min(reported, ctx.as_of)
            done = bool(result) and reported < ctx.as_of - datetime.timedelta(days=60)
            cases.append(
                RectificationCase(
                    department=dept,
                    survey=survey,
                    title=f"{service}：{title}",
                    problem=problem,
                    measures=measures,
                    result=result if done else "",
                    status=RectificationCase.Status.DONE if done else RectificationCase.Status.OPEN,
                    reported_on=reported,
                    resolved_on=reported + datetime.timedelta(days=rng.randint(10, 50))
                    if done
                    else None,
                    public=n != 2,
                )
            )
    SurveyQuestion.objects.bulk_create(questions)
    SurveyResult.objects.bulk_create(results, batch_size=2000)
    RectificationCase.objects.bulk_create(cases)
    ctx.log(
        f"  {surveys} surveys, {len(results)} monthly results, {len(cases)} rectification cases"
    )
