import unittest

from child import PersistentChild, request_of


class PersistentTest(unittest.TestCase):
    def test_says_ready_serves_invocations_in_one_process_and_exits_0_at_eof(self):
        child = PersistentChild()
        self.assertEqual(child.line(), {"type": "ready", "protocolVersion": "1.0", "mode": "persistent"})
        child.invoke(request_of({"action": "pid"}, requestId="req_1"))
        first = child.until_result()[-1]["result"]
        child.invoke(request_of({"action": "pid"}, requestId="req_2"))
        second = child.until_result()[-1]["result"]
        self.assertEqual([first["requestId"], second["requestId"]], ["req_1", "req_2"])
        self.assertEqual(first["data"]["pid"], child.process.pid)
        self.assertEqual(second["data"]["pid"], child.process.pid)
        self.assertEqual(child.end(), 0)

    def test_sets_an_invocations_variables_for_that_invocation_only(self):
        child = PersistentChild()
        child.line()
        child.invoke(
            request_of({"action": "context"}),
            {"TEMPO_STEP_ID": "warm.step", "TEMPO_WORKER_ID": "wrk_w", "TEMPO_RUN_ASSIGNMENT_ID": "ras_w"},
        )
        data = child.until_result()[-1]["result"]["data"]
        self.assertEqual([data["stepId"], data["workerId"], data["runAssignmentId"]], ["warm.step", "wrk_w", "ras_w"])
        child.invoke(request_of({"action": "context"}))
        self.assertIsNone(child.until_result()[-1]["result"]["data"]["stepId"])
        self.assertEqual(child.end(), 0)

    def test_sends_log_lines_as_log_frames_before_the_result(self):
        child = PersistentChild()
        child.line()
        child.invoke(request_of({"action": "log", "tag": "p1"}))
        frames = child.until_result()
        self.assertEqual(
            [f"{frame['level']} {frame['text']}" for frame in frames[:-1]],
            [
                "DEBUG sdk debug p1",
                'INFO sdk info p1 {"n":1}',
                "WARN sdk warn p1",
                "ERROR sdk error p1",
                "INFO print p1",
                "WARN logging warning p1",
                "ERROR stderr write p1",
            ],
        )
        self.assertEqual(frames[-1]["result"]["result"], "Success")
        self.assertEqual(child.end(), 0)

    def test_answers_a_bad_line_and_a_raising_handler_and_keeps_serving(self):
        child = PersistentChild()
        child.line()
        child.send("not json\n")
        bad = child.until_result()[-1]["result"]
        self.assertEqual(bad["result"], "Exception")
        self.assertTrue(bad["exception"].startswith("bad invoke line"))
        child.invoke(request_of({"action": "exception"}))
        self.assertEqual(child.until_result()[-1]["result"]["exception"], "handler failed on purpose")
        child.invoke(request_of({"action": "echo", "payload": "still here"}))
        self.assertEqual(child.until_result()[-1]["result"]["data"]["echoed"], "still here")
        self.assertEqual(child.end(), 0)


if __name__ == "__main__":
    unittest.main()
