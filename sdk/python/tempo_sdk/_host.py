"""The protocol v1 host: one-shot (one request, one result) and persistent mode."""

from __future__ import annotations

import asyncio
import functools
import inspect
import json
import logging
import os
import sys
from typing import Any, Callable, Dict, List, Mapping, MutableMapping, Optional

from ._context import TempoExecutionContext, enter, get_current_execution_context, leave
from ._logger import TempoStepLogger, create_logger_from_environment
from ._models import StepRequest, StepResult, correlate_result, exception_result, success
from ._protocol import CURRENT, PERSISTENT_PROTOCOL_ENV, RUN_LOG_FILE_ENV, StepResultType
from ._redirect import redirect_output

Handler = Callable[[StepRequest], Any]

READY_LINE = json.dumps({"type": "ready", "protocolVersion": CURRENT, "mode": "persistent"}, separators=(",", ":"))


def _result_of(request: StepRequest, value: Any) -> StepResult:
    return correlate_result(value, request) if isinstance(value, StepResult) else success(request, value)


async def _invoke(handler: Handler, request: StepRequest, env: Mapping[str, str], logger: TempoStepLogger) -> StepResult:
    token = enter(TempoExecutionContext.of(request, env, logger))
    try:
        value = handler(request)
        if inspect.isawaitable(value):
            value = await value
        return _result_of(request, value)
    except (KeyboardInterrupt, asyncio.CancelledError):
        raise
    except BaseException as failure:  # noqa: BLE001 - every other failure is an Exception result
        return exception_result(request, failure)
    finally:
        leave(token)


def _serialize(result: StepResult) -> str:
    try:
        return result.to_json()
    except (TypeError, ValueError) as failure:
        return exception_result(result, f"handler result is not JSON-serialisable: {failure}").to_json()


def _read_all(stream: Any) -> str:
    raw = stream.buffer.read() if hasattr(stream, "buffer") else stream.read()
    return raw.decode("utf-8") if isinstance(raw, bytes) else raw


def _protocol_writer(stream: Any) -> Callable[[str], None]:
    binary = getattr(stream, "buffer", None)

    def write(text: str) -> None:
        if binary is not None:
            binary.write(text.encode("utf-8"))
            binary.flush()
        else:
            stream.write(text)
            stream.flush()

    return write


async def _run_once(handler: Handler, input_stream: Any, send: Callable[[str], None]) -> int:
    request: Optional[StepRequest] = None
    logger = create_logger_from_environment()
    # Without a run-log file the logger writes to stderr, which the host captures: never stdout.
    restore = redirect_output(logger)
    try:
        text = _read_all(input_stream)
        request = StepRequest.from_json(text if text.strip() else "{}")
        result = await _invoke(handler, request, os.environ, logger)
    except (KeyboardInterrupt, asyncio.CancelledError):
        raise
    except BaseException as failure:  # noqa: BLE001 - an unreadable request is an Exception result
        result = exception_result(request, failure)
    finally:
        restore()
    send(_serialize(result))
    return 0


def _apply_environment(env: MutableMapping[str, str], environment: Any) -> Callable[[], None]:
    saved: Dict[str, Optional[str]] = {}
    if isinstance(environment, dict):
        for name, value in environment.items():
            saved[name] = env.get(name)
            env[name] = str(value)

    def restore() -> None:
        for name, value in saved.items():
            if value is None:
                env.pop(name, None)
            else:
                env[name] = value

    return restore


async def _serve_line(handler: Handler, line: bytes, logger: TempoStepLogger) -> StepResult:
    try:
        frame = json.loads(line.decode("utf-8"))
    except ValueError as failure:
        return exception_result(None, f"bad invoke line: {failure}")
    if not isinstance(frame, dict) or frame.get("type") != "invoke":
        return exception_result(None, "bad invoke line: not an invoke frame.")
    restore = _apply_environment(os.environ, frame.get("environment"))
    try:
        request = StepRequest.from_dict(frame.get("request") or {})
        return await _invoke(handler, request, os.environ, logger)
    except ValueError as failure:
        return exception_result(None, failure)
    finally:
        restore()


async def _serve(handler: Handler, input_stream: Any, send: Callable[[str], None]) -> int:
    send(READY_LINE + "\n")

    def frames(level: str, lines: List[str]) -> None:
        send("".join(json.dumps({"type": "log", "level": level, "text": text}, separators=(",", ":")) + "\n" for text in lines))

    logger = TempoStepLogger(frames)
    restore = redirect_output(logger)
    reader = getattr(input_stream, "buffer", input_stream)
    try:
        while True:
            line = reader.readline()
            if not line:
                return 0
            if isinstance(line, str):
                line = line.encode("utf-8")
            if not line.strip():
                continue
            result = await _serve_line(handler, line, logger)
            send('{"type":"result","result":' + _serialize(result) + "}\n")
    finally:
        restore()


class TempoStepHost:
    """Runs a step handler as a protocol v1 process."""

    @staticmethod
    async def run_async(handler: Handler, input_stream: Any = None, output_stream: Any = None) -> int:
        """Serves *handler* over stdin/stdout (or the given streams); returns the exit code, always
        0: every failure is written as a result. With ``TEMPO_PERSISTENT_PROTOCOL=1`` it serves
        invocations until its input ends."""
        source = sys.stdin if input_stream is None else input_stream
        send = _protocol_writer(sys.stdout if output_stream is None else output_stream)
        if os.environ.get(PERSISTENT_PROTOCOL_ENV) == "1":
            return await _serve(handler, source, send)
        return await _run_once(handler, source, send)

    @staticmethod
    def run(handler: Handler, input_stream: Any = None, output_stream: Any = None) -> int:
        """:meth:`run_async` for a synchronous ``main``: ``raise SystemExit(TempoStepHost.run(h))``."""
        return asyncio.run(TempoStepHost.run_async(handler, input_stream, output_stream))

    @staticmethod
    def deserialize_request(text: str) -> StepRequest:
        """Reads a request from JSON text."""
        return StepRequest.from_json(text)

    @staticmethod
    def serialize_result(result: StepResult) -> str:
        """Writes a result as compact JSON."""
        return _serialize(result)


_PYTHON_LEVELS = {"DEBUG": logging.DEBUG, "INFO": logging.INFO, "WARN": logging.WARNING, "ERROR": logging.ERROR}


def _shim_logger() -> TempoStepLogger:
    if os.environ.get(RUN_LOG_FILE_ENV):
        return create_logger_from_environment()
    if os.environ.get(PERSISTENT_PROTOCOL_ENV) == "1":
        # The shim turns root logging records into log frames with their level. Its root level is
        # INFO, so records go straight to the handlers: the step logger's own debug lines count.
        def through_logging(level: str, lines: List[str]) -> None:
            root = logging.getLogger()
            for line in lines:
                root.handle(root.makeRecord(root.name, _PYTHON_LEVELS[level], "tempo_sdk", 0, line, (), None))

        return TempoStepLogger(through_logging)
    return TempoStepLogger()


def step(func: Handler) -> Handler:
    """Marks *func* as a Tempo step handler and returns a handler that also works when the
    engine's own shim calls it (an ``Artifact.Python`` entrypoint): it reads the request dict,
    installs the execution context the SDK host would, and returns the result's data for a
    Success, the :class:`StepResult` itself otherwise."""
    setattr(func, "__tempo_step__", True)

    @functools.wraps(func)
    def handler(request: Any) -> Any:
        if get_current_execution_context() is not None:
            return func(request)
        parsed = request if isinstance(request, StepRequest) else StepRequest.from_dict(request)
        result = asyncio.run(_invoke(func, parsed, os.environ, _shim_logger()))
        if result.result is StepResultType.SUCCESS:
            return result.data
        # The shim recognises the object by StepResult.__tempo_step_result__ and keeps its result.
        # A shim from before that marker cannot serialise the object and ends the step as
        # Exception: still a failure, never a silent Success.
        return result

    setattr(handler, "__tempo_step__", True)
    return handler
