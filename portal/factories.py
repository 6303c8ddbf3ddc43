"""factory_boy factories for the performance domain (tests and the demo city)."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from factory.django import DjangoModelFactory

from portal.models import (
    Cycle,
    Department,
    DepartmentEditor,
    Evaluation,
    Goal,
    Indicator,
    Measurement,
    MeasurementCorrection,
    QualitativeReview,
)


class UserFactory(DjangoModelFactory):
    """An editor account."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"editor{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.gov.cn")
    # Hashed when built, so no second save after creation.
    password = factory.django.Password("correct-horse-battery")
    is_staff = True


class DepartmentFactory(DjangoModelFactory):
    """A department with a unique Chinese name and Latin slug."""

    class Meta:
        model = Department
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"市第{n}局")
    short_name = factory.Sequence(lambda n: f"第{n}局")
    name_en = factory.Sequence(lambda n: f"Bureau No. {n}")
    slug = factory.Sequence(lambda n: f"bureau-{n}")
    category = Department.Category.GENERAL
    contact_phone = "0571-12345678"


class DepartmentEditorFactory(DjangoModelFactory):
    """Gives a user editing rights on one department."""

    class Meta:
        model = DepartmentEditor

    user = factory.SubFactory(UserFactory)
    department = factory.SubFactory(DepartmentFactory)


class CycleFactory(DjangoModelFactory):
    """A calendar-year evaluation cycle with the default 60/20/20 scheme."""

    class Meta:
        model = Cycle
        django_get_or_create = ("year",)

    year = 2025
    name = factory.LazyAttribute(lambda o: f"{o.year}年度目标绩效考核")
    start_date = factory.LazyAttribute(lambda o: datetime.date(o.year, 1, 1))
    end_date = factory.LazyAttribute(lambda o: datetime.date(o.year, 12, 31))


class GoalFactory(DjangoModelFactory):
    """A department goal in a cycle."""

    class Meta:
        model = Goal

    cycle = factory.SubFactory(CycleFactory)
    code = factory.Sequence(lambda n: f"G{n:04d}")
    title = factory.Sequence(lambda n: f"优化营商环境重点任务{n}")
    level = Goal.Level.DEPARTMENT
    owner = factory.SubFactory(DepartmentFactory)
    source = "政府工作报告"


class IndicatorFactory(DjangoModelFactory):
    """A higher-is-better monthly indicator from 0 to 100."""

    class Meta:
        model = Indicator

    goal = factory.SubFactory(GoalFactory)
    code = factory.Sequence(lambda n: f"I{n:05d}")
    name = factory.Sequence(lambda n: f"企业开办平均时间压缩{n}")
    dimension = Indicator.Dimension.OUTPUT
    unit = "%"
    baseline = Decimal("0")
    target = Decimal("100")
    direction = Indicator.Direction.HIGHER
    weight = Decimal("1")
    source_description = "市统计局月报"
    methodology = "按月累计统计。"


class MeasurementFactory(DjangoModelFactory):
    """A value for one month."""

    class Meta:
        model = Measurement

    indicator = factory.SubFactory(IndicatorFactory)
    period = datetime.date(2025, 1, 1)
    value = Decimal("10")
    source = "市统计局"


class MeasurementCorrectionFactory(DjangoModelFactory):
    """A corrected earlier value."""

    class Meta:
        model = MeasurementCorrection

    measurement = factory.SubFactory(MeasurementFactory)
    old_value = Decimal("9")
    new_value = factory.LazyAttribute(lambda o: o.measurement.value)
    reason = "统计口径更正"


class QualitativeReviewFactory(DjangoModelFactory):
    """A qualitative review score."""

    class Meta:
        model = QualitativeReview

    department = factory.SubFactory(DepartmentFactory)
    cycle = factory.SubFactory(CycleFactory)
    score = Decimal("85")


class EvaluationFactory(DjangoModelFactory):
    """A stored evaluation row."""

    class Meta:
        model = Evaluation

    department = factory.SubFactory(DepartmentFactory)
    cycle = factory.SubFactory(CycleFactory)
    period = datetime.date(2025, 12, 1)
    total = 80.0
