"""factory_boy factories for surveys, results and rectification cases (tests and the demo)."""

import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from portal.factories import DepartmentFactory
from surveys.models import RectificationCase, Survey, SurveyQuestion, SurveyResult


class SurveyFactory(DjangoModelFactory):
    """A service-window survey whose results are public."""

    class Meta:
        model = Survey
        django_get_or_create = ("slug",)

    department = factory.SubFactory(DepartmentFactory)
    title = factory.Sequence(lambda n: f"政务服务窗口满意度调查{n}")
    title_en = factory.Sequence(lambda n: f"Service window satisfaction survey {n}")
    slug = factory.Sequence(lambda n: f"survey-{n}")
    service = "不动产登记窗口"
    description = "办事群众在窗口办结业务后扫码评价。"
    results_public = True


class SurveyQuestionFactory(DjangoModelFactory):
    """A five-level satisfaction question."""

    class Meta:
        model = SurveyQuestion

    survey = factory.SubFactory(SurveyFactory)
    sort_order = factory.Sequence(lambda n: n)
    text = "您对本次办事服务的总体评价是？"
    text_en = "Overall, how satisfied are you with the service you received?"
    kind = SurveyQuestion.Kind.SCALE
    scale = SurveyQuestion.Scale.SATISFACTION
    options = factory.LazyFunction(lambda: ["非常满意", "满意", "一般", "不满意", "非常不满意"])


class SurveyResultFactory(DjangoModelFactory):
    """One month of aggregated results."""

    class Meta:
        model = SurveyResult

    survey = factory.SubFactory(SurveyFactory)
    period = datetime.date(2026, 1, 1)
    responses = 120
    mean_score = Decimal("4.35")
    satisfied_share = Decimal("88.3")
    source = "本站评价"


class RectificationCaseFactory(DjangoModelFactory):
    """A public, completed rectification case of the survey's department."""

    class Meta:
        model = RectificationCase

    survey = factory.SubFactory(SurveyFactory)
    department = factory.LazyAttribute(lambda o: o.survey.department)
    title = factory.Sequence(lambda n: f"窗口排队时间过长整改{n}")
    problem = "群众反映午间窗口排队超过一小时。"
    measures = "增设午间弹性窗口，推行预约办理。"
    result = "午间平均等候时间降至15分钟。"
    status = RectificationCase.Status.DONE
    reported_on = datetime.date(2026, 2, 3)
    resolved_on = datetime.date(2026, 3, 20)
    public = True
