"""factory_boy factories for surveys, results and rectification cases (tests and the demo)."""

import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from portal.factories import DepartmentFactory
from surveys.models import (
    Answer,
    RectificationCase,
    Response,
    Service,
    Survey,
    SurveyQuestion,
    SurveyResult,
)


class ServiceFactory(DjangoModelFactory):
    """A service window of a department."""

    class Meta:
        model = Service
        django_get_or_create = ("slug",)

    department = factory.SubFactory(DepartmentFactory)
    name = factory.Sequence(lambda n: f"不动产登记窗口{n}")
    name_en = factory.Sequence(lambda n: f"Property registration window {n}")
    slug = factory.Sequence(lambda n: f"service-{n}")
    channel = Service.Channel.WINDOW
    address = "市民中心二楼 12 号窗口"


class SurveyFactory(DjangoModelFactory):
    """A service-window survey whose results are public."""

    class Meta:
        model = Survey
        django_get_or_create = ("slug",)
        skip_postgeneration_save = True  # services are a many-to-many: nothing to save

    department = factory.SubFactory(DepartmentFactory)
    title = factory.Sequence(lambda n: f"政务服务窗口满意度调查{n}")
    title_en = factory.Sequence(lambda n: f"Service window satisfaction survey {n}")
    slug = factory.Sequence(lambda n: f"survey-{n}")
    description = "办事群众在窗口办结业务后扫码评价。"
    results_public = True

    @factory.post_generation
    def services(self, create, extracted, **kwargs):
        """``SurveyFactory(services=["不动产登记窗口"])``: services of the survey's department,
        given by name (made if missing) or as Service rows."""
        if not create or not extracted:
            return
        for item in extracted:
            if isinstance(item, str):
                item, _created = Service.objects.get_or_create(
                    department=self.department,
                    name=item,
                    defaults={"slug": f"{self.slug}-{Service.objects.count() + 1}"},
                )
            self.services.add(item)


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
    options = factory.LazyFunction(lambda: ["非常满意", "满意", "基本满意", "不满意", "非常不满意"])


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


class ResponseFactory(DjangoModelFactory):
    """A resident's response (add answers with AnswerFactory)."""

    class Meta:
        model = Response

    survey = factory.SubFactory(SurveyFactory)
    submitted_at = factory.LazyFunction(
        lambda: datetime.datetime(2026, 10, 15, 10, 0, tzinfo=datetime.UTC)
    )
    period = factory.LazyAttribute(lambda o: o.submitted_at.date().replace(day=1))
    day = factory.LazyAttribute(lambda o: o.submitted_at.date())
    client_key = factory.Sequence(lambda n: f"client-{n:028d}")


class AnswerFactory(DjangoModelFactory):
    """One answer at a level of the survey's first question."""

    class Meta:
        model = Answer

    response = factory.SubFactory(ResponseFactory)
    question = factory.SubFactory(SurveyQuestionFactory)
    level = 4
