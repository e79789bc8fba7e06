"""Sends what a handler prints or logs to the step logger: stdout belongs to the protocol."""

from __future__ import annotations

import logging
import sys
from typing import Callable

from ._logger import TempoStepLogger

_LEVELS = {"DEBUG": "DEBUG", "INFO": "INFO", "WARNING": "WARN", "ERROR": "ERROR", "CRITICAL": "ERROR"}


class _LoggerStream:
    """A text stream that logs each complete line at one level."""

    def __init__(self, logger: TempoStepLogger, level: str) -> None:
        self._logger = logger
        self._level = level
        self._pending = ""
        self.encoding = "utf-8"

    def write(self, text: str) -> int:
        self._pending += str(text)
        if "\n" in self._pending:
            complete, self._pending = self._pending.rsplit("\n", 1)
            self._logger.write(self._level, complete)
        return len(text)

    def flush(self) -> None:
        if self._pending:
            self._logger.write(self._level, self._pending)
            self._pending = ""

    def isatty(self) -> bool:
        return False


class _LoggerHandler(logging.Handler):
    def __init__(self, logger: TempoStepLogger) -> None:
        super().__init__()
        self._logger = logger

    def emit(self, record: logging.LogRecord) -> None:
        self._logger.write(_LEVELS.get(record.levelname, "INFO"), self.format(record))


def redirect_output(logger: TempoStepLogger) -> Callable[[], None]:
    """print/sys.stdout → INFO, sys.stderr → ERROR, root logging (INFO, ``%(message)s``) → its
    level; returns the function that puts everything back."""
    saved_out, saved_err = sys.stdout, sys.stderr
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    sys.stdout = _LoggerStream(logger, "INFO")
    sys.stderr = _LoggerStream(logger, "ERROR")
    handler = _LoggerHandler(logger)
    handler.setFormatter(logging.Formatter("%(message)s"))
    root.handlers = [handler]
    root.setLevel(logging.INFO)

    def restore() -> None:
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        sys.stdout, sys.stderr = saved_out, saved_err
        root.handlers = saved_handlers
        root.setLevel(saved_level)

    return restore
