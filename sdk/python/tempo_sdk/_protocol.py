"""Protocol constants, version rules and ids."""

from __future__ import annotations

import os
import secrets
import time
from enum import Enum
from typing import Mapping, Optional

V1 = "1.0"
CURRENT = V1
SUPPORTED = (V1,)
PROTOCOL_VERSION_ENV = "TEMPO_PROTOCOL_VERSION"
SUPPORTED_PROTOCOL_VERSIONS_ENV = "TEMPO_SUPPORTED_PROTOCOL_VERSIONS"
RUN_LOG_FILE_ENV = "TEMPO_RUN_LOG_FILE"
PERSISTENT_PROTOCOL_ENV = "TEMPO_PERSISTENT_PROTOCOL"

_ID_LENGTH = 32
_ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


class StepResultType(str, Enum):
    """How a step ended; the wire carries the values."""

    SUCCESS = "Success"
    TIMEOUT = "Timeout"
    ERROR = "Error"
    EXCEPTION = "Exception"
    MAX_ITERATIONS_EXCEEDED = "MaxIterationsExceeded"


def _trimmed_or_current(version: Optional[str]) -> str:
    text = "" if version is None else str(version).strip()
    return text or CURRENT


def is_supported_protocol_version(version: Optional[str]) -> bool:
    """Whether this SDK speaks *version* (blank means current; case-insensitive)."""
    wanted = _trimmed_or_current(version).lower()
    return any(known.lower() == wanted for known in SUPPORTED)


def normalize_protocol_version(version: Optional[str]) -> str:
    """The supported spelling of *version*; raises ValueError for one this SDK does not speak."""
    wanted = _trimmed_or_current(version)
    for known in SUPPORTED:
        if known.lower() == wanted.lower():
            return known
    raise ValueError(f"Unsupported Tempo step protocol version '{wanted}'.")


def supported_protocol_environment(env: Optional[Mapping[str, str]] = None) -> str:
    """The versions the host announced, else this SDK's own, comma-joined."""
    source = os.environ if env is None else env
    return source.get(SUPPORTED_PROTOCOL_VERSIONS_ENV) or ",".join(SUPPORTED)


def _base36(value: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        value, remainder = divmod(value, 36)
        text = digits[remainder] + text
        if value == 0:
            return text


def new_id(prefix: str) -> str:
    """A Tempo-shaped id: ``{prefix}_{base-36 ms}_{random}``, 32 characters."""
    head = f"{prefix}_{_base36(int(time.time() * 1000))}_"
    return head + "".join(secrets.choice(_ID_ALPHABET) for _ in range(_ID_LENGTH - len(head)))
