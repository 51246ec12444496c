"""Exceptions raised by the binding."""

from __future__ import annotations

import errno as _errno
import os
from typing import Sequence


class DMError(OSError):
    """A libdevmapper call failed.

    ``errno`` is the error number of the failed ioctl (``dm_task_get_errno``)
    or the one the library logged with its message; ``function`` names the C
    function that failed; ``messages`` holds the error messages the library
    logged during the call (its ``log_error`` lines), oldest first.
    """

    def __init__(self, err: int, function: str, messages: Sequence[str] = ()) -> None:
        self.function = function
        self.messages = list(messages)
        text = "; ".join(self.messages) if self.messages else (os.strerror(err) if err else "failed")
        super().__init__(err, f"{function}: {text}")

    @property
    def message(self) -> str:
        """The last message the library logged, or an empty string."""
        return self.messages[-1] if self.messages else ""


class DeviceNotFound(DMError):
    """The named device does not exist (``errno`` is ``ENXIO``)."""

    def __init__(self, function: str, device: str, messages: Sequence[str] = ()) -> None:
        super().__init__(_errno.ENXIO, function, list(messages) or [f"device {device} not found"])
        self.device = device
