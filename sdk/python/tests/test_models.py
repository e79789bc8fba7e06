import json
import logging
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from tempo_sdk import (  # noqa: E402
    StepRequest,
    StepResult,
    StepResultType,
    TempoStepLogger,
    correlate_result,
    error,
    exception_result,
    get_current_execution_context,
    is_supported_protocol_version,
    normalize_protocol_version,
    step,
    success,
)


class ModelsTest(unittest.TestCase):
    def test_reads_camel_and_snake_case_and_generates_missing_ids(self):
        request = StepRequest.from_dict({"tenant_id": "ten_1", "flowRunId": "run_1", "previous_result": "Error"})
        self.assertEqual(request.tenant_id, "ten_1")
        self.assertEqual(request.flow_run_id, "run_1")
        self.assertIs(request.previous_result, StepResultType.ERROR)
        self.assertTrue(request.data_flow_id.startswith("flow_"))
        self.assertEqual(len(request.data_flow_id), 32)
        self.assertEqual(len(request.request_id), 32)
        self.assertEqual(StepRequest.from_json(request.to_json()), request)

    def test_reads_exception_message_defaults_to_success_and_writes_camel_case(self):
        result = StepResult.from_dict({"exceptionMessage": "boom", "data_flow_id": "flow_x", "request_id": "req_x"})
        self.assertIs(result.result, StepResultType.SUCCESS)
        self.assertEqual(result.exception, "boom")
        self.assertEqual(
            list(result.to_dict()),
            ["protocolVersion", "tenantId", "dataFlowId", "flowRunId", "stepRunId", "requestId", "result", "data", "exception", "metadata"],
        )

    def test_helpers_correlate_and_default_metadata(self):
        request = StepRequest(data_flow_id="flow_a", request_id="req_a", tenant_id="ten_a", metadata={"m": 1})
        self.assertEqual(success(request, 5).metadata, {"m": 1})
        self.assertIs(error(request, 5, {"own": True}).result, StepResultType.ERROR)
        self.assertEqual(error(request, 5, {"own": True}).metadata, {"own": True})
        correlated = correlate_result(StepResult(data_flow_id="flow_b"), request)
        self.assertEqual((correlated.data_flow_id, correlated.tenant_id), ("flow_a", "ten_a"))
        self.assertEqual(exception_result(request, ValueError("bad")).exception, "bad")
        self.assertEqual(exception_result(None, "text").data_flow_id, "unknown")

    def test_versions(self):
        self.assertEqual(normalize_protocol_version(None), "1.0")
        self.assertTrue(is_supported_protocol_version(" 1.0 "))
        with self.assertRaisesRegex(ValueError, r"Unsupported Tempo step protocol version '9'\."):
            StepRequest(protocol_version="9")

    def test_step_handlers_called_by_the_engine_shim_get_a_context(self):
        @step
        def handler(request):
            current = get_current_execution_context()
            return {"requestId": current.request_id, "stepId": current.step_id, "isRequest": isinstance(request, StepRequest)}

        self.assertTrue(handler.__tempo_step__)
        os.environ["TEMPO_STEP_ID"] = "shim.step"
        try:
            self.assertEqual(
                handler({"dataFlowId": "flow_s", "requestId": "req_s"}),
                {"requestId": "req_s", "stepId": "shim.step", "isRequest": True},
            )
        finally:
            del os.environ["TEMPO_STEP_ID"]
        self.assertIsNone(get_current_execution_context())

    def test_step_handlers_under_the_shim_return_non_success_results_whole(self):
        request = {"dataFlowId": "flow_e", "requestId": "req_e", "tenantId": "ten_e", "metadata": {"m": 1}}
        failed = step(lambda request: error(request, {"why": "rule"}))(request)
        self.assertIsInstance(failed, StepResult)
        self.assertIs(StepResult.__tempo_step_result__, True)
        self.assertNotIn("__tempo_step_result__", failed.to_dict())
        self.assertEqual(
            (failed.result, failed.data, failed.metadata, failed.request_id, failed.tenant_id),
            (StepResultType.ERROR, {"why": "rule"}, {"m": 1}, "req_e", "ten_e"),
        )

        def fail(_request):
            raise RuntimeError("broke")

        thrown = step(fail)(request)
        self.assertEqual((thrown.result, thrown.exception), (StepResultType.EXCEPTION, "broke"))
        # A shim from before the marker serialises the return value as Success data: it must fail.
        with self.assertRaises(TypeError):
            json.dumps({"result": "Success", "data": failed})
        self.assertEqual(step(lambda request: success(request, {"ok": True}))(request), {"ok": True})

    def test_step_handlers_under_the_warm_shim_log_every_level_through_root_logging(self):
        # The warm shim turns root logging records into log frames and keeps the root level at INFO.
        seen = []

        class Collect(logging.Handler):
            def emit(self, record):
                seen.append((record.levelname, record.getMessage()))

        root = logging.getLogger()
        saved = (root.handlers, root.level)
        root.handlers, root.level = [Collect()], logging.INFO
        os.environ["TEMPO_PERSISTENT_PROTOCOL"] = "1"
        try:

            @step
            def handler(_request):
                get_current_execution_context().logger.debug("quiet %s")
                get_current_execution_context().logger.warn("loud")
                return None

            handler({"dataFlowId": "flow_w", "requestId": "req_w"})
        finally:
            del os.environ["TEMPO_PERSISTENT_PROTOCOL"]
            root.handlers, root.level = saved
        self.assertEqual(seen, [("DEBUG", "quiet %s"), ("WARNING", "loud")])

    def test_logger_writes_non_blank_lines_through_its_target(self):
        seen = []
        logger = TempoStepLogger(lambda level, lines: seen.append((level, lines)))
        logger.warning("a\n\nb", 3)
        logger.info("   ")
        self.assertEqual(seen, [("WARN", ["a", "b 3"])])
        with self.assertRaisesRegex(ValueError, "Unknown log level"):
            logger.write("TRACE", "x")


if __name__ == "__main__":
    unittest.main()
