"""Issue 13, table-driven: every hostile input gets a clean, located exit 2 from the installed
`eksgen` script, with no traceback and the output directory and its parent byte-for-byte unchanged.

One table per item of the issue. A spec row runs through render, validate, diff and explain alike
(they share one loader); an aws-auth row through `aws-auth convert`. Rows whose input is fine
(the other side of a limit) expect exit 0.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import CLEAN_SPEC as BASE
from tests.helpers import CONFIGMAP, assert_clean_refusal, eksgen, snapshot, spec_with
from tests.helpers import TODAY as _TODAY

TODAY = _TODAY.isoformat()

SPEC_COMMANDS = ("render", "validate", "diff", "explain")
# Every command loads through one function; the first row of each table runs them all, the rest
# run render (the command that writes), keeping the suite's subprocess count reasonable.
RENDER = ("render",)
Setup = Callable[[Path], None]


@dataclass
class Case:
    id: str
    files: dict[str, str | bytes | Setup]
    fragments: tuple[str, ...]
    code: int = 2
    commands: tuple[str, ...] = RENDER
    absent: tuple[str, ...] = ()  # must not appear in stderr
    extra: tuple[str, ...] = field(default=())


def _argv(command: str, target: str, extra: tuple[str, ...]) -> list[str]:
    return {
        "render": ["render", target, "-o", "out", "--today", TODAY],
        "validate": ["validate", target, "--today", TODAY],
        "diff": ["diff", "good.yaml", target, "--today", TODAY],
        "explain": ["explain", target, "--today", TODAY],
        "convert": ["aws-auth", "convert", target],
    }[command] + list(extra)


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _bomb(levels: int, width: int = 8, inside: str = "addons:\n    coredns:\n      configuration:\n") -> str:
    lines = [f"        l0: &l0 [{', '.join(['xxxxxxxx'] * width)}]"]
    lines += [f"        l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * width)}]" for i in range(1, levels)]
    return f"  {inside}" + "\n".join(lines) + "\n"


def _cases(*cases: Case) -> list[Any]:
    return [pytest.param(c, command, id=f"{c.id}-{command}") for c in cases for command in c.commands]


def _run_case(tmp_path: Path, case: Case, command: str) -> None:
    work = tmp_path / "work"
    work.mkdir()
    (work / "good.yaml").write_text(BASE)
    target = "bad.yaml"
    for name, content in case.files.items():
        path = work / name
        if callable(content):
            content(path)
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        target = name if name.startswith("bad") else target
    before = snapshot(tmp_path)
    run = eksgen(*_argv(command, target, case.extra), cwd=work)
    assert_clean_refusal(run, case.code, case.fragments)
    for fragment in case.absent:
        assert fragment not in run.stderr, run.stderr
    if case.code != 0 or command != "render":
        assert snapshot(tmp_path) == before, "a refused run changed files"


# Item 1: only bounded regular files are read (specs, bases, aws-auth manifests).
UNBOUNDED = _cases(
    Case("extends-dev-zero", {"bad.yaml": "extends: /dev/zero\n"},
         ("bad.yaml:1:1 extends: cannot read base spec /dev/zero: not a regular file (a device)",),
         commands=SPEC_COMMANDS),
    Case("extends-dev-urandom", {"bad.yaml": "extends: /dev/urandom\n"},
         ("bad.yaml:1:1 extends: cannot read base spec /dev/urandom: not a regular file (a device)",)),
    Case("extends-fifo", {"base.yaml": _fifo, "bad.yaml": "extends: base.yaml\n"},
         ("bad.yaml:1:1 extends: cannot read base spec base.yaml: not a regular file (a FIFO)",)),
    Case("extends-directory", {"base.yaml": lambda p: p.mkdir(), "bad.yaml": "extends: base.yaml\n"},
         ("bad.yaml:1:1 extends: cannot read base spec base.yaml: not a regular file (a directory)",)),
    Case("spec-is-fifo", {"bad.yaml": _fifo}, ("error: bad.yaml: not a regular file (a FIFO)",),
         commands=SPEC_COMMANDS),
    Case("spec-too-large", {"bad.yaml": BASE + "#" * (2 * 1024 * 1024) + "\n"},
         ("error: bad.yaml: file is larger than 2097152 bytes",)),
    Case("base-too-large", {"base.yaml": BASE + "#" * (2 * 1024 * 1024) + "\n", "bad.yaml": "extends: base.yaml\n"},
         ("bad.yaml:1:1 extends: cannot read base spec base.yaml: file is larger than 2097152 bytes",)),
    Case("configmap-fifo", {"bad.yaml": _fifo}, ("error: bad.yaml: not a regular file (a FIFO)",),
         commands=("convert",)),
    Case("configmap-too-large", {"bad.yaml": CONFIGMAP + "#" * (2 * 1024 * 1024) + "\n"},
         ("error: bad.yaml: file is larger than 2097152 bytes",), commands=("convert",)),
)


@pytest.mark.parametrize(("case", "command"), UNBOUNDED)
def test_unbounded_reads_are_refused(tmp_path: Path, case: Case, command: str) -> None:
    _run_case(tmp_path, case, command)


def test_device_paths_as_specs_are_refused(tmp_path: Path) -> None:
    for device in ("/dev/zero", "/dev/urandom", "/dev/stdin"):
        for argv in (["validate", device], ["explain", device], ["aws-auth", "convert", device],
                     ["render", device, "-o", "out"], ["diff", device, device]):
            run = eksgen(*argv, cwd=tmp_path)
            assert_clean_refusal(run, 2, ("not a regular file",))
    assert list(tmp_path.iterdir()) == []


# Item 2: YAML 1.1 coercions and custom tags are refused, located, with the fix.
TAGS = "metadata:\n  name: demo\n  region: eu-west-1\n  tags:\n"
COERCIONS = _cases(
    Case("key-on", {"bad.yaml": spec_with(replace={"metadata:\n  name: demo\n  region: eu-west-1\n":
                                                   TAGS + "    on: a\n    yes: b\n"})},
         ("bad.yaml:7:5 metadata.tags.on: YAML reads the key on as the boolean true; quote it (\"on\")",
          "bad.yaml:8:5 metadata.tags.yes: YAML reads the key yes as the boolean true; quote it (\"yes\")"),
         commands=SPEC_COMMANDS),
    Case("key-null", {"bad.yaml": spec_with(replace={"metadata:\n  name: demo\n  region: eu-west-1\n":
                                                     TAGS + "    null: a\n"})},
         ("bad.yaml:7:5 metadata.tags.null: YAML reads the key null as null; quote it (\"null\")",)),
    Case("key-hex-and-octal", {"bad.yaml": spec_with(replace={"metadata:\n  name: demo\n  region: eu-west-1\n":
                                                              TAGS + "    0x1F: a\n    010: b\n"})},
         ("bad.yaml:7:5 metadata.tags.0x1F: YAML 1.1 reads 0x1F as the number 31; write the plain number 31 "
          "or quote it (\"0x1F\")",
          "bad.yaml:8:5 metadata.tags.010: YAML 1.1 reads 010 as the number 8"), commands=SPEC_COMMANDS),
    Case("count-octal", {"bad.yaml": spec_with(replace={"minSize: 2": "minSize: 010"})},
         ("bad.yaml:11:16 managedNodeGroups[0].minSize: YAML 1.1 reads 010 as the number 8; write the plain "
          "number 8 or quote it (\"010\")",)),
    Case("count-hex", {"bad.yaml": spec_with(replace={"maxSize: 4": "maxSize: 0x10"})},
         ("bad.yaml:12:16 managedNodeGroups[0].maxSize: YAML 1.1 reads 0x10 as the number 16",)),
    Case("count-underscore", {"bad.yaml": spec_with(replace={"maxSize: 4": "maxSize: 1_000"})},
         ("bad.yaml:12:16 managedNodeGroups[0].maxSize: YAML 1.1 reads 1_000 as the number 1000",)),
    Case("count-sexagesimal", {"bad.yaml": spec_with(replace={"maxSize: 4": "maxSize: 1:30"})},
         ("bad.yaml:12:16 managedNodeGroups[0].maxSize: YAML 1.1 reads 1:30 as the number 90",)),
    Case("bool-yes", {"bad.yaml": spec_with("  endpoint:\n    publicAccess: yes\n")},
         ("bad.yaml:14:19 endpoint.publicAccess: YAML 1.1 reads yes as the boolean true; write true",)),
    Case("custom-tag-on-mapping", {"bad.yaml": spec_with(replace={"metadata:": "metadata: !evil"})},
         ("bad.yaml:3:11 metadata: the YAML tag !evil is not supported",)),
    Case("custom-tag-on-scalar", {"bad.yaml": spec_with(replace={"name: demo": "name: !evil demo"})},
         ("bad.yaml:4:9 metadata.name: the YAML tag !evil is not supported",)),
    Case("yaml12-exponent-as-text", {"bad.yaml": spec_with(replace={"region: eu-west-1": "region: 1e5"})},
         ("bad.yaml:5:11 metadata.region: YAML 1.1 reads 1e5 as text but YAML 1.2 as a number; quote it",)),
    Case("date-in-configuration", {"bad.yaml": spec_with("  addons:\n    coredns:\n      configuration:\n"
                                                         "        when: 2026-01-01\n")},
         ("bad.yaml:16:15 addons.coredns.configuration.when: YAML 1.1 reads 2026-01-01 as a date",)),
    # Found by bench/fuzz_hostile.py: an explicit tag its text does not fit made PyYAML raise (exit 3).
    *[Case(f"fuzz-explicit-{tag}-misfit",
           {"bad.yaml": spec_with(replace={"region: eu-west-1": f"region: !!{tag} {text}"})},
           (f"bad.yaml:5:11 metadata.region: {text} is not a valid !!{tag}; quote it",))
      for tag, text in (("float", "1est-1a"), ("int", "abc"), ("bool", "maybe"), ("null", "x"))],
    Case("fuzz-explicit-tag-misfit-key",
         {"bad.yaml": spec_with(replace={"metadata:\n  name: demo\n  region: eu-west-1\n":
                                         TAGS + "    !!int abc: x\n"})},
         ("bad.yaml:7:5 metadata.tags.abc: abc is not a valid !!int; quote it",)),
    # Found by bench/fuzz_hostile.py: a non-mapping vpc-cni env with prefixDelegation crashed the defaults.
    *[Case(f"fuzz-vpc-cni-env-{name}", {"bad.yaml": spec_with(
        f"  vpcCni:\n    prefixDelegation: true\n  addons:\n    vpc-cni:\n      configuration:\n        env: {env}\n")},
        ("bad.yaml:18:9 addons.vpc-cni.configuration.env: error EKS012: must be a mapping of variable names",))
      for name, env in (("string", "x"), ("list", "[a, b]"), ("number", "1"))],
    Case("configmap-custom-tag", {"bad.yaml": CONFIGMAP.replace("kind: ConfigMap", "kind: !evil ConfigMap")
                                  + "    - rolearn: arn:aws:iam::111122223333:role/a\n"},
         ("bad.yaml:2:7 kind: the YAML tag !evil is not supported",), commands=("convert",)),
    Case("configmap-username-yes", {"bad.yaml": CONFIGMAP + "    - rolearn: arn:aws:iam::111122223333:role/a\n"
                                    "      username: yes\n"},
         ("bad.yaml:7:3 data.mapRoles: in the value, line 2 at [0].username: YAML 1.1 reads yes as the boolean",),
         commands=("convert",)),
)


@pytest.mark.parametrize(("case", "command"), COERCIONS)
def test_yaml_coercions_are_refused(tmp_path: Path, case: Case, command: str) -> None:
    _run_case(tmp_path, case, command)


def _prev(i: int) -> str:
    return "a" if i == 0 else f"b{i - 1}"


# Item 3 (and item 10's plain list): expanded size is bounded before any later stage runs.
BOMBS = _cases(
    Case("configuration-alias-bomb", {"bad.yaml": spec_with(_bomb(6))},
         ("once its aliases are expanded (an alias bomb?)",), commands=SPEC_COMMANDS),
    Case("ten-document-bomb", {"bad.yaml": "\n---\n".join(spec_with(_bomb(5)) for _ in range(10))},
         ("once its aliases are expanded (an alias bomb?)",)),
    Case("long-string-bomb", {"bad.yaml": spec_with("  waivers:\n    - &s " + "x" * 60_000 + "\n"
                                                    + "".join("    - *s\n" for _ in range(40)))},
         ("characters of text once its aliases are expanded",)),
    Case("million-item-plain-list", {"bad.yaml": spec_with("  waivers: [" + ",".join(["1"] * 600_000) + "]\n")},
         ("document holds more than 5000 values",), absent=("alias",)),
    Case("deep-nesting", {"bad.yaml": "a: " + "[" * 100 + "]" * 100 + "\n"},
         ("bad.yaml:1:67 (document): nested more than 64 levels deep",)),
    Case("deeper-than-libyaml", {"bad.yaml": "a: " + "[" * 5000 + "]" * 5000 + "\n"},
         ("bad.yaml:1:1003 (document): invalid YAML: exceeded maximum nesting depth",)),
    Case("configmap-bomb", {"bad.yaml": CONFIGMAP + "    - &a {rolearn: x, groups: [a, b, c, d, e, f, g, h]}\n"
                            + "".join(f"    - &b{i} [{', '.join([f'*{_prev(i)}'] * 8)}]\n" for i in range(6))},
         ("once its aliases are expanded (an alias bomb?)",), commands=("convert",)),
)


@pytest.mark.parametrize(("case", "command"), BOMBS)
def test_bombs_are_refused(tmp_path: Path, case: Case, command: str) -> None:
    _run_case(tmp_path, case, command)


# Item 5: what used to be exit 3 on user input.
EXIT3 = _cases(
    Case("metadata-empty", {"bad.yaml": "apiVersion: eksgen/v1alpha1\nkind: Cluster\nmetadata:\n"},
         ("bad.yaml:3:1 metadata: must be a mapping (got null)",), commands=SPEC_COMMANDS),
    Case("metadata-string", {"bad.yaml": "apiVersion: eksgen/v1alpha1\nkind: Cluster\nmetadata: x\n"},
         ("bad.yaml:3:1 metadata: must be a mapping",)),
    Case("metadata-list", {"bad.yaml": "apiVersion: eksgen/v1alpha1\nkind: Cluster\nmetadata: [a]\n"},
         ("bad.yaml:3:1 metadata: must be a mapping",)),
    Case("required-version-banana", {"bad.yaml": spec_with("  terraform:\n    requiredVersion: banana\n")},
         ("bad.yaml:14:5 terraform.requiredVersion: error EKS017: must be a Terraform version constraint",)),
    Case("required-version-banana-with-terraform",
         {"bad.yaml": spec_with("  terraform:\n    requiredVersion: banana\n")},
         ("bad.yaml:14:5 terraform.requiredVersion: error EKS017: must be a Terraform version constraint",),
         commands=("validate",), extra=("--terraform",), absent=("a bug in eksgen",)),
)


@pytest.mark.parametrize(("case", "command"), EXIT3)
def test_former_exit_3_inputs_are_located_exit_2(tmp_path: Path, case: Case, command: str) -> None:
    _run_case(tmp_path, case, command)


# Item 6: text Terraform would read changed (it normalises every literal to NFC).
NFC = _cases(*[
    Case(f"configuration-{name}", {"bad.yaml": spec_with(f"  addons:\n    coredns:\n      configuration:\n{line}")},
         (f"bad.yaml:16:9 addons.coredns.configuration{path}: error EKS001: {what}is not in Unicode NFC form: "
          f"Terraform would read {composed} from character 1 on",),
         commands=SPEC_COMMANDS if name == "nfd-key" else RENDER)
    for name, line, path, what, composed in [
        ("nfd-key", '        "e\\u0301": x\n', "['e\u0301']", "key ", r"'\xe9'"),
        ("ohm-sign", '        k: "\\u2126"\n', ".k", "", r"'\u03a9'"),
        ("angstrom-sign", '        k: "\\u212B"\n', ".k", "", r"'\xc5'"),
        ("cjk-compatibility", '        k: "\\uF900"\n', ".k", "", r"'\u8c48'"),
        ("hangul-jamo", '        k: "\\u1100\\u1161"\n', ".k", "", r"'\uac00'"),
    ]
])


@pytest.mark.parametrize(("case", "command"), NFC)
def test_non_nfc_text_is_refused(tmp_path: Path, case: Case, command: str) -> None:
    _run_case(tmp_path, case, command)


# Item 7: duplicate keys survive `extends`; merge-key overrides are not duplicates.
DUP_BASE = BASE.replace("kind: Cluster", "kind: ClusterBase") + "      minSize: 3\n"
MERGE_OVERRIDE = (BASE + "    - &ng\n      name: ng1\n      minSize: 1\n      maxSize: 3\n"
                  "    - <<: *ng\n      name: ng2\n")
DUPLICATES = _cases(
    Case("base-duplicate-key", {"base.yaml": DUP_BASE, "bad.yaml": "extends: base.yaml\n"},
         ("base.yaml:13:7 managedNodeGroups[0].minSize: duplicate key 'minSize' (first at line 11)",),
         commands=SPEC_COMMANDS),
    Case("base-of-base-duplicate-key", {"base.yaml": DUP_BASE, "mid.yaml": "kind: ClusterBase\nextends: base.yaml\n",
                                        "bad.yaml": "extends: mid.yaml\nspec:\n  kubernetesVersion: \"1.34\"\n"},
         ("base.yaml:13:7 managedNodeGroups[0].minSize: duplicate key 'minSize' (first at line 11)",)),
    Case("duplicate-explicit-key-after-merge", {"bad.yaml": MERGE_OVERRIDE + "      name: ng3\n"},
         ("bad.yaml:19:7 managedNodeGroups[2].name: duplicate key 'name' (first at line 18)",)),
    Case("merge-key-override-is-fine", {"bad.yaml": MERGE_OVERRIDE}, (), code=0, absent=("duplicate",),
         commands=("validate", "explain")),
)


@pytest.mark.parametrize(("case", "command"), DUPLICATES)
def test_duplicate_keys_through_extends_and_merges(tmp_path: Path, case: Case, command: str) -> None:
    _run_case(tmp_path, case, command)


# Item 8: aws-auth manifests.
ROLE = "arn:aws:iam::111122223333:role"
AWS_AUTH = _cases(
    Case("repeated-rolearn", {"bad.yaml": CONFIGMAP + f"    - rolearn: {ROLE}/dev\n      rolearn: {ROLE}/admin\n"
                              "      groups: [system:masters]\n"},
         ("bad.yaml:7:3 data.mapRoles: in the value, line 2 at [0].rolearn: duplicate key 'rolearn' (first at "
          "line 1)",), commands=("convert",)),
    Case("deep-maproles", {"bad.yaml": CONFIGMAP + "    - " + "[" * 5000 + "]" * 5000 + "\n"},
         ("bad.yaml:7:3 data.mapRoles: in the value, line 1: invalid YAML: exceeded maximum nesting depth",),
         commands=("convert",)),
    Case("repeated-maproles-key", {"bad.yaml": CONFIGMAP + f"    - rolearn: {ROLE}/a\n  mapRoles: |\n"
                                   f"    - rolearn: {ROLE}/b\n"},
         ("bad.yaml:9:3 data.mapRoles: duplicate key 'mapRoles' (first at line 7)",), commands=("convert",)),
    Case("nested-maproles", {"bad.yaml": CONFIGMAP + "    - " + "[" * 80 + "]" * 80 + "\n"},
         ("bad.yaml:7:3 data.mapRoles: in the value, line 1: nested more than 64 levels deep",),
         commands=("convert",)),
    Case("two-documents", {"bad.yaml": CONFIGMAP + f"    - rolearn: {ROLE}/a\n---\n" + CONFIGMAP
                           + f"    - rolearn: {ROLE}/b\n"},
         ("one ConfigMap per file",), commands=("convert",)),
    Case("spec-aws-auth-repeated-rolearn", {"bad.yaml": spec_with(
        f"  access:\n    awsAuth:\n      mapRoles:\n        - rolearn: {ROLE}/dev\n          rolearn: {ROLE}/admin\n")},
         ("bad.yaml:17:11 access.awsAuth.mapRoles[0].rolearn: duplicate key 'rolearn' (first at line 16)",),
         commands=SPEC_COMMANDS),
)


@pytest.mark.parametrize(("case", "command"), AWS_AUTH)
def test_aws_auth_manifests(tmp_path: Path, case: Case, command: str) -> None:
    _run_case(tmp_path, case, command)


# Item 10 (messages): quoted file names, the base named, no "alias" for a plain list (BOMBS above).
MESSAGES = _cases(
    Case("newline-in-file-name", {"bad\nname.yaml": BASE + "      minSize: 3\n"},
         ("'bad\\nname.yaml':13:7 managedNodeGroups[0].minSize: duplicate key",), commands=SPEC_COMMANDS),
    Case("base-not-a-mapping", {"base.yaml": "- a\n", "bad.yaml": "extends: base.yaml\n"},
         ("bad.yaml:1:1 extends: base spec base.yaml must be a mapping (got list)",)),
    Case("base-null", {"base.yaml": "~\n", "bad.yaml": "extends: base.yaml\n"},
         ("bad.yaml:1:1 extends: base spec base.yaml must be a mapping (got null)",)),
)


@pytest.mark.parametrize(("case", "command"), MESSAGES)
def test_messages_name_and_quote_their_subject(tmp_path: Path, case: Case, command: str) -> None:
    _run_case(tmp_path, case, command)


# Item 11: label families, both sides of each.
def _labels(group: str, key: str) -> str:
    if group == "managed":
        return BASE + f"      labels:\n        {key}: x\n"
    return BASE + f"  selfManagedNodeGroups:\n    - name: self\n      labels:\n        {key}: x\n"


MANAGED_REFUSED = "the EKS API refuses managed node group labels under kubernetes.io, k8s.io and eks.amazonaws.com"
KUBELET_REFUSED = "the kubelet refuses --node-labels under kubernetes.io and k8s.io"
LABELS = [
    *[("managed", key, 2, MANAGED_REFUSED) for key in (
        "node-role.kubernetes.io/worker", "kubernetes.io/role", "k8s.io/x", "foo.k8s.io/x",
        "eks.amazonaws.com/nodegroup", "a.eks.amazonaws.com/y", "node.kubernetes.io/lifecycle",
        "topology.kubernetes.io/zone")],
    *[("managed", key, 0, "") for key in ("kubernetes.io.example.com/x", "example.com/kubernetes.io", "k8s-io/x")],
    *[("self", key, 2, KUBELET_REFUSED) for key in (
        "node-role.kubernetes.io/worker", "kubernetes.io/role", "app.kubernetes.io/name", "k8s.io/x",
        "node-restriction.kubernetes.io/x")],
    *[("self", key, 0, "") for key in (
        "node.kubernetes.io/lifecycle", "a.node.kubernetes.io/x", "kubelet.kubernetes.io/x",
        "topology.kubernetes.io/zone", "kubernetes.io/arch", "beta.kubernetes.io/instance-type",
        "kubernetes.io.example.com/x", "eks.amazonaws.com/x")],
]


@pytest.mark.parametrize(("group", "key", "code", "message"), LABELS, ids=[f"{g}-{k}" for g, k, _, _ in LABELS])
def test_reserved_label_prefixes(tmp_path: Path, group: str, key: str, code: int, message: str) -> None:
    (tmp_path / "bad.yaml").write_text(_labels(group, key))
    before = snapshot(tmp_path)
    run = eksgen("validate", "bad.yaml", "--today", TODAY, cwd=tmp_path)
    where = "managedNodeGroups[0]" if group == "managed" else "selfManagedNodeGroups[0]"
    expected = (f"labels['{key}']: error EKS056: {message}",) if code else ()
    assert_clean_refusal(run, code, expected)
    if code:
        assert where in run.stderr
    assert snapshot(tmp_path) == before
