"""errors.exit_code: the one function that decides every exit code, one row per outcome."""

from __future__ import annotations

import pytest

from generator.errors import (
    ExitCode,
    HandEditedFiles,
    InterfaceError,
    InternalError,
    Issue,
    OutputClosed,
    RefusedToOverwrite,
    RoundTripError,
    SpecInvalid,
    Terminated,
    UsageError,
    exit_code,
)

ERRORS = [
    (SpecInvalid([Issue(("spec",), "bad")]), 2),
    (UsageError("no such file"), 2),
    (InternalError("cannot prove"), 3),
    (RoundTripError("differs"), 3),
    (InterfaceError("unknown argument"), 3),
    (ValueError("a bug nobody planned for"), 3),
    (RefusedToOverwrite("exists"), 4),
    (HandEditedFiles(["eks.tf"]), 4),
    (KeyboardInterrupt(), 130),
    (OutputClosed(), 141),
    (BrokenPipeError(), 3),  # a pipe eksgen itself writes to: only the CLI knows when it was stdout's
    (Terminated(), 143),
]


@pytest.mark.parametrize(("error", "code"), ERRORS, ids=[type(e).__name__ for e, _ in ERRORS])
def test_an_exception_decides_the_code(error: BaseException, code: int) -> None:
    assert exit_code(error) == code
    assert exit_code(error, differences=True) == code  # a failure outranks differences


@pytest.mark.parametrize(("differences", "parts", "code"), [
    (False, [], ExitCode.OK),
    (True, [], ExitCode.DIFFERENCES),
    (False, [0, 0], ExitCode.OK),
    (False, [0, 1], ExitCode.DIFFERENCES),
    (False, [1, 2, 0], ExitCode.BAD_INPUT),  # a fleet: the worst spec's code
    (False, [2, 4, 3], ExitCode.HAND_EDITED),
    (True, [0], ExitCode.DIFFERENCES),
    (True, [2], ExitCode.BAD_INPUT),
])
def test_a_result_decides_the_code(differences: bool, parts: list[int], code: int) -> None:
    assert exit_code(differences=differences, parts=parts) == code
