"""The Python SDK's test app: one handler whose ``data["action"]`` picks the feature to exercise.

It runs under the engine's Artifact.Python shim (``run``) and as its own protocol v1 process
through TempoStepHost (``python3 -m tempo_test_handler``), one-shot or persistent.
"""

import asyncio
import base64
import logging
import os
import sys

import tempo_sdk
from tempo_sdk import (
    CURRENT,
    PROTOCOL_VERSION_ENV,
    SUPPORTED,
    SUPPORTED_PROTOCOL_VERSIONS_ENV,
    V1,
    StepRequest,
    StepResult,
    StepResultType,
    TempoExecutionContext,
    TempoStepHost,
    TempoStepLogger,
    correlate_result,
    create_logger_from_environment,
    error,
    exception_result,
    get_current_execution_context,
    is_supported_protocol_version,
    normalize_protocol_version,
    step,
    success,
    supported_protocol_environment,
)


def surface(request):
    """Every export, used once, with what it gave: the engine-side proof that the surface works."""
    copy = StepRequest.from_json(request.to_json())
    snake = StepRequest.from_dict({"data_flow_id": "flow_snake", "request_id": "req_snake", "previous_result": "Error"})
    built = StepResult.from_json(StepResult(result=StepResultType.ERROR, exception="x").to_json())
    correlated = correlate_result(StepResult(data_flow_id="flow_other"), request)
    collected = []
    logger = TempoStepLogger(lambda level, lines: collected.append(f"{level}:{'|'.join(lines)}"))
    logger.info("one", {"two": 2})
    return {
        "V1": V1,
        "CURRENT": CURRENT,
        "SUPPORTED": list(SUPPORTED),
        "PROTOCOL_VERSION_ENV": PROTOCOL_VERSION_ENV,
        "SUPPORTED_PROTOCOL_VERSIONS_ENV": SUPPORTED_PROTOCOL_VERSIONS_ENV,
        "resultTypes": [kind.value for kind in StepResultType],
        "sameRequest": copy.request_id == request.request_id and copy.data_flow_id == request.data_flow_id,
        "snake": [snake.data_flow_id, snake.request_id, snake.previous_result.value],
        "builtResult": [built.result.value, built.exception],
        "correlated": correlated.data_flow_id == request.data_flow_id and correlated.request_id == request.request_id,
        "normalized": normalize_protocol_version(" 1.0 "),
        "supported": [is_supported_protocol_version(""), is_supported_protocol_version("2.0")],
        "helpers": [
            success(request, 1).result.value,
            error(request, 2).result.value,
            exception_result(request, ValueError("e")).exception,
        ],
        "marked": getattr(run, "__tempo_step__", False),
        "protocolEnvironment": supported_protocol_environment(),
        "environmentLogger": isinstance(create_logger_from_environment(), TempoStepLogger),
        "collected": collected,
        "serialized": TempoStepHost.serialize_result(success(request, "x")).count('"data":"x"'),
        "deserialized": TempoStepHost.deserialize_request('{"dataFlowId":"flow_d","requestId":"req_d"}').data_flow_id,
        "ambient": TempoExecutionContext.current() is get_current_execution_context(),
        "all": sorted(tempo_sdk.__all__),
    }


def context(_request):
    current = get_current_execution_context()
    return {
        "tenantId": current.tenant_id,
        "dataFlowId": current.data_flow_id,
        "flowRunId": current.flow_run_id,
        "runAssignmentId": current.run_assignment_id,
        "stepId": current.step_id,
        "stepRunId": current.step_run_id,
        "requestId": current.request_id,
        "workerId": current.worker_id,
        "hasLogger": isinstance(current.logger, TempoStepLogger),
    }


def log(request):
    logger = get_current_execution_context().logger
    tag = request.data["tag"]
    logger.debug(f"sdk debug {tag}")
    logger.info(f"sdk info {tag}", {"n": 1})
    logger.warn(f"sdk warn {tag}")
    logger.error(f"sdk error {tag}")
    print(f"print {tag}")
    logging.getLogger("test.app").warning(f"logging warning {tag}")
    sys.stderr.write(f"stderr write {tag}\n")
    return {"logged": tag}


def binary(request):
    data = base64.b64decode(request.data["base64"])
    return {"base64": base64.b64encode(bytes(255 - byte for byte in data)).decode("ascii"), "size": len(data)}


async def delayed(request):
    await asyncio.sleep(0.01)
    return {"awaited": request.data.get("value")}


def failure(request):
    data = {"reason": "business rule", "input": request.data.get("value")}
    # `nextAction` names the action of the step a failure transition leads to (it reads this output).
    if request.data.get("nextAction"):
        data["action"] = request.data["nextAction"]
    return error(request, data)


def fail(_request):
    raise RuntimeError("handler failed on purpose")


ACTIONS = {
    "context": context,
    "log": log,
    "error": failure,
    "exception": fail,
    "echo": lambda request: {"echoed": request.data.get("payload"), "length": len(request.data.get("payload") or "")},
    # A payload of `size` characters for the next step to echo: bigger than a trigger body may be.
    "large": lambda request: {"action": "echo", "payload": "x" * request.data["size"] + "✓"},
    "binary": binary,
    "previous": lambda request: success(
        request,
        {"previousResult": None if request.previous_result is None else request.previous_result.value},
        {"from": "previous"},
    ),
    "pid": lambda _request: {"pid": os.getpid()},
    "async": delayed,
    "surface": surface,
}


@step
def run(request):
    action = ACTIONS.get((request.data or {}).get("action"))
    if action is None:
        return error(request, {"reason": f"unknown action {(request.data or {}).get('action')}"})
    return action(request)


if __name__ == "__main__":
    raise SystemExit(TempoStepHost.run(run))
