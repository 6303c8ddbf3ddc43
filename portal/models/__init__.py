from .domain import (
    Cycle,
    Department,
    DepartmentEditor,
    Evaluation,
    Goal,
    Indicator,
    Measurement,
    MeasurementCorrection,
    QualitativeReview,
    Status,
    default_grade_bands,
)
from .pages import HomePage

__all__ = [
    "Cycle",
    "Department",
    "DepartmentEditor",
    "Evaluation",
    "Goal",
    "HomePage",
    "Indicator",
    "Measurement",
    "MeasurementCorrection",
    "QualitativeReview",
    "Status",
    "default_grade_bands",
]
