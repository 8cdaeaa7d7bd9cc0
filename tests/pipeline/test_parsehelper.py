"""The parse helper: what it answers is python-hcl2's parse of the same text, a render it answers needs no
parser in this process, and a helper that is missing, broken, wrong, silent or dead only costs time."""

from __future__ import annotations

import gc
import io
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.errors import RoundTripError
from generator.pipeline import hclread, parsehelper, parsestore, roundtrip
from tests.helpers import REPO, TODAY
from tests.pipeline.test_parsestore import EXAMPLES, refuse_to_parse, render

PRODUCTION = str(REPO / "examples/production/cluster.yaml")


@pytest.fixture
def helper_allowed(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The helper on, as for a user on a machine with two CPUs; stopped after the test."""
    monkeypatch.delenv(parsehelper.HELPER_ENV, raising=False)
    monkeypatch.setattr(parsehelper, "_usable_cpus", lambda: 2)
    yield
    parsehelper.stop()


@pytest.fixture
def running(helper_allowed: None) -> parsehelper.Helper:
    parsehelper.start([PRODUCTION])
    helper = parsehelper.current()
    assert helper is not None
    return helper


def fake_helper(monkeypatch: pytest.MonkeyPatch, program: str) -> parsehelper.Helper:
    """A helper process running `program` instead of `serve` (it reads requests from stdin)."""
    monkeypatch.setattr(parsehelper, "_BOOT", program.replace("{", "{{").replace("}", "}}"))
    parsehelper.start([PRODUCTION])
    helper = parsehelper.current()
    assert helper is not None
    return helper


def rendered_texts(example: str) -> list[str]:
    return [roundtrip._without_comment_lines(text) for text in render(example).values()]


def test_every_answer_is_the_parse_of_its_text(running: parsehelper.Helper) -> None:
    """Over every example's files, through the process boundary and JSON: equal to parsing here."""
    for example in EXAMPLES:
        texts = rendered_texts(example)
        assert running.parse(texts) == {text: hclread.parse(text) for text in texts}
    assert parsehelper.current() is running  # one helper answers any number of requests


@pytest.mark.parametrize("example", EXAMPLES)
def test_a_render_it_answers_parses_nothing_here(example: str, helper_allowed: None,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The files and every text comparing them reads (call arguments, jsonencode bodies) come from the helper."""
    expected = render(example)
    parsehelper.start([PRODUCTION])
    asked = refuse_to_parse(monkeypatch)
    roundtrip._parsed_file.cache_clear()
    assert render(example) == expected
    assert asked == []


def test_its_answers_go_into_the_parse_store(running: parsehelper.Helper, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(parsestore.CACHE_ENV, str(tmp_path / "cache"))
    roundtrip._parsed_file.cache_clear()
    files = render("production")
    (record,) = (tmp_path / "cache" / "parse").glob("*/*/*.json")
    stored = dict(json.loads(record.read_text("utf-8"))["reads"])
    for text in files.values():
        body = roundtrip._without_comment_lines(text)
        assert stored[body] == hclread.parse(body)


def test_the_cli_writes_the_same_files_with_and_without_it(tmp_path: Path) -> None:
    """The console path, in a fresh interpreter: the helper runs, the CLI never imports python-hcl2 or Lark,
    and the files are byte for byte those of a render without the helper."""
    program = ("import json, sys\nfrom generator.pipeline import parsehelper\n"
               "parsehelper._usable_cpus = lambda: 2\n"
               "started = []\nreal_start = parsehelper.start\n"
               "def start(*a, **k):\n    real_start(*a, **k); started.append(parsehelper.current() is not None)\n"
               "parsehelper.start = start\n"
               "from generator.cli.main import main\ncode = main(sys.argv[1:])\n"
               "print(json.dumps([code, started, sorted(m for m in ('hcl2', 'lark') if m in sys.modules)]))\n")
    outcomes, trees = [], []
    for setting in ("on", parsehelper.HELPER_OFF):
        env = {**os.environ, parsehelper.HELPER_ENV: setting, parsestore.CACHE_ENV: "off"}
        out = tmp_path / setting
        run = subprocess.run([sys.executable, "-c", program, "render", PRODUCTION, "-o", str(out)], env=env,
                             cwd=tmp_path, capture_output=True, text=True, check=True)
        outcomes.append(json.loads(run.stdout.splitlines()[-1]))
        trees.append({p.name: p.read_bytes() for p in sorted(out.glob("*.tf"))})
    assert outcomes == [[0, [True], []], [0, [False], ["hcl2", "lark"]]]
    assert len(trees[0]) == 5 and trees[0] == trees[1]


def test_a_text_that_does_not_parse_is_reported_as_without_it(running: parsehelper.Helper,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    broken = 'module "eks" {\n  name = "x"\n'
    assert running.parse([broken, "a = 1\n"]) == {"a = 1\n": {"a": 1}}  # no answer for it, the others answered
    roundtrip._parsed_file.cache_clear()
    with pytest.raises(RoundTripError) as without:
        roundtrip._verify_file(_file("eks.tf"), broken)
    monkeypatch.setattr("generator.pipeline.run.verify_round_trip", _with_text("eks.tf", broken))
    with pytest.raises(RoundTripError) as helped:
        render("minimal")
    assert str(helped.value) == str(without.value)
    assert parsehelper.current() is running  # a parse error is the text's, not the helper's


def _file(name: str) -> Any:
    from generator.ir import TfFile

    return TfFile(name=name, blocks=[])


def _with_text(name: str, text: str) -> Any:
    real = roundtrip.verify_round_trip

    def verify(plan: Any, files: dict[str, str]) -> None:
        real(plan, {**files, name: text})

    return verify


@pytest.mark.parametrize("program", [
    pytest.param("import sys\nsys.stdin.readline()\n", id="exits-without-answering"),
    pytest.param("import sys\nsys.stdin.readline()\nprint('not json', flush=True)\nsys.stdin.readline()\n",
                 id="answers-garbage"),
    pytest.param("import sys\nsys.stdin.readline()\nprint('[]', flush=True)\nsys.stdin.readline()\n",
                 id="answers-too-few"),
    pytest.param("import sys\nsys.stdin.readline()\nprint('{\"a\": 1}', flush=True)\nsys.stdin.readline()\n",
                 id="answers-not-a-list"),
    pytest.param("import time\ntime.sleep(60)\n", id="never-answers"),
])
def test_a_broken_helper_costs_only_time(program: str, helper_allowed: None, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = render("production")
    monkeypatch.setattr(parsehelper, "HELPER_TIMEOUT", 0.5)
    helper = fake_helper(monkeypatch, program)
    roundtrip._parsed_file.cache_clear()
    roundtrip._parsed.cache_clear()
    assert render("production") == expected
    assert parsehelper.current() is None  # stopped: later renders parse here
    assert helper._process.wait(timeout=10) is not None


def test_wrong_answers_are_parsed_again_here(helper_allowed: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """A helper that answers every text with a wrong result is never the verdict: the round trip reads afresh."""
    expected = render("production")
    program = ("import json, sys\nfor line in sys.stdin:\n"
               "    print(json.dumps([{'wrong': True}] * len(json.loads(line))), flush=True)\n")
    fake_helper(monkeypatch, program)
    roundtrip._parsed_file.cache_clear()
    assert render("production") == expected


def test_a_dead_helper_is_noticed_before_the_request(running: parsehelper.Helper) -> None:
    running._process.kill()
    running._process.wait(timeout=10)
    assert running.parse(["a = 1\n"]) == {}
    assert parsehelper.current() is None


def test_no_request_no_round_trip(running: parsehelper.Helper) -> None:
    assert running.parse([]) == {}
    assert parsehelper.current() is running


def test_a_forked_worker_does_not_use_its_parents_helper(running: parsehelper.Helper,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(running, "owner", os.getpid() + 1)  # as a forked worker sees it
    assert parsehelper.current() is None
    parsehelper.stop()  # forgotten in the worker, but not its parent's to stop
    assert running._process.poll() is None
    running.kill()
    assert running._process.returncode == -signal.SIGKILL  # reaped by kill: no zombie left behind
    assert running._process.stdin is not None and running._process.stdout is not None
    assert running._process.stdin.closed and running._process.stdout.closed  # no descriptor left open


def test_it_runs_this_interpreter_isolated_with_this_import_path(helper_allowed: None,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[list[str]] = []

    class Recorder:
        def __init__(self, args: list[str], **options: Any) -> None:
            calls.append(args)
            assert options["stdin"] == options["stdout"] == subprocess.PIPE
            assert options["stderr"] == subprocess.DEVNULL

    monkeypatch.setattr(subprocess, "Popen", Recorder)
    parsehelper.start([PRODUCTION])
    parsehelper._started = None  # no process to stop
    ((executable, isolated, flag, program),) = calls
    assert (executable, isolated, flag) == (sys.executable, "-I", "-c")
    assert program == parsehelper._BOOT.format(path=sys.path)
    assert f"sys.path[:] = {sys.path!r};" in program


@pytest.mark.parametrize(("case", "specs", "at_most", "started"), [
    ("one spec file", [PRODUCTION], 1, True),
    ("two spec files, two allowed", [PRODUCTION, PRODUCTION], 2, True),
    ("two spec files, one allowed", [PRODUCTION, PRODUCTION], 1, False),
    ("no spec", [], 1, False),
    ("a directory", [str(REPO / "examples/production")], 1, False),
    ("a glob", [str(REPO / "examples/*/cluster.yaml")], 1, False),
    ("a missing file", [str(REPO / "examples/nothing.yaml")], 1, False),
    ("a file and a directory", [PRODUCTION, str(REPO / "examples")], 2, False),
])
def test_it_starts_only_for_a_command_rendering_named_files(case: str, specs: list[str], at_most: int,
                                                            started: bool, helper_allowed: None) -> None:
    parsehelper.start(specs, at_most=at_most)
    assert (parsehelper.current() is not None) is started, case


@pytest.mark.parametrize(("case", "setting", "cpus", "posix", "frozen", "executable", "wanted"), [
    ("a two-CPU machine", None, 2, True, False, sys.executable, True),
    ("set to anything but off", "on", 2, True, False, sys.executable, True),
    ("turned off", "off", 2, True, False, sys.executable, False),
    ("turned off, spaced", " off ", 2, True, False, sys.executable, False),
    ("one CPU", None, 1, True, False, sys.executable, False),
    ("not POSIX", None, 2, False, False, sys.executable, False),
    ("a frozen interpreter", None, 2, True, True, sys.executable, False),
    ("no interpreter to run", None, 2, True, False, "", False),
])
def test_when_it_is_wanted(case: str, setting: str | None, cpus: int, posix: bool, frozen: bool, executable: str,
                           wanted: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    if setting is None:
        monkeypatch.delenv(parsehelper.HELPER_ENV, raising=False)
    else:
        monkeypatch.setenv(parsehelper.HELPER_ENV, setting)
    monkeypatch.setattr(parsehelper, "_usable_cpus", lambda: cpus)
    monkeypatch.setattr(parsehelper.os, "name", "posix" if posix else "nt")
    monkeypatch.setattr(parsehelper.sys, "frozen", frozen, raising=False)
    monkeypatch.setattr(parsehelper.sys, "executable", executable)
    assert parsehelper.wanted() is wanted, case


def test_usable_cpus_are_this_process_s(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 3, 5}, raising=False)
    assert parsehelper._usable_cpus() == 3
    monkeypatch.delattr(os, "sched_getaffinity")
    monkeypatch.setattr(os, "cpu_count", lambda: 4)
    assert parsehelper._usable_cpus() == 4
    monkeypatch.setattr(os, "cpu_count", lambda: None)
    assert parsehelper._usable_cpus() == 1


def test_a_second_start_keeps_the_first(running: parsehelper.Helper) -> None:
    parsehelper.start([PRODUCTION])
    assert parsehelper.current() is running


def test_an_interpreter_that_cannot_start_is_no_error(helper_allowed: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parsehelper.sys, "executable", "/nonexistent/python")
    parsehelper.start([PRODUCTION])
    assert parsehelper.current() is None


def test_a_command_stops_its_helper(helper_allowed: None, tmp_path: Path) -> None:
    """Whatever its exit (here a spec error, exit 2), the command leaves no helper running."""
    from generator.cli.main import main

    spec = tmp_path / "cluster.yaml"
    spec.write_text("apiVersion: eksgen/v1alpha1\nkind: Cluster\nmetadata: {name: x}\n")
    processes: list[subprocess.Popen[bytes]] = []
    real_start = parsehelper.start

    def start(specs: list[str], **options: Any) -> None:
        real_start(specs, **options)
        helper = parsehelper.current()
        assert helper is not None
        processes.append(helper._process)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(parsehelper, "start", start)
        assert main(["render", str(spec), "-o", str(tmp_path / "out"), "--today", TODAY.isoformat()]) == 2
        assert main(["validate", str(spec), "--today", TODAY.isoformat()]) == 2
        assert main(["diff", str(spec), str(spec), "--today", TODAY.isoformat()]) == 2
    assert len(processes) == 3
    assert [p.wait(timeout=10) for p in processes] == [-signal.SIGKILL] * 3
    assert parsehelper.current() is None


def serve(requests: list[bytes]) -> list[Any]:
    """The real helper program, fed `requests` (one per line): its answers, one per line."""
    run = subprocess.run([sys.executable, "-I", "-c", parsehelper._BOOT.format(path=sys.path)],
                         input=b"".join(requests), capture_output=True, check=True, timeout=60)
    assert run.stderr == b""
    return [json.loads(line) for line in run.stdout.splitlines()]


REQUESTS = [b'["a = 1\\n", "b = [\\n"]\n', b"not json\n", b'{"a": 1}\n', b'[1, "a = 1\\n"]\n',
            b'["s = \\"\\u00e9\\\\u2028\\"\\n"]\n', b"\xff\xfe\n", b"[" * 100_000 + b"\n", b'"a = 1\\n"\n',
            b'["b = [\\n", "a = 1\\n"]\n']
REPLIES = [[{"a": 1}, None], None, None, None, [{"s": "\u00e9\u2028"}], None, None, None, [None, {"a": 1}]]


def test_the_helper_answers_each_request_and_refuses_what_is_not_one() -> None:
    """In the real program, through its stdin and stdout."""
    assert serve(REQUESTS) == REPLIES


def test_each_request_gets_one_reply_line() -> None:
    replies = io.BytesIO()
    parsehelper.answer_requests(io.BytesIO(b"".join(REQUESTS)), replies)
    lines = replies.getvalue().split(b"\n")
    assert lines[-1] == b"" and len(lines) == len(REQUESTS) + 1
    assert [json.loads(line) for line in lines[:-1]] == REPLIES
    assert b" " not in replies.getvalue()  # compact: no separator spaces


def test_an_answer_json_would_change_is_not_given(monkeypatch: pytest.MonkeyPatch) -> None:
    results = {"t": {"v": (1, 2)}, "u": {"v": float("nan")}, "w": {"v": [1, 2]}}
    monkeypatch.setattr(hclread, "parse", lambda text: results[text])
    assert parsehelper.answer(["t", "u", "w"]) == [None, None, {"v": [1, 2]}]


def test_an_interrupt_ends_the_helper_quietly() -> None:
    process = subprocess.Popen([sys.executable, "-I", "-c", parsehelper._BOOT.format(path=sys.path)],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(b'["a = 1\\n"]\n')
    process.stdin.flush()
    assert json.loads(process.stdout.readline()) == [{"a": 1}]  # warmed up and serving
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=10)
    assert process.returncode == -signal.SIGINT
    assert stderr == b""  # no traceback on the user's terminal


def test_the_warm_up_text_parses() -> None:
    """A warm-up that did not parse would end every helper before its first answer (silently slow)."""
    parsed = hclread.parse(parsehelper.WARM_UP)
    assert sorted(parsed) == ["locals", "module", "output", "terraform"]


def test_one_spec_file_by_default(helper_allowed: None) -> None:
    parsehelper.start([PRODUCTION, PRODUCTION])
    assert parsehelper.current() is None


def test_texts_json_cannot_encode_plainly_cross_both_ways(running: parsehelper.Helper) -> None:
    """A lone surrogate (a spec read with surrogateescape) and non-ASCII text reach the helper and come back."""
    texts = ['s = "\udc80"\n', 'e = "\u00e9\u2028"\n']
    assert running.parse(texts) == {text: hclread.parse(text) for text in texts}
    replies = io.BytesIO()
    parsehelper.answer_requests(io.BytesIO(json.dumps(texts).encode() + b"\n"), replies)
    assert json.loads(replies.getvalue().decode("ascii")) == [hclread.parse(t) for t in texts]


def test_a_reply_larger_than_a_pipe_arrives_whole(running: parsehelper.Helper) -> None:
    text = "v = [" + ", ".join(f'"item-{i:06d}"' for i in range(40_000)) + "]\n"
    assert running.parse([text]) == {text: hclread.parse(text)}  # ~0.5 MB, read in many chunks


def test_replies_are_read_one_line_at_a_time(helper_allowed: None) -> None:
    process = subprocess.Popen([sys.executable, "-c", "print('[1]'); print('[2, 3]', flush=True)"],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    helper = parsehelper.Helper(process)
    try:
        process.wait(timeout=10)  # both lines written before the first is read
        assert [helper._read_line(), helper._read_line()] == ["[1]", "[2, 3]"]
    finally:
        helper.kill()


def test_a_helper_that_stops_reading_is_given_up(helper_allowed: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """A request larger than the pipe, to a helper that never reads: the write gives up too."""
    monkeypatch.setattr(parsehelper, "HELPER_TIMEOUT", 0.5)
    helper = fake_helper(monkeypatch, "import time\ntime.sleep(60)\n")
    assert helper.parse(["x" * (1 << 20)]) == {}
    assert parsehelper.current() is None
    assert helper._process.returncode == -signal.SIGKILL


def test_serve_warms_the_parser_then_answers_its_input(monkeypatch: pytest.MonkeyPatch) -> None:
    """The helper's program itself, run here on fake standard streams: Ctrl-C's default action is back
    (an interrupted CLI's helper dies with it), the collector is off, the parser is loaded and warmed
    before the first request, and each request line gets its reply line."""
    text = 'a = "b"\n'
    calls: list[str] = []
    real_parse, real_load = hclread.parse, hclread.load_parser
    monkeypatch.setattr(hclread, "parse", lambda t: calls.append(t) or real_parse(t))
    monkeypatch.setattr(hclread, "load_parser", lambda: calls.append("load_parser()") or real_load())
    requests = io.BytesIO(json.dumps([text]).encode() + b"\n")
    replies = io.BytesIO()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(requests))
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(replies))
    sigint, collecting = signal.getsignal(signal.SIGINT), gc.isenabled()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        parsehelper.serve()
        after = (signal.getsignal(signal.SIGINT), gc.isenabled())
    finally:
        signal.signal(signal.SIGINT, sigint)
        if collecting:
            gc.enable()
    assert after == (signal.SIG_DFL, False)
    assert calls[:2] == ["load_parser()", parsehelper.WARM_UP]
    assert [json.loads(line) for line in replies.getvalue().splitlines()] == [[hclread.parse(text)]]
