"""What the command line needs to know about the run the application started (there is one per
process): whether ``run()`` was called, and how it ended."""
from __future__ import annotations

from typing import Optional

run_called = False
exit_code: Optional[int] = None
failure: Optional[str] = None


def reset() -> None:
    global run_called, exit_code, failure
    run_called, exit_code, failure = False, None, None


def note_run_called() -> None:
    global run_called
    run_called = True


def note_exit_code(code: int) -> None:
    global exit_code
    exit_code = code


def note_failure(reason: str) -> None:
    global failure
    failure = reason
