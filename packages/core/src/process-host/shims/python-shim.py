# Tempo protocol v1 shim for Artifact.Python: calls run(request) of a module in the artifact.
# Usage: python __tempo_python_shim.py <module> <function> [arguments...]
# With TEMPO_PERSISTENT_PROTOCOL=1 it speaks persistent mode: the module is imported once and
# serves one invoke line after another, its output sent as log frames (docs/runtimes.md).
# A returned object marked __tempo_step_result__ with a to_dict() method (the Python SDK's
# StepResult) is a whole result: its result, data, exception and metadata are kept, its ids
# re-correlated. Any other return value is wrapped as Success; an uncaught exception becomes an
# Exception result. stdout carries only the result: anything the handler prints goes to the run
# log file when there is one, otherwise to stderr.
import datetime
import importlib
import json
import logging
import os
import sys
import traceback


def correlated(request, result, data, exception=None, metadata=None):
    return {
        "protocolVersion": request.get("protocolVersion") or "1.0",
        "tenantId": request.get("tenantId"),
        "dataFlowId": request.get("dataFlowId"),
        "flowRunId": request.get("flowRunId"),
        "stepRunId": request.get("stepRunId"),
        "requestId": request.get("requestId"),
        "result": result,
        "data": data,
        "exception": exception,
        "metadata": request.get("metadata") if metadata is None else metadata,
    }


def as_result(request, value):
    # The marker, not the class: the shim runs without the SDK on its path.
    if getattr(value, "__tempo_step_result__", None) is True and callable(getattr(value, "to_dict", None)):
        document = value.to_dict()
        if not isinstance(document, dict):
            raise TypeError("the step result's to_dict() did not return a dict")
        return correlated(
            request,
            document.get("result") or "Success",
            document.get("data"),
            exception=document.get("exception"),
            metadata=document.get("metadata"),
        )
    return correlated(request, "Success", value)


class LineWriter:
    """A text stream that hands each complete, non-blank line to emit(level, line)."""

    def __init__(self, level):
        self.level = level
        self.pending = ""

    def write(self, text):
        self.pending += str(text)
        while "\n" in self.pending:
            line, self.pending = self.pending.split("\n", 1)
            self.emit(self.level, line)
        return len(text)

    def flush(self):
        if self.pending:
            self.emit(self.level, self.pending)
            self.pending = ""

    def emit(self, level, line):
        raise NotImplementedError


class LogFileWriter(LineWriter):
    """Writes each line as '{timestamp} [{LEVEL}] {text}' to the run log."""

    def __init__(self, path, level):
        super().__init__(level)
        self.path = path

    def emit(self, level, line):
        if line.strip() == "":
            return
        stamp = datetime.datetime.now(datetime.timezone.utc).isoformat().replace("+00:00", "Z")
        with open(self.path, "a", encoding="utf-8") as log:
            log.write(f"{stamp} [{level}] {line}\n")


def redirect_output():
    log_file = os.environ.get("TEMPO_RUN_LOG_FILE")
    if not log_file:
        sys.stdout = sys.stderr
        return
    os.makedirs(os.path.dirname(os.path.abspath(log_file)), exist_ok=True)
    sys.stdout = LogFileWriter(log_file, "INFO")
    sys.stderr = LogFileWriter(log_file, "STDERR")
    handler = logging.StreamHandler(LogFileWriter(log_file, "INFO"))
    handler.setFormatter(logging.Formatter("%(message)s"))
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(logging.INFO)


def main():
    protocol_out = sys.stdout
    module_name, function_name = sys.argv[1], sys.argv[2]
    request = {}
    try:
        raw = sys.stdin.read()
        request = json.loads(raw) if raw.strip() else {}
        if not isinstance(request, dict):
            raise ValueError("the step request is not a JSON object")
        sys.argv = [module_name] + sys.argv[3:]
        redirect_output()
        module = importlib.import_module(module_name)
        function = getattr(module, function_name, None)
        if function is None:
            raise AttributeError(f"function not found: {function_name}")
        result = as_result(request, function(request))
    except BaseException as error:  # noqa: BLE001 - every failure must become an Exception result
        result = correlated(
            request,
            "Exception",
            None,
            exception=str(error) or type(error).__name__,
            metadata={"traceback": traceback.format_exc(limit=8)},
        )
    finally:
        for stream in (sys.stdout, sys.stderr):
            if stream is not protocol_out:
                stream.flush()
    try:
        text = json.dumps(result, separators=(",", ":"))
    except (TypeError, ValueError) as error:
        text = json.dumps(
            correlated(request, "Exception", None, exception=f"handler result is not JSON-serialisable: {error}"),
            separators=(",", ":"),
        )
    protocol_out.write(text)
    protocol_out.flush()
    return 0


LOG_LEVELS = {"DEBUG": "DEBUG", "INFO": "INFO", "WARNING": "WARN", "ERROR": "ERROR", "CRITICAL": "ERROR"}


class LogFrameWriter(LineWriter):
    """Sends each line as a persistent-mode log frame on protocol stdout."""

    def __init__(self, out, level):
        super().__init__(level)
        self.out = out

    def emit(self, level, line):
        if line.strip() == "":
            return
        frame = {"type": "log", "level": level, "text": line}
        self.out.write(json.dumps(frame, separators=(",", ":")) + "\n")


class LogFrameHandler(logging.Handler):
    def __init__(self, writer):
        super().__init__()
        self.writer = writer

    def emit(self, record):
        for line in self.format(record).split("\n"):
            self.writer.emit(LOG_LEVELS.get(record.levelname, "INFO"), line)


def invoke(function_name, module_name, state, frame):
    request = frame.get("request") if isinstance(frame, dict) else None
    if not isinstance(request, dict):
        request = {}
    environment = frame.get("environment") if isinstance(frame, dict) else None
    saved = {}
    try:
        if isinstance(environment, dict):
            for name, value in environment.items():
                saved[name] = os.environ.get(name)
                os.environ[name] = str(value)
        if state.get("module") is None:
            state["module"] = importlib.import_module(module_name)
        function = getattr(state["module"], function_name, None)
        if function is None:
            raise AttributeError(f"function not found: {function_name}")
        result = as_result(request, function(request))
    except BaseException as error:  # noqa: BLE001 - every failure must become an Exception result
        result = correlated(
            request,
            "Exception",
            None,
            exception=str(error) or type(error).__name__,
            metadata={"traceback": traceback.format_exc(limit=8)},
        )
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        # The next invocation must not see this one's variables.
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    try:
        return json.dumps({"type": "result", "result": result}, separators=(",", ":"))
    except (TypeError, ValueError) as error:
        failed = correlated(request, "Exception", None, exception=f"handler result is not JSON-serialisable: {error}")
        return json.dumps({"type": "result", "result": failed}, separators=(",", ":"))


def serve():
    """Persistent mode: one ready line, then one invoke line in and one result line out, until EOF."""
    protocol_out = sys.stdout
    protocol_in = sys.stdin.buffer
    module_name, function_name = sys.argv[1], sys.argv[2]
    sys.argv = [module_name] + sys.argv[3:]
    protocol_out.write('{"type":"ready","protocolVersion":"1.0","mode":"persistent"}\n')
    protocol_out.flush()
    sys.stdout = LogFrameWriter(protocol_out, "INFO")
    sys.stderr = LogFrameWriter(protocol_out, "ERROR")
    root = logging.getLogger()
    handler = LogFrameHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(message)s"))
    root.handlers = [handler]
    root.setLevel(logging.INFO)
    state = {"module": None}
    while True:
        line = protocol_in.readline()
        if not line:
            return 0
        if line.strip() == b"":
            continue
        try:
            frame = json.loads(line.decode("utf-8"))
        except ValueError as error:
            text = json.dumps(
                {"type": "result", "result": correlated({}, "Exception", None, exception=f"bad invoke line: {error}")},
                separators=(",", ":"),
            )
        else:
            text = invoke(function_name, module_name, state, frame)
        protocol_out.write(text + "\n")
        protocol_out.flush()


if __name__ == "__main__":
    if os.environ.get("TEMPO_PERSISTENT_PROTOCOL") == "1":
        sys.exit(serve())
    sys.exit(main())
