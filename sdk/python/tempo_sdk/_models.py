"""The request and result documents, and the helpers that build results."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Mapping, Optional, Union

from ._protocol import CURRENT, StepResultType, new_id, normalize_protocol_version

_MISSING = object()


def _pick(value: Mapping[str, Any], camel: str, snake: str, default: Any = None) -> Any:
    found = value.get(camel, _MISSING)
    if found is _MISSING:
        found = value.get(snake, _MISSING)
    return default if found is _MISSING else found


def _result_type(value: Union[StepResultType, str, None]) -> Optional[StepResultType]:
    if value is None or value == "":
        return None
    return value if isinstance(value, StepResultType) else StepResultType(str(value))


def _require_dict(value: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ValueError(f"{what} must be a JSON object.")
    return value


def _compact(value: Any) -> str:
    # ASCII escapes keep the wire independent of the locale the host gives the process.
    return json.dumps(value, separators=(",", ":"))


@dataclass
class StepRequest:
    """The one document a host sends a handler. A missing flow or request id is generated."""

    protocol_version: str = CURRENT
    tenant_id: Optional[str] = None
    data_flow_id: str = ""
    flow_run_id: Optional[str] = None
    step_run_id: Optional[str] = None
    request_id: str = ""
    data: Any = None
    metadata: Any = None
    previous_result: Optional[StepResultType] = None

    def __post_init__(self) -> None:
        self.protocol_version = normalize_protocol_version(self.protocol_version)
        self.data_flow_id = self.data_flow_id or new_id("flow")
        self.request_id = self.request_id or new_id("req")
        self.previous_result = _result_type(self.previous_result)

    @classmethod
    def from_dict(cls, value: Mapping[str, Any]) -> "StepRequest":
        """A request from a parsed document (camelCase or snake_case keys)."""
        source = _require_dict(value, "A step request")
        return cls(
            protocol_version=_pick(source, "protocolVersion", "protocol_version", CURRENT),
            tenant_id=_pick(source, "tenantId", "tenant_id"),
            data_flow_id=_pick(source, "dataFlowId", "data_flow_id") or "",
            flow_run_id=_pick(source, "flowRunId", "flow_run_id"),
            step_run_id=_pick(source, "stepRunId", "step_run_id"),
            request_id=_pick(source, "requestId", "request_id") or "",
            data=source.get("data"),
            metadata=source.get("metadata"),
            previous_result=_pick(source, "previousResult", "previous_result"),
        )

    @classmethod
    def from_json(cls, text: Union[str, bytes]) -> "StepRequest":
        """A request from JSON text."""
        return cls.from_dict(json.loads(text))

    def to_dict(self) -> dict:
        """The wire shape, camelCase."""
        return {
            "protocolVersion": self.protocol_version,
            "tenantId": self.tenant_id,
            "dataFlowId": self.data_flow_id,
            "flowRunId": self.flow_run_id,
            "stepRunId": self.step_run_id,
            "requestId": self.request_id,
            "data": self.data,
            "metadata": self.metadata,
            "previousResult": None if self.previous_result is None else self.previous_result.value,
        }

    def to_json(self) -> str:
        """Compact JSON of the wire shape."""
        return _compact(self.to_dict())


@dataclass
class StepResult:
    """The one document a handler answers with. A missing ``result`` means Success."""

    # A class attribute (no annotation, so not a field): the engine's Artifact.Python shim takes a
    # returned object carrying it as a whole result instead of Success data. The shim cannot
    # import the SDK, so it checks this marker rather than the class.
    __tempo_step_result__ = True

    protocol_version: str = CURRENT
    tenant_id: Optional[str] = None
    data_flow_id: str = ""
    flow_run_id: Optional[str] = None
    step_run_id: Optional[str] = None
    request_id: str = ""
    result: StepResultType = StepResultType.SUCCESS
    data: Any = None
    exception: Optional[str] = None
    metadata: Any = None

    def __post_init__(self) -> None:
        self.protocol_version = normalize_protocol_version(self.protocol_version)
        self.data_flow_id = self.data_flow_id or new_id("flow")
        self.request_id = self.request_id or new_id("req")
        self.result = _result_type(self.result) or StepResultType.SUCCESS

    @classmethod
    def from_dict(cls, value: Mapping[str, Any]) -> "StepResult":
        """A result from a parsed document; ``exception`` is also read from ``exceptionMessage``."""
        source = _require_dict(value, "A step result")
        exception = _pick(source, "exception", "exception_message")
        if exception is None:
            exception = source.get("exceptionMessage")
        return cls(
            protocol_version=_pick(source, "protocolVersion", "protocol_version", CURRENT),
            tenant_id=_pick(source, "tenantId", "tenant_id"),
            data_flow_id=_pick(source, "dataFlowId", "data_flow_id") or "",
            flow_run_id=_pick(source, "flowRunId", "flow_run_id"),
            step_run_id=_pick(source, "stepRunId", "step_run_id"),
            request_id=_pick(source, "requestId", "request_id") or "",
            result=source.get("result") or StepResultType.SUCCESS,
            data=source.get("data"),
            exception=exception,
            metadata=source.get("metadata"),
        )

    @classmethod
    def from_json(cls, text: Union[str, bytes]) -> "StepResult":
        """A result from JSON text."""
        return cls.from_dict(json.loads(text))

    def to_dict(self) -> dict:
        """The wire shape, camelCase."""
        return {
            "protocolVersion": self.protocol_version,
            "tenantId": self.tenant_id,
            "dataFlowId": self.data_flow_id,
            "flowRunId": self.flow_run_id,
            "stepRunId": self.step_run_id,
            "requestId": self.request_id,
            "result": self.result.value,
            "data": self.data,
            "exception": self.exception,
            "metadata": self.metadata,
        }

    def to_json(self) -> str:
        """Compact JSON of the wire shape."""
        return _compact(self.to_dict())


def _as_request(request: Union[StepRequest, Mapping[str, Any]]) -> StepRequest:
    return request if isinstance(request, StepRequest) else StepRequest.from_dict(request)


def correlate_result(result: StepResult, request: Union[StepRequest, Mapping[str, Any]]) -> StepResult:
    """Copies the request's version and ids onto *result* and returns it."""
    source = _as_request(request)
    result.protocol_version = source.protocol_version
    result.tenant_id = source.tenant_id
    result.data_flow_id = source.data_flow_id
    result.flow_run_id = source.flow_run_id
    result.step_run_id = source.step_run_id
    result.request_id = source.request_id
    return result


def _result_of(kind: StepResultType, request: Any, data: Any, metadata: Any) -> StepResult:
    source = _as_request(request)
    return correlate_result(
        StepResult(result=kind, data=data, metadata=source.metadata if metadata is None else metadata), source
    )


def success(request: Union[StepRequest, Mapping[str, Any]], data: Any = None, metadata: Any = None) -> StepResult:
    """A Success result for *request*; metadata defaults to the request's."""
    return _result_of(StepResultType.SUCCESS, request, data, metadata)


def error(request: Union[StepRequest, Mapping[str, Any]], data: Any = None, metadata: Any = None) -> StepResult:
    """An Error result (an expected failure, routed through failure transitions)."""
    return _result_of(StepResultType.ERROR, request, data, metadata)


def exception_result(
    request: Union[StepRequest, Mapping[str, Any], None], failure: Union[BaseException, str], metadata: Any = None
) -> StepResult:
    """An Exception result with the failure's message; without a request the flow is ``unknown``."""
    message = str(failure) or type(failure).__name__
    if request is None:
        return StepResult(
            data_flow_id="unknown",
            request_id=new_id("req"),
            result=StepResultType.EXCEPTION,
            exception=message,
            metadata=metadata,
        )
    result = _result_of(StepResultType.EXCEPTION, request, None, metadata)
    result.exception = message
    return result
