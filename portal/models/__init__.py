# In the order the models were declared in one module before: the app registry, and so the
# content types and permissions that migrate creates, keep their order.
# isort: off
from .departments import Department, DepartmentEditor
from .cycles import Cycle, default_grade_bands
from .goals import Goal, Indicator
from .measurements import Measurement, MeasurementCorrection
from .evaluations import Evaluation, QualitativeReview
from .pages import HomePage
from .status import Status
from .site_settings import SiteIdentity
from .adjustments import ADJUSTABLE_FIELDS, TargetAdjustment
from .interfaces import ApiToken, DataSource, PushReceipt

# isort: on

__all__ = [
    "ADJUSTABLE_FIELDS",
    "ApiToken",
    "Cycle",
    "DataSource",
    "Department",
    "DepartmentEditor",
    "Evaluation",
    "Goal",
    "HomePage",
    "Indicator",
    "Measurement",
    "MeasurementCorrection",
    "PushReceipt",
    "QualitativeReview",
    "SiteIdentity",
    "Status",
    "TargetAdjustment",
    "default_grade_bands",
]
