"""What every test shares: the fixed date, the repository root, and the spec builders.

The date is fixed so the Kubernetes support-window checks give the same answer on every day; the
goldens (tests/regen_golden.py) are rendered on it too.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from generator.errors import Issue
from generator.pipeline.checks.rules import RULES
from generator.pipeline.load import load_documents
from generator.pipeline.run import check_document

TODAY = dt.date(2026, 11, 25)
TODAY_ARGS = ["--today", TODAY.isoformat()]  # the same date for the command line
REPO = Path(__file__).resolve().parent.parent

MINIMAL_SPEC = """\
apiVersion: eksgen/v1alpha1
kind: Cluster
metadata:
  name: demo
  region: eu-west-1
spec:
  kubernetesVersion: "1.34"
  managedNodeGroups:
    - name: general
      instanceTypes: [m6i.large]
      minSize: 2
      maxSize: 4
"""

# The valid spec the table-driven tests tweak. Its line numbers are part of their expectations:
#      1  apiVersion: eksgen/v1alpha1
#      2  kind: Cluster
#      3  metadata:
#      4    name: demo
#      5    region: eu-west-1
#      6    tags:
#      7      team: platform
#      8  spec:
#      9    kubernetesVersion: "1.35"
#     10    managedNodeGroups:
#     11      - name: general
#     12        instanceTypes: [m6i.large]
#     13        minSize: 2
#     14        maxSize: 6
#     15        desiredSize: 3
# `append` text starts at line 16: at indent 2 it adds `spec` keys, at indent 6 keys of managedNodeGroups[0].
BASE = """\
apiVersion: eksgen/v1alpha1
kind: Cluster
metadata:
  name: demo
  region: eu-west-1
  tags:
    team: platform
spec:
  kubernetesVersion: "1.35"
  managedNodeGroups:
    - name: general
      instanceTypes: [m6i.large]
      minSize: 2
      maxSize: 6
      desiredSize: 3
"""
BASE_LINES = len(BASE.splitlines())  # appended text starts at line BASE_LINES + 1 == 16


def spec(replace: dict[int, str | None] | None = None, append: str = "") -> str:
    """BASE with line n replaced by ONE line (None deletes it) for each `replace` item, then `append`."""
    lines: list[str] = BASE.splitlines()
    for number, text in sorted((replace or {}).items(), reverse=True):
        assert text is None or "\n" not in text, "a replacement must be one line"
        lines[number - 1 : number] = [] if text is None else [text]
    return "\n".join(lines) + "\n" + append


def write_spec(directory: Path, text: str, name: str = "cluster.yaml") -> Path:
    path = directory / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


# --- rule tables ------------------------------------------------------------------------------------
# Each tests/pipeline/checks/test_<module>.py holds the rows of the rules its module implements. A row is
# one rule finding: a minimal spec that triggers it (rule ID, severity, `LINE:COL PATH` and a message
# fragment are asserted), the nearest valid spec that does not (the same spec with the one thing fixed),
# and the waiver behaviour: a waivable rule disappears when `spec.waivers` waives it (with no
# EKS090/EKS091), a non-waivable one stays and the waiver itself is an EKS090 error. Waivers are rendered
# last, as a `spec.waivers` block after everything else. Rows marked `bug=` are known bugs, written with
# the CORRECT expectation and run as strict xfails.

ROLE = "arn:aws:iam::111122223333:role/admins"
OTHER_ROLE = "arn:aws:iam::111122223333:role/ops"
TEAM = "arn:aws:iam::111122223333:role/team"
USER = "arn:aws:iam::111122223333:user/alice"
KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"
EXISTING_VPC = "  vpc:\n    id: vpc-0a1b2c3d4e5f67890\n"
TWO_PRIVATE = "    subnets:\n      private: [subnet-0a1b2c3d, subnet-0a1b2c3e]\n"
REASON = "accepted for this test"
EBS_ADDON = "  addons:\n    aws-ebs-csi-driver:\n      serviceAccount: ebs-csi\n"
TAINT_A = "      taints:\n        - {key: a, effect: NO_SCHEDULE}\n"
PUBLIC_SUBNET = "      public: [subnet-0a1b2c3f]\n"



def with_waivers(text: str, waivers: tuple[tuple[str, str], ...]) -> str:
    if not waivers:
        return text
    items = "".join(f"    - rule: {rule}\n      reason: {json.dumps(reason)}\n" for rule, reason in waivers)
    return text + "  waivers:\n" + items


def waiver_line(text: str, index: int) -> int:
    """Line of `- rule:` of waiver `index` in `with_waivers(text, ...)`."""
    return len(text.splitlines()) + 2 + 2 * index


def issues_of(text: str, pins: str | None = None) -> list[Issue]:
    (doc,) = load_documents(text, "cluster.yaml")
    doc.pins = json.loads(pins) if pins else None  # the cluster's entry of an eksgen.lock beside the spec
    return check_document(doc, today=TODAY).issues


def where(issue: Issue) -> str:
    assert issue.position is not None
    return f"{issue.position.line}:{issue.position.column} {issue.path}"


def show(issues: list[Issue]) -> str:
    return "\n".join(f"{i.rule} {i.severity} {where(i)}: {i.message}" for i in issues)


@dataclass(frozen=True)
class Row:
    id: str
    rule: str
    bad: str
    good: str
    where: str
    fragment: str
    severity: str
    also: tuple[str, ...] = ()  # other rules whose errors the triggering spec also (legitimately) has
    waivers: tuple[tuple[str, str], ...] = ()  # waivers that are part of the triggering spec itself
    bug: str | None = None  # the rule does not fire although it should: strict xfail where firing matters
    pins: str | None = None  # JSON of the cluster's eksgen.lock entry for `bad` (pipeline/pins.py) ...
    good_pins: str | None = None  # ... and for `good`


def row(case_id: str, rule: str, bad: str, good: str, at: str, fragment: str, *, severity: str | None = None,
        also: tuple[str, ...] = (), waivers: tuple[tuple[str, str], ...] = (), bug: str | None = None,
        pins: dict[str, Any] | None = None, good_pins: dict[str, Any] | None = None) -> Row:
    return Row(f"{rule}-{case_id}", rule, bad, good, at, fragment, severity or RULES[rule].severity, also, waivers,
               bug, json.dumps(pins) if pins else None, json.dumps(good_pins) if good_pins else None)


def params(rows: list[Row], *, needs_finding: bool) -> list[Any]:
    """pytest params; a bug row is a strict xfail only in tests that need the finding to appear."""
    result = []
    for r in rows:
        marks = []
        if r.bug and needs_finding:
            marks.append(pytest.mark.xfail(strict=True, reason=f"bug: {r.bug}"))
        result.append(pytest.param(r, id=r.id, marks=marks))
    return result


WAIVERS_OWN_RULES = ("EKS090", "EKS091")  # a waiver's own findings: no waiver can silence them


def rule_table_tests(rows: list[Row]) -> tuple[Callable[[Row], None], Callable[[Row], None], Callable[[Row], None]]:
    """The three tests of a rule table, for its module to bind as `test_rule_fires, ... = rule_table_tests(ROWS)`:
    every row's finding fires, its nearest valid spec is quiet, and a waiver does what the rule allows."""
    @pytest.mark.parametrize("case", params(rows, needs_finding=True))
    def test_rule_fires(case: Row) -> None:
        assert_rule_fires(case)

    @pytest.mark.parametrize("case", params(rows, needs_finding=False))
    def test_nearest_valid_spec_does_not_fire(case: Row) -> None:
        assert_nearest_valid_is_quiet(case)

    @pytest.mark.parametrize("case", params([r for r in rows if r.rule not in WAIVERS_OWN_RULES], needs_finding=True))
    def test_waiver(case: Row) -> None:
        assert_waiver(case)

    return test_rule_fires, test_nearest_valid_spec_does_not_fire, test_waiver


def fargate(name: str = "system", namespace: str = "kube-system") -> str:
    return f"  fargateProfiles:\n    - name: {name}\n      selectors:\n        - namespace: {namespace}\n"


def entry(arn: str = ROLE, *extra: str) -> str:
    return f"  access:\n    entries:\n      - principalArn: {arn}\n" + "".join(f"        {e}\n" for e in extra)


def service_account(*extra: str, namespace: str = "kube-system") -> str:
    return (f"  serviceAccounts:\n    - name: ebs-csi\n      namespace: {namespace}\n"
            "      serviceAccount: ebs-csi-controller-sa\n" + "".join(f"      {e}\n" for e in extra))


def s3(bucket: str) -> str:
    return f"  terraform:\n    backend:\n      s3: {{bucket: {bucket}, key: eks/demo.tfstate, region: eu-west-1}}\n"


def s3_key(key: str) -> str:
    return f"  terraform:\n    backend:\n      s3: {{bucket: tf-state, key: {key}, region: eu-west-1}}\n"


def many_groups(count: int) -> str:
    return "".join(f"    - name: g{i}\n" for i in range(1, count))


def many_profiles(count: int) -> str:
    return "  fargateProfiles:\n" + "".join(
        f"    - name: fp{i}\n      selectors: [{{namespace: default}}]\n" for i in range(count))


def tags(count: int) -> str:
    return "  tags: {" + ", ".join(f"t{i}: v" for i in range(count)) + "}"


def assert_rule_fires(case: Row) -> None:
    """The row's spec has its finding (rule, severity, `LINE:COL PATH`, message) and no other rule's error."""
    text = with_waivers(case.bad, case.waivers)
    issues = issues_of(text, case.pins)
    hits = [i for i in issues if i.rule == case.rule and where(i) == case.where and case.fragment in i.message]
    assert hits, f"no {case.rule} at {case.where} with {case.fragment!r}; got:\n{show(issues)}"
    assert all(i.severity == case.severity for i in hits), show(hits)
    assert all(i.format().startswith(f"cluster.yaml:{case.where}: ") for i in hits), show(hits)
    # Minimal: no error from any rule the row does not name (and every error carries a rule ID).
    stray = [i for i in issues if i.severity == "error" and i.rule not in (case.rule, *case.also)]
    assert not stray, f"unexpected errors:\n{show(stray)}"


def assert_nearest_valid_is_quiet(case: Row) -> None:
    issues = issues_of(case.good, case.good_pins)
    assert case.rule not in {i.rule for i in issues}, show(issues)
    assert not [i for i in issues if i.severity == "error"], show(issues)


def assert_waiver(case: Row) -> None:
    """A waivable finding disappears under its waiver; a non-waivable one stays and the waiver is EKS090."""
    waiver = (case.rule, REASON)
    text = with_waivers(case.bad, (*case.waivers, waiver))
    issues = issues_of(text, case.pins)
    rules = {i.rule for i in issues}
    if RULES[case.rule].waivable:
        assert case.rule not in rules, show(issues)
        assert not rules & {"EKS090", "EKS091"}, show(issues)
        assert not [i for i in issues if i.severity == "error" and i.rule not in case.also], show(issues)
    else:
        assert case.rule in rules, "a non-waivable finding must survive its waiver:\n" + show(issues)
        line = waiver_line(case.bad, len(case.waivers))
        at = f"{line}:7 waivers[{len(case.waivers)}].rule"
        rejected = [i for i in issues if i.rule == "EKS090" and where(i) == at]
        assert rejected, show(issues)
        assert rejected[0].severity == "error"
        assert f"{case.rule} cannot be waived" in rejected[0].message
# The installed console script, for end-to-end tests of hostile input (tests/cli/test_hostile*.py):
# real argv, real signals, real exit codes; `snapshot` proves a refused run changed nothing.
EKSGEN = Path(sys.executable).parent / "eksgen"
CLEAN_SPEC = """\
apiVersion: eksgen/v1alpha1
kind: Cluster
metadata:
  name: demo
  region: eu-west-1
spec:
  kubernetesVersion: "1.35"
  managedNodeGroups:
    - name: general
      instanceTypes: [m6i.large]
      minSize: 2
      maxSize: 4
"""
CONFIGMAP = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: aws-auth
  namespace: kube-system
data:
  mapRoles: |
"""


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str


def eksgen(*args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 60) -> Run:
    """The installed `eksgen` script in a subprocess: real argv, real signals, real exit codes."""
    full_env = {**os.environ, "EKSGEN_LOCK_TIMEOUT": "5", **(env or {})}
    full_env.pop("EKSGEN_DEBUG", None)
    done = subprocess.run([str(EKSGEN), *args], cwd=cwd, env=full_env, capture_output=True, text=True,
                          timeout=timeout, check=False, preexec_fn=_interrupt_as_from_a_shell)
    return Run(done.returncode, done.stdout, done.stderr)


def _interrupt_as_from_a_shell() -> None:
    """SIGINT at its default in the child, as a shell starts a command: an ignored SIGINT is inherited
    across exec, and a test worker may have had it ignored by something it ran (seen under load),
    which would make Python in the child never raise KeyboardInterrupt."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def snapshot(root: Path) -> dict[str, object]:
    """Everything under `root`, symlinks not followed: path -> bytes, link target or kind."""
    found: dict[str, object] = {}
    for directory, dirs, files in os.walk(root, followlinks=False):
        for name in [*dirs, *files]:
            path = Path(directory) / name
            info = path.lstat()
            rel = str(path.relative_to(root))
            if stat.S_ISLNK(info.st_mode):
                found[rel] = ("link", os.readlink(path))
            elif stat.S_ISREG(info.st_mode):
                found[rel] = ("file", path.read_bytes(), stat.S_IMODE(info.st_mode))
            else:
                found[rel] = ("kind", stat.S_IFMT(info.st_mode))
    return found


def spec_with(append: str = "", replace: dict[str, str] | None = None) -> str:
    text = CLEAN_SPEC
    for old, new in (replace or {}).items():
        assert old in text, old
        text = text.replace(old, new)
    return text + append


def assert_clean_refusal(run: Run, code: int, fragments: tuple[str, ...]) -> None:
    output = run.stdout + run.stderr
    assert run.code == code, output
    assert "Traceback" not in output and "internal error" not in output and "a bug in eksgen" not in output, output
    for fragment in fragments:
        assert fragment in run.stderr, f"{fragment!r} not in stderr:\n{run.stderr}"
