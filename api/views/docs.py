"""The parameters the endpoints share, as the OpenAPI document describes them."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from portal.models import Indicator, Status


def query(name: str, description: str, **kwargs) -> OpenApiParameter:
    kwargs.setdefault("type", OpenApiTypes.STR)
    return OpenApiParameter(
        name, location=OpenApiParameter.QUERY, description=description, **kwargs
    )


MONTH_PATTERN = r"^\d{4}-\d{2}$"

CYCLE = query("cycle", "A published evaluation year, e.g. 2026.", pattern=r"^\d{4}$")
DEPARTMENT = query("department", "A department's slug (as in its page's address).")
DIMENSION = query("dimension", "The indicator's dimension.", enum=Indicator.Dimension.values)
INDICATOR = query("indicator", "An indicator's code.")
STATUS = query(
    "status",
    "The light (红黄绿灯) of the indicator as of its cycle's latest month.",
    enum=Status.values,
)
FROM = query("from", "First month, YYYY-MM (included).", pattern=MONTH_PATTERN)
TO = query("to", "Last month, YYYY-MM (included).", pattern=MONTH_PATTERN)
MONTH = query("month", "One month, YYYY-MM.", pattern=MONTH_PATTERN)
ACCEPT_LANGUAGE = OpenApiParameter(
    "Accept-Language",
    location=OpenApiParameter.HEADER,
    type=OpenApiTypes.STR,
    description="zh-hans (default) or en: the language of names and labels.",
    required=False,
)
