"""The demo city's pure generators: which departments exist at a scale, each cycle's targets,
the monthly values an indicator reports and the words around them. No database work: given
the same random generator, the same answers (tested without a database).
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from portal.models import Indicator

from .catalogue import (
    CITY,
    CITY_EN,
    DEPARTMENTS,
    DISTRICTS,
    GENERIC_INDICATORS,
    DepartmentTemplate,
    IndicatorTemplate,
)

INDICATORS_PER_DEPARTMENT = 20
DEPARTMENTS_PER_SCALE = 20


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
    if tpl.dimension == Indicator.Dimension.SATISFACTION:
        how = "百分制加权平均得分" if tpl.unit == "分" else "（非常满意+满意）÷有效样本×100%"
        return (
            f"通过电话回访、线上问卷和现场评价采集，每期有效样本不少于1000份；{how}；数值{better}。"
        )
    if tpl.unit == "%":
        return f"报告期末累计数据按“分子÷分母×100%”计算，统计截至报告月末；数值{better}。"
    return f"取报告月末时点值（年度累计指标按年初至月末累计）；单位：{tpl.unit}；数值{better}。"


def data_source_for(tpl: IndicatorTemplate, rng: random.Random) -> str:
    """Where the figures come from: surveys for satisfaction, an editor for milestones."""
    if tpl.dimension == Indicator.Dimension.SATISFACTION:
        return Indicator.DataSource.SURVEY
    if tpl.kind == "milestone":
        return Indicator.DataSource.MANUAL
    return rng.choice([Indicator.DataSource.IMPORT, Indicator.DataSource.API])


def as_decimal(value: float) -> Decimal:
    """A generated value as the domain stores it (four decimal places)."""
    return Decimal(str(value)).quantize(Decimal("0.0001"))
