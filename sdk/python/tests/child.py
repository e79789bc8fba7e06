"""Runs the test app's handler as a real child process over pipes, as the engine does."""

import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SDK_ROOT = os.path.dirname(HERE)
APP = os.path.join(SDK_ROOT, "test_app")


def environment(extra=None):
    env = {name: value for name, value in os.environ.items() if not name.startswith("TEMPO_")}
    env["PYTHONPATH"] = os.pathsep.join([SDK_ROOT, APP])
    env.update(extra or {})
    return env


def request_of(data, **extra):
    request = {
        "protocolVersion": "1.0",
        "tenantId": "ten_test",
        "dataFlowId": "flow_test",
        "flowRunId": "run_test",
        "stepRunId": "sru_test",
        "requestId": "req_test",
        "data": data,
        "metadata": {"origin": "test"},
        "previousResult": None,
    }
    request.update(extra)
    return request


def run_once(text, extra=None):
    """One-shot: the whole input, then EOF; returns (exit code, stdout, stderr)."""
    done = subprocess.run(
        [sys.executable, "-m", "tempo_test_handler"],
        input=text.encode("utf-8"),
        capture_output=True,
        env=environment(extra),
        timeout=60,
        check=False,
    )
    return done.returncode, done.stdout.decode("utf-8"), done.stderr.decode("utf-8")


class PersistentChild:
    """A child offered persistent mode."""

    def __init__(self, extra=None):
        env = environment({"TEMPO_PERSISTENT_PROTOCOL": "1", **(extra or {})})
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tempo_test_handler"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )

    def line(self):
        return json.loads(self.process.stdout.readline().decode("utf-8"))

    def send(self, text):
        self.process.stdin.write(text.encode("utf-8"))
        self.process.stdin.flush()

    def invoke(self, request, environment=None):
        self.send(json.dumps({"type": "invoke", "request": request, "environment": environment or {}}) + "\n")

    def until_result(self):
        frames = []
        while True:
            frame = self.line()
            frames.append(frame)
            if frame["type"] == "result":
                return frames

    def end(self):
        self.process.stdin.close()
        code = self.process.wait(timeout=30)
        self.process.stdout.close()
        self.process.stderr.close()
        return code
