"""Fault injection for subprocess tests (on PYTHONPATH only in tests/cli/test_hostile_writer.py).

EKSGEN_FAULT=signal:SIG:N sends SIG to this process right after the N-th file eksgen puts in place
(the manifest's intent is file 1); EKSGEN_FAULT=enospc:N makes the N-th temp file eksgen writes fail
as a full disk does (an OSError with no file name; the intent is write 1, the final manifest the
last). Deterministic interruptions of the real script.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

_FAULT = os.environ.get("EKSGEN_FAULT", "")
if _FAULT:
    import generator.pipeline.write as _write

    _real_stage, _real_publish = _write._stage, _write._publish
    _calls = [0]
    _kind, *_args = _FAULT.split(":")

    def _faulty_stage(temp: Path, data: bytes) -> int:
        if _kind == "enospc":
            _calls[0] += 1
            if _calls[0] == int(_args[0]):
                raise OSError(28, "No space left on device")
        return _real_stage(temp, data)

    def _faulty_publish(temp: Path, target: Path) -> None:
        _real_publish(temp, target)
        if _kind == "signal":
            _calls[0] += 1
            if _calls[0] == int(_args[1]):
                os.kill(os.getpid(), getattr(signal, _args[0]))

    _write._stage = _faulty_stage
    _write._publish = _faulty_publish
