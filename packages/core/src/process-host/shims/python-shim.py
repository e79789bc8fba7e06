# Tempo protocol v1 shim for Artifact.Python: calls run(request) of a module in the artifact.
# Usage: python __tempo_python_shim.py <module> <function> [arguments...]
# The handler's return value is always wrapped as a Success result; an uncaught exception becomes
# an Exception result. stdout carries only the result: anything the handler prints goes to the run
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


class LogFileWriter:
    """A text stream that writes each line as '{timestamp} [{LEVEL}] {text}' to the run log."""

    def __init__(self, path, level):
        self.path = path
        self.level = level
        self.pending = ""

    def write(self, text):
        self.pending += str(text)
        while "\n" in self.pending:
            line, self.pending = self.pending.split("\n", 1)
            self.emit(line)
        return len(text)

    def emit(self, line):
        if line.strip() == "":
            return
        stamp = datetime.datetime.now(datetime.timezone.utc).isoformat().replace("+00:00", "Z")
        with open(self.path, "a", encoding="utf-8") as log:
            log.write(f"{stamp} [{self.level}] {line}\n")

    def flush(self):
        if self.pending:
            self.emit(self.pending)
            self.pending = ""


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
        result = correlated(request, "Success", function(request))
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


if __name__ == "__main__":
    sys.exit(main())
