"""The ambient execution context of the running step."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass
from typing import Mapping, Optional

from ._logger import TempoStepLogger
from ._models import StepRequest

_ambient: "contextvars.ContextVar[Optional[TempoExecutionContext]]" = contextvars.ContextVar(
    "tempo_execution_context", default=None
)


@dataclass(frozen=True)
class TempoExecutionContext:
    """Where the running step is: request ids, the host's variables, and its logger."""

    tenant_id: Optional[str]
    data_flow_id: str
    flow_run_id: Optional[str]
    run_assignment_id: Optional[str]
    step_id: Optional[str]
    step_run_id: Optional[str]
    request_id: str
    worker_id: Optional[str]
    logger: TempoStepLogger

    @staticmethod
    def current() -> Optional["TempoExecutionContext"]:
        """The context of the step running now, or None outside one."""
        return _ambient.get()

    @classmethod
    def of(cls, request: StepRequest, env: Mapping[str, str], logger: TempoStepLogger) -> "TempoExecutionContext":
        """The context of *request* under the host's variables *env*."""
        return cls(
            tenant_id=request.tenant_id,
            data_flow_id=request.data_flow_id,
            flow_run_id=request.flow_run_id,
            run_assignment_id=env.get("TEMPO_RUN_ASSIGNMENT_ID") or None,
            step_id=env.get("TEMPO_STEP_ID") or None,
            step_run_id=request.step_run_id,
            request_id=request.request_id,
            worker_id=env.get("TEMPO_WORKER_ID") or None,
            logger=logger,
        )


def get_current_execution_context() -> Optional[TempoExecutionContext]:
    """The context of the step running now, or None outside one."""
    return _ambient.get()


def enter(context: TempoExecutionContext) -> "contextvars.Token[Optional[TempoExecutionContext]]":
    """Makes *context* the ambient one; give the token to :func:`leave`."""
    return _ambient.set(context)


def leave(token: "contextvars.Token[Optional[TempoExecutionContext]]") -> None:
    """Restores the context that was ambient before :func:`enter`."""
    _ambient.reset(token)
