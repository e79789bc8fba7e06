import json
import os
import re
import shutil
import tempfile
import unittest

from child import request_of, run_once

LOG_LINE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z \[(DEBUG|INFO|WARN|ERROR)\] .+$")


class OneShotTest(unittest.TestCase):
    def setUp(self):
        self.folder = tempfile.mkdtemp(prefix="tempo-sdk-py-")

    def tearDown(self):
        shutil.rmtree(self.folder, ignore_errors=True)

    def test_answers_one_correlated_compact_result_and_exits_0(self):
        code, stdout, _ = run_once(json.dumps(request_of({"action": "echo", "payload": "héllo ✓ 😀"})))
        self.assertEqual(code, 0)
        self.assertFalse(stdout.endswith("\n"))
        self.assertNotIn('": ', stdout)
        self.assertNotIn(', "', stdout)
        self.assertEqual(
            json.loads(stdout),
            {
                "protocolVersion": "1.0",
                "tenantId": "ten_test",
                "dataFlowId": "flow_test",
                "flowRunId": "run_test",
                "stepRunId": "sru_test",
                "requestId": "req_test",
                "result": "Success",
                "data": {"echoed": "héllo ✓ 😀", "length": len("héllo ✓ 😀")},
                "exception": None,
                "metadata": {"origin": "test"},
            },
        )

    def test_writes_every_log_line_to_the_run_log_file_and_only_the_result_to_stdout(self):
        path = os.path.join(self.folder, "nested", "step.log")
        code, stdout, stderr = run_once(json.dumps(request_of({"action": "log", "tag": "t1"})), {"TEMPO_RUN_LOG_FILE": path})
        self.assertEqual(code, 0)
        self.assertEqual(json.loads(stdout)["data"], {"logged": "t1"})
        self.assertEqual(stderr, "")
        with open(path, encoding="utf-8") as log:
            lines = log.read().splitlines()
        for line in lines:
            self.assertRegex(line, LOG_LINE)
        self.assertEqual(
            [line.split(" ", 1)[1] for line in lines],
            [
                "[DEBUG] sdk debug t1",
                '[INFO] sdk info t1 {"n":1}',
                "[WARN] sdk warn t1",
                "[ERROR] sdk error t1",
                "[INFO] print t1",
                "[WARN] logging warning t1",
                "[ERROR] stderr write t1",
            ],
        )

    def test_sends_log_lines_to_stderr_without_a_run_log_file(self):
        _, stdout, stderr = run_once(json.dumps(request_of({"action": "log", "tag": "t2"})))
        self.assertEqual(json.loads(stdout)["result"], "Success")
        self.assertIn("[INFO] print t2", stderr)
        self.assertIn("[DEBUG] sdk debug t2", stderr)

    def test_installs_the_ambient_context(self):
        _, stdout, _ = run_once(
            json.dumps(request_of({"action": "context"})),
            {"TEMPO_RUN_ASSIGNMENT_ID": "ras_1", "TEMPO_STEP_ID": "my.step", "TEMPO_WORKER_ID": "wrk_1"},
        )
        self.assertEqual(
            json.loads(stdout)["data"],
            {
                "tenantId": "ten_test",
                "dataFlowId": "flow_test",
                "flowRunId": "run_test",
                "runAssignmentId": "ras_1",
                "stepId": "my.step",
                "stepRunId": "sru_test",
                "requestId": "req_test",
                "workerId": "wrk_1",
                "hasLogger": True,
            },
        )

    def test_keeps_error_results_and_turns_a_raise_into_an_exception_result(self):
        failed = json.loads(run_once(json.dumps(request_of({"action": "error", "value": 3})))[1])
        self.assertEqual(failed["result"], "Error")
        self.assertEqual(failed["data"], {"reason": "business rule", "input": 3})
        code, stdout, _ = run_once(json.dumps(request_of({"action": "exception"})))
        self.assertEqual(code, 0)
        self.assertEqual(json.loads(stdout)["result"], "Exception")
        self.assertEqual(json.loads(stdout)["exception"], "handler failed on purpose")
        self.assertEqual(json.loads(stdout)["requestId"], "req_test")

    def test_awaits_async_handlers(self):
        _, stdout, _ = run_once(json.dumps(request_of({"action": "async", "value": 7})))
        self.assertEqual(json.loads(stdout)["data"], {"awaited": 7})

    def test_answers_unreadable_input_with_an_uncorrelated_exception_result(self):
        code, stdout, _ = run_once("{not json")
        self.assertEqual(code, 0)
        result = json.loads(stdout)
        self.assertEqual(result["result"], "Exception")
        self.assertEqual(result["dataFlowId"], "unknown")
        self.assertRegex(result["requestId"], r"^req_[a-z0-9]+_[a-z0-9]+$")
        self.assertEqual(len(result["requestId"]), 32)

    def test_refuses_a_protocol_version_it_does_not_speak(self):
        _, stdout, _ = run_once(json.dumps(request_of({"action": "echo"}, protocolVersion="2.0")))
        self.assertEqual(json.loads(stdout)["exception"], "Unsupported Tempo step protocol version '2.0'.")

    def test_carries_a_5_mb_payload(self):
        payload = "x" * (5 * 1024 * 1024)
        _, stdout, _ = run_once(json.dumps(request_of({"action": "echo", "payload": payload})))
        self.assertEqual(json.loads(stdout)["data"]["length"], len(payload))

    def test_the_test_app_uses_every_export(self):
        import tempo_sdk

        _, stdout, _ = run_once(json.dumps(request_of({"action": "surface"})))
        surface = json.loads(stdout)["data"]
        self.assertEqual(surface["all"], sorted(tempo_sdk.__all__))
        self.assertEqual(
            {key: value for key, value in surface.items() if key != "all"},
            {
                "V1": "1.0",
                "CURRENT": "1.0",
                "SUPPORTED": ["1.0"],
                "PROTOCOL_VERSION_ENV": "TEMPO_PROTOCOL_VERSION",
                "SUPPORTED_PROTOCOL_VERSIONS_ENV": "TEMPO_SUPPORTED_PROTOCOL_VERSIONS",
                "resultTypes": ["Success", "Timeout", "Error", "Exception", "MaxIterationsExceeded"],
                "sameRequest": True,
                "snake": ["flow_snake", "req_snake", "Error"],
                "builtResult": ["Error", "x"],
                "correlated": True,
                "normalized": "1.0",
                "supported": [True, False],
                "helpers": ["Success", "Error", "e"],
                "marked": True,
                "protocolEnvironment": "1.0",
                "environmentLogger": True,
                "collected": ['INFO:one {"two":2}'],
                "serialized": 1,
                "deserialized": "flow_d",
                "ambient": True,
            },
        )
        with open(os.path.join(os.path.dirname(__file__), "..", "test_app", "tempo_test_handler.py"), encoding="utf-8") as source:
            text = source.read()
        for name in tempo_sdk.__all__:
            self.assertRegex(text, rf"\b{name}\b", f"{name} is not exercised by the test app")


if __name__ == "__main__":
    unittest.main()
