"""Tempo step handler SDK for Python: protocol v1 (one-shot and persistent), the execution
context and the run-log logger. Standard library only; Python 3.9+."""

from ._context import TempoExecutionContext, get_current_execution_context
from ._host import TempoStepHost, step
from ._logger import TempoStepLogger, create_logger_from_environment
from ._models import StepRequest, StepResult, correlate_result, error, exception_result, success
from ._protocol import (
    CURRENT,
    PROTOCOL_VERSION_ENV,
    SUPPORTED,
    SUPPORTED_PROTOCOL_VERSIONS_ENV,
    V1,
    StepResultType,
    is_supported_protocol_version,
    normalize_protocol_version,
    supported_protocol_environment,
)

__version__ = "0.1.0"

__all__ = [
    "V1",
    "CURRENT",
    "SUPPORTED",
    "PROTOCOL_VERSION_ENV",
    "SUPPORTED_PROTOCOL_VERSIONS_ENV",
    "StepResultType",
    "StepRequest",
    "StepResult",
    "TempoStepHost",
    "TempoStepLogger",
    "TempoExecutionContext",
    "normalize_protocol_version",
    "is_supported_protocol_version",
    "correlate_result",
    "success",
    "error",
    "exception_result",
    "step",
    "supported_protocol_environment",
    "create_logger_from_environment",
    "get_current_execution_context",
]
