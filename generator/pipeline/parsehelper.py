"""A second process that loads python-hcl2's parser while this one renders, for the round trip.

A single render spends a third of its time getting python-hcl2 ready (importing it, loading Lark's
tables, building the lexers of a first parse), which waits for nothing: a command about to render one
or two spec files starts this helper (`start`), the helper loads and warms the parser on another CPU
while the command imports, checks and renders, and the round trip hands it the texts to read
(`Helper.parse`). It runs the same interpreter with the same import path and reads with
hclread.parse, which is exactly python-hcl2's result.

It only ever saves time. The round trip treats its answers like parse-store records (a result that
fails the plan is parsed again in this process), and whatever it does not answer (a text that does
not parse, a result JSON would change, a helper that died or hung past HELPER_TIMEOUT) is parsed here.
Never started with EKSGEN_PARSE_HELPER=off, on one usable CPU, outside POSIX, in a frozen
interpreter, or for a fleet (globs, directories, several specs: its workers load their own parser).
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import subprocess
import sys
from collections.abc import Iterator
from typing import IO, Any

HELPER_ENV = "EKSGEN_PARSE_HELPER"
HELPER_OFF = "off"
HELPER_TIMEOUT = 120.0  # seconds for one answer; a parse never takes this long, a stopped helper might
_REAP_TIMEOUT = 5.0  # seconds for a killed helper to be gone (it is at once, but never hang on it)

# The helper's whole program: this process's import path, so it reads with the very same modules.
_BOOT = "import sys; sys.path[:] = {path!r}; from generator.pipeline.parsehelper import serve; serve()"

# What the helper parses while it waits: the constructs eksgen writes, so the lexers a render's files
# need are built before they arrive (a text it has not seen still parses, building what it lacks).
WARM_UP = '''# warm-up
terraform {
  required_version = ">= 1.5.7"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.0"
    }
  }
}

module "eks" {
  source  = "terraform-aws-modules/eks/aws"
  version = "21.3.1"

  name                   = "payments-prod"
  endpoint_public_access = false
  count                  = 1
  ratio                  = 0.5
  subnet_ids             = module.vpc.private_subnets
  nothing                = null
  addons = {
    coredns = {}
    "vpc-cni" = {
      before_compute = true
      configuration_values = jsonencode({
        env = { ENABLE_PREFIX_DELEGATION = "true" }
      })
    }
  }
  policy = <<-EOT
    {"Version": "2012-10-17"}
  EOT
  cidrs = [for i, az in local.azs : cidrsubnet("10.0.0.0/16", 4, i)]
  tags  = merge(local.tags, { "kubernetes.io/role/elb" = "1" })
}

output "cluster_name" {
  description = "The cluster's name."
  value       = module.eks.cluster_name
}

locals {
  azs  = slice(data.aws_availability_zones.available.names, 0, 3)
  tags = var.x == null ? {} : { for k, v in var.x : k => v if v != "" }
}
'''

_started: Helper | None = None


class Helper:
    """This process's end of its running helper: one request (a JSON list of texts, one line) at a time."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self._process = process
        self._pending = b""
        self.owner = os.getpid()  # a forked worker inherits the object, not the conversation

    def parse(self, texts: list[str]) -> dict[str, Any]:
        """python-hcl2's result for each of `texts` the helper could give; {} on failure, after which the
        helper is stopped (and `current` gives None)."""
        if not texts:
            return {}
        try:
            self._send(json.dumps(texts).encode() + b"\n")  # ASCII JSON: any text, lone surrogates too
            answer = json.loads(self._read_line())
            if not (type(answer) is list and len(answer) == len(texts)):
                raise ValueError  # not an answer to this request
        except (OSError, EOFError, ValueError, RecursionError, TimeoutError):
            _forget(self)
            return {}
        pairs = zip(texts, answer, strict=True)  # pragma: no mutate (the lengths are equal: checked above)
        return {text: result for text, result in pairs if type(result) is dict}

    def _send(self, request: bytes) -> None:
        """All of `request`, within HELPER_TIMEOUT of each part (a helper that stopped reading is given up)."""
        stdin: IO[bytes] | None = self._process.stdin
        assert stdin is not None
        descriptor = stdin.fileno()
        os.set_blocking(descriptor, False)
        unsent = memoryview(request)
        with selectors.DefaultSelector() as selector:
            selector.register(descriptor, selectors.EVENT_WRITE)
            while unsent:
                if not selector.select(HELPER_TIMEOUT):
                    raise TimeoutError
                unsent = unsent[os.write(descriptor, unsent):]

    def _read_line(self) -> str:
        stdout: IO[bytes] | None = self._process.stdout
        assert stdout is not None
        descriptor = stdout.fileno()
        with selectors.DefaultSelector() as selector:
            selector.register(descriptor, selectors.EVENT_READ)
            while b"\n" not in self._pending:
                if not selector.select(HELPER_TIMEOUT):
                    raise TimeoutError
                chunk = os.read(descriptor, 1 << 20)  # pragma: no mutate (any size reads the same lines)
                if not chunk:
                    raise EOFError  # the helper exited
                self._pending += chunk
        line, _, self._pending = self._pending.partition(b"\n")
        return line.decode()

    def kill(self) -> None:
        """Stop the helper now (it holds nothing but its answers), reap it and close this end."""
        if self._process.poll() is None:
            self._process.kill()
            # Reaped, so a long-lived caller keeps no zombie; a killed process is gone at once (no mutants:
            # the bound is only for a stalled kernel, beyond any test).
            with contextlib.suppress(subprocess.TimeoutExpired):  # pragma: no mutate
                self._process.wait(timeout=_REAP_TIMEOUT)  # pragma: no mutate
        for stream in (self._process.stdin, self._process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):  # pragma: no mutate (closing a pipe end does not fail here)
                    stream.close()


def wanted() -> bool:
    """Whether a helper would save time here: on by default; off with EKSGEN_PARSE_HELPER=off, on one
    usable CPU (it would take the renderer's), outside POSIX, and in a frozen interpreter."""
    if os.environ.get(HELPER_ENV, "").strip() == HELPER_OFF or os.name != "posix":
        return False
    return not getattr(sys, "frozen", False) and bool(sys.executable) and _usable_cpus() >= 2


def _usable_cpus() -> int:
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity is not None else os.cpu_count() or 1


def start(specs: list[str], *, at_most: int = 1) -> None:
    """Start this process's helper for a command about to render `specs` in this process: at most
    `at_most` spec files, each named as a file (a glob or a directory is a fleet: its workers load
    their own parser)."""
    global _started
    if _started is not None or not wanted() or not 0 < len(specs) <= at_most:
        return
    if not all(os.path.isfile(spec) for spec in specs):
        return
    try:
        process = subprocess.Popen([sys.executable, "-I", "-c", _BOOT.format(path=sys.path)],
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    except (OSError, ValueError):
        return
    _started = Helper(process)


@contextlib.contextmanager
def running(specs: list[str], *, at_most: int = 1) -> Iterator[None]:
    """Inside, a command rendering at most `at_most` spec files in this process has its round trips read
    back by a helper (`start`), stopped on the way out. Entered before the first pipeline call, the
    helper's start-up overlaps the pipeline's imports."""
    start(specs, at_most=at_most)
    try:
        yield
    finally:
        stop()


def current() -> Helper | None:
    """This process's running helper, if it has one."""
    return _started if _started is not None and _started.owner == os.getpid() else None


def stop() -> None:
    """Stop this process's helper (the command is done)."""
    helper = current()
    _forget(None)
    if helper is not None:
        helper.kill()


def _forget(failed: Helper | None) -> None:
    """No helper for this process from now on; `failed`, one that broke the protocol, is killed."""
    global _started
    _started = None
    if failed is not None:
        failed.kill()


def answer(texts: list[str]) -> list[dict[str, Any] | None]:
    """The helper's side of one request: each text's parse, None where it does not parse or JSON
    would not carry the result exactly (this process then parses it itself)."""
    from generator.pipeline.hclread import parse
    from generator.pipeline.parsestore import exact_json

    results: list[dict[str, Any] | None] = []
    for text in texts:
        try:
            result = parse(text)
        except Exception:  # a parse error: the requesting process parses it and reports its own
            results.append(None)
            continue
        results.append(result if exact_json(result) else None)
    return results


def serve() -> None:
    """The helper's program: warm the parser, then answer requests until its input ends."""
    import gc
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)  # an interrupted CLI takes its helper with it, silently
    gc.disable()  # a short-lived process: nothing it makes is garbage before it exits
    from generator.pipeline.hclread import load_parser, parse

    load_parser()
    parse(WARM_UP)
    answer_requests(sys.stdin.buffer, sys.stdout.buffer)


def answer_requests(requests: IO[bytes], replies: IO[bytes]) -> None:
    """One reply line per request line (`null` for a line that is not a JSON list of strings), until the
    requests end. Both are ASCII JSON, one line each."""
    for line in requests:
        try:
            texts = json.loads(line.decode())
            reply = answer(texts) if type(texts) is list and all(type(t) is str for t in texts) else None
            encoded = json.dumps(reply, separators=(",", ":"))
        except (ValueError, RecursionError):
            encoded = "null"
        replies.write(encoded.encode() + b"\n")
        replies.flush()
