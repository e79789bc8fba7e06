"""The step logger: run-log file lines, log frames, or stderr; never protocol stdout."""

from __future__ import annotations

import datetime
import json
import os
import sys
from typing import Any, Callable, List, Mapping, Optional, Union

from ._protocol import RUN_LOG_FILE_ENV

LEVELS = ("DEBUG", "INFO", "WARN", "ERROR")

Sink = Callable[[str, List[str]], None]


def _text_of(value: Any) -> str:
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, separators=(",", ":"))
    except (TypeError, ValueError):
        return repr(value)


def _stamp() -> str:
    now = datetime.datetime.now(datetime.timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def format_lines(level: str, lines: List[str]) -> str:
    """``{ISO UTC} [LEVEL] line`` for each line, one timestamp for the lot."""
    stamp = _stamp()
    return "".join(f"{stamp} [{level}] {line}\n" for line in lines)


def _file_sink(path: str) -> Sink:
    folder = os.path.dirname(os.path.abspath(path))

    def write(level: str, lines: List[str]) -> None:
        os.makedirs(folder, exist_ok=True)
        with open(path, "a", encoding="utf-8") as log:
            log.write(format_lines(level, lines))

    return write


def _stderr_sink(level: str, lines: List[str]) -> None:
    # The real stderr, even while sys.stderr is redirected into this logger.
    sys.__stderr__.write(format_lines(level, lines))
    sys.__stderr__.flush()


class TempoStepLogger:
    """Writes a handler's diagnostics, never to protocol stdout.

    The target is a run-log file path, a callable given the level and the non-blank lines (the
    persistent host sends log frames through one), or None for stderr, which the host captures.
    """

    def __init__(self, target: Union[str, Sink, None] = None) -> None:
        self.file: Optional[str] = None
        if callable(target):
            self._sink: Sink = target
        elif isinstance(target, str) and target.strip():
            self.file = target
            self._sink = _file_sink(target)
        else:
            self._sink = _stderr_sink

    def write(self, level: str, *args: Any) -> None:
        """Writes each non-blank line of the arguments (joined by spaces) at *level*."""
        wanted = str(level).upper()
        if wanted == "WARNING":
            wanted = "WARN"
        if wanted not in LEVELS:
            raise ValueError(f"Unknown log level '{level}'.")
        lines = [line for line in " ".join(_text_of(arg) for arg in args).splitlines() if line.strip()]
        if lines:
            self._sink(wanted, lines)

    def debug(self, *args: Any) -> None:
        """Logs at DEBUG."""
        self.write("DEBUG", *args)

    def info(self, *args: Any) -> None:
        """Logs at INFO."""
        self.write("INFO", *args)

    def warn(self, *args: Any) -> None:
        """Logs at WARN."""
        self.write("WARN", *args)

    def warning(self, *args: Any) -> None:
        """Logs at WARN (the name the logging module uses)."""
        self.write("WARN", *args)

    def error(self, *args: Any) -> None:
        """Logs at ERROR."""
        self.write("ERROR", *args)


def create_logger_from_environment(env: Optional[Mapping[str, str]] = None) -> TempoStepLogger:
    """The run-log file logger the host's variables ask for, or a stderr logger without one."""
    source = os.environ if env is None else env
    return TempoStepLogger(source.get(RUN_LOG_FILE_ENV) or None)
