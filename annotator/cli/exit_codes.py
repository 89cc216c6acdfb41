"""The command line's exit statuses (cli.md): one enum every command and the error handler use."""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    SUCCESS = 0
    PROBLEM = 1  # the command ran and found something the user must act on
    BAD_INPUT = 2  # bad usage or unreadable input
    BUG = 3  # an unexpected error: the message asks to report it, --debug shows the traceback
    CANCELLED = 130
