"""The demo city's reports: a yearly performance report (or progress bulletin for the year under
way), the 政府信息公开工作年度报告 of each finished year in the national format (国办公开办函〔2021〕
30号), self-evaluation reports of the departments that have demo editors, one draft, and the
generated monthly report of the latest scored month (published, as the city would after
review) with a department's monthly draft beside it.

Built by ``manage.py load_demo_data`` through the ``portal_demo_data`` hook, from the
figures the demo city just computed, so every number in a report matches the site.
"""

from __future__ import annotations

import datetime

from django.db.models import Count

from disclosure.factories import (
    chart,
    heading,
    indicator_table,
    make_report,
    paragraph,
    rankings,
    report_index,
    scorecard,
    status_summary,
    table,
)
from disclosure.models import ReportKind, ReportPage
from portal.months import chinese_month_label

NEXT_STEPS = (
    "持续压减政务服务事项办理时限，推进“高效办成一件事”。",
    "对红灯指标逐项制定整改清单，明确责任单位和完成时限。",
    "加强数据质量核查，更正数据一律保留原值和更正理由。",
    "扩大群众满意度评价覆盖面，差评事项按期回访整改。",
    "加强部门协同，对牵头和配合部门分别考核。",
)


def flush() -> None:
    for page in ReportPage.objects.order_by("-path"):
        page.delete()


def build(ctx) -> None:
    from portal.models import Evaluation, Goal, Indicator, Status

    rng, admin = ctx.rng, ctx.admin
    index = report_index()
    grant_page_permissions(index)
    if not index.intro:
        index.intro = (
            "<p>青川市及各部门发布的目标绩效报告、进展通报和政府信息公开工作年度报告。</p>"
        )
        index.save_revision(user=admin).publish(user=admin)
    editors = {
        d.pk: u for d, u in ((d, ctx.editors_by_department.get(d.pk)) for d in ctx.departments) if u
    }
    built = 0
    for cycle in ctx.cycles:
        year = cycle.year
        finished = datetime.date(year, 12, 1) <= ctx.as_of
        month = (
            Evaluation.objects.filter(cycle=cycle)
            .order_by("-period")
            .values_list("period", flat=True)
            .first()
        )
        statuses = dict(
            Goal.objects.filter(cycle=cycle, level=Goal.Level.DEPARTMENT)
            .values_list("status")
            .annotate(n=Count("pk"))
        )
        goals = sum(statuses.values())
        top = (
            list(
                Evaluation.objects.filter(cycle=cycle, period=month, rank__isnull=False)
                .select_related("department")
                .order_by("rank")[:10]
            )
            if month
            else []
        )
        key = (
            Indicator.objects.filter(goal__cycle=cycle, dimension="satisfaction")
            .order_by("goal__owner__sort_order", "code")
            .values_list("code", "name")
            .first()
        )
        as_of = chinese_month_label(month) if month else f"{year}年"
        body = [
            heading("一、总体情况"),
            paragraph(
                f"<p>{year}年，全市各部门共承担部门目标{goals}项。截至{as_of}，"
                f"进展正常（绿灯）{statuses.get(Status.GREEN, 0)}项，"
                f"滞后（黄灯）{statuses.get(Status.YELLOW, 0)}项，"
                f"严重滞后（红灯）{statuses.get(Status.RED, 0)}项。</p>"
            ),
        ]
        if top:
            body += [
                heading("二、部门综合得分"),
                table(
                    f"表1 {as_of}部门综合得分前{len(top)}名",
                    [["名次", "部门", "综合得分", "等次"]]
                    + [[e.rank, e.department.name, f"{e.total:.1f}", e.grade] for e in top],
                    source="青川市目标绩效管理平台",
                ),
                rankings(year, limit=10, caption=f"{as_of}部门综合得分排名"),
                status_summary(year, caption=f"{as_of}全市指标红黄绿灯"),
            ]
        if key:
            body += [heading("三、重点指标"), chart(key[0], f"{key[1]}逐月变化")]
            compared = list(
                Indicator.objects.filter(goal__cycle=cycle, dimension="satisfaction")
                .order_by("goal__owner__sort_order", "code")
                .values_list("code", flat=True)[:8]
            )
            if len(compared) > 1:
                body += [
                    chart(
                        compared[0],
                        "各部门满意度指标完成进度",
                        chart_type="ranked_bar",
                        others=compared[1:],
                    ),
                    indicator_table(compared, "满意度指标完成情况"),
                ]
        body += [
            heading("四、下一步工作"),
            paragraph(
                "<ol>" + "".join(f"<li>{s}</li>" for s in rng.sample(NEXT_STEPS, 3)) + "</ol>"
            ),
        ]
        if finished:
            title, kind = f"青川市{year}年度目标绩效管理工作报告", ReportKind.PERFORMANCE
            date = datetime.date(year + 1, 2, 10 + rng.randint(0, 15))
        else:
            title, kind = (
                f"青川市{year}年目标绩效管理进展通报（截至{month.month if month else 1}月）",
                ReportKind.PROGRESS,
            )
            date = ctx.as_of + datetime.timedelta(days=40)
        make_report(
            title,
            slug=f"{year}-jixiao-{'baogao' if finished else 'tongbao'}",
            kind=kind,
            year=year,
            body=body,
            user=admin,
            publisher="青川市人民政府办公室",
            summary=f"{year}年全市目标绩效管理{'工作' if finished else '进展'}情况：目标完成、部门得分和下一步工作。",
            report_date=min(date, datetime.date.today()),
        )
        built += 1
        if finished:
            make_report(
                f"青川市人民政府{year}年政府信息公开工作年度报告",
                slug=f"{year}-xinxi-gongkai-nianbao",
                kind=ReportKind.DISCLOSURE,
                year=year,
                user=admin,
                publisher="青川市人民政府办公室",
                summary=f"{year}年主动公开、依申请公开、行政复议和行政诉讼情况。",
                report_date=datetime.date(year + 1, 1, 20 + rng.randint(0, 10)),
                body=annual_report_body(rng),
            )
            built += 1
        for dept in ctx.departments:
            user = editors.get(dept.pk)
            if user is None:
                continue
            own = (
                Indicator.objects.filter(goal__cycle=cycle, goal__owner=dept)
                .order_by("code")
                .values_list("code", "name")
                .first()
            )
            mine = [e for e in top if e.department_id == dept.pk]
            text = (
                f"<p>{dept.name}{year}年承担的目标任务推进情况如下。"
                + (
                    f"截至{as_of}综合得分{mine[0].total:.1f}分，排名第{mine[0].rank}位。"
                    if mine
                    else ""
                )
                + "</p>"
            )
            make_report(
                f"{dept.name}{year}年度绩效自评报告",
                slug=f"{year}-{dept.slug}-ziping",
                year=year,
                department=dept,
                user=user,
                published_by=admin,  # department editors draft, the city publishes
                publisher=dept.name,
                summary=f"{dept.name}{year}年目标任务、指标完成和整改情况。",
                report_date=min(
                    datetime.date(year + 1, 1, 15)
                    if finished
                    else ctx.as_of + datetime.timedelta(days=35),
                    datetime.date.today(),
                ),
                body=[heading("一、目标完成情况"), paragraph(text)]
                + ([chart(own[0], own[1], chart_type="bar")] if own else [])
                + [
                    status_summary(year, dept.slug, f"{dept.name}指标红黄绿灯"),
                    heading("二、综合得分"),
                    scorecard(year, dept.slug, caption=f"{dept.name}{as_of}综合得分明细"),
                ],
            )
            built += 1
    current = max(c.year for c in ctx.cycles)
    make_report(
        f"青川市{current + 1}年度目标绩效考核细则（征求意见稿）",
        slug=f"{current + 1}-kaohe-xize",
        publish=False,
        year=current + 1,
        user=admin,
        body=[paragraph("<p>征求意见稿，尚未发布。</p>")],
    )
    published, drafts = build_monthly_reports(ctx, admin, editors)
    ctx.log(f"  {built + published} published reports, {1 + drafts} drafts")


def build_monthly_reports(ctx, admin, editors: dict) -> tuple[int, int]:
    """The city's monthly report of the latest scored month of the newest published year,
    drafted from the data and published; one department's draft of the same month, drafted
    by its editor and left for review. Returns (published, drafts)."""
    from disclosure.actions import draft_monthly_report
    from portal.models import Evaluation

    cycle = max((c for c in ctx.cycles if c.published), key=lambda c: c.year, default=None)
    scored = Evaluation.objects.filter(cycle=cycle).order_by("-period")
    month = scored.values_list("period", flat=True).first() if cycle else None
    if month is None:
        return 0, 0
    report = draft_monthly_report(month, user=admin).report
    report.get_latest_revision().publish(user=admin)
    department = next((d for d in ctx.departments if d.pk in editors), None)
    if department is None:
        return 1, 0
    draft_monthly_report(month, department=department, user=editors[department.pk])
    return 1, 1


def grant_page_permissions(index) -> None:
    """City administrators write and publish reports (and review them, as city reviewers);
    department editors write drafts and submit them to the review workflow."""
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import GroupPagePermission

    from portal.demo import CITY_ADMIN_GROUP, DEPARTMENT_EDITOR_GROUP

    grants = {
        CITY_ADMIN_GROUP: ("add_page", "change_page", "publish_page", "delete_page"),
        DEPARTMENT_EDITOR_GROUP: ("add_page", "change_page"),
    }
    # The demo's city administrators review and publish reports (disclosure/workflow.py).
    from disclosure.workflow import CITY_REVIEWERS

    reviewers = Group.objects.get(name=CITY_REVIEWERS)
    for user in Group.objects.get(name=CITY_ADMIN_GROUP).user_set.all():
        user.groups.add(reviewers)
    for group_name, codenames in grants.items():
        group = Group.objects.get(name=group_name)
        for permission in Permission.objects.filter(
            content_type__app_label="wagtailcore", codename__in=codenames
        ):
            GroupPagePermission.objects.get_or_create(
                group=group, page=index, permission=permission
            )


def annual_report_body(rng) -> list:
    """The six sections of the statutory annual report, its three tables filled with
    consistent fictional figures (every total adds up; nothing needs confirming as printed)."""
    from disclosure import annual

    table3 = {r.key: {c.key: 0 for c in annual.TABLE3_COLUMNS} for r in annual.TABLE3_ROWS}
    weights = [60, 15] + [2] * (len(annual.OUTCOME_ROWS) - 2)
    for col in annual.APPLICANT_COLUMNS:
        natural = col == "natural"
        received = rng.randint(0, 40) if natural else rng.randint(0, 6)
        carried = rng.randint(0, 3) if natural else 0
        carry = rng.randint(0, min(2, received))
        handled = received + carried - carry
        for _ in range(handled):
            table3[rng.choices(annual.OUTCOME_ROWS, weights=weights)[0]][col] += 1
        table3["new_received"][col], table3["carried_over"][col] = received, carried
        table3["total_processed"][col], table3["carried_forward"][col] = handled, carry
    for cells in table3.values():
        cells["total"] = sum(cells[c] for c in annual.APPLICANT_COLUMNS)
    in_force = rng.randint(20, 60)
    table2 = {
        "rules": {"issued": rng.randint(0, 2), "repealed": 0, "in_force": rng.randint(3, 9)},
        "normative_documents": {
            "issued": rng.randint(2, 12),
            "repealed": rng.randint(0, 5),
            "in_force": in_force,
        },
        "licensing": {"decisions": rng.randint(300, 900)},
        "penalty": {"decisions": rng.randint(1000, 5000)},
        "coercion": {"decisions": rng.randint(50, 300)},
        "fees": {"amount": f"{rng.randint(100000, 900000) / 100:.2f}"},
    }
    table4 = {}
    for group in annual.TABLE4_GROUPS:
        cells = {m: rng.randint(0, 4 if m == "upheld" else 1) for m in ("upheld", "corrected")}
        cells.update(other=0, pending=rng.randint(0, 1))
        cells["total"] = sum(cells.values())
        table4[group.key] = cells
    one, two, three, four, five, six = annual.SECTIONS
    return [
        heading(one),
        paragraph(
            "<p>本报告依据《中华人民共和国政府信息公开条例》和国务院办公厅政府信息公开工作"
            "年度报告格式要求编制，所列数据的统计期限自当年1月1日起至12月31日止。</p>"
        ),
        heading(two),
        ("annual_proactive", table2),
        heading(three),
        ("annual_applications", table3),
        heading(four),
        ("annual_review_litigation", table4),
        heading(five),
        paragraph(f"<p>{rng.choice(NEXT_STEPS)}</p>"),
        heading(six),
        paragraph("<p>本年度未收取信息处理费。</p>"),
    ]
