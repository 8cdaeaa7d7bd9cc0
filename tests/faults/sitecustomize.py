"""Fault injection for subprocess tests (on PYTHONPATH only in tests/cli/test_hostile_writer.py).

EKSGEN_FAULT=signal:SIG:N sends SIG to this process right after the N-th file eksgen writes
(the manifest's intent is write 1); EKSGEN_FAULT=enospc:N makes the N-th write fail as a full
disk does (an OSError with no file name). Deterministic interruptions of the real script.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

_FAULT = os.environ.get("EKSGEN_FAULT", "")
if _FAULT:
    import generator.pipeline.write as _write

    _real = _write._write_and_rename
    _calls = [0]
    _kind, *_args = _FAULT.split(":")

    def _faulty(tmp: Path, path: Path, data: bytes) -> None:
        _calls[0] += 1
        if _kind == "enospc" and _calls[0] == int(_args[0]):
            raise OSError(28, "No space left on device")
        _real(tmp, path, data)
        if _kind == "signal" and _calls[0] == int(_args[1]):
            os.kill(os.getpid(), getattr(signal, _args[0]))

    _write._write_and_rename = _faulty
