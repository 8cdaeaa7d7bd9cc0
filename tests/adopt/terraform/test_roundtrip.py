"""Import <-> render: importing what eksgen rendered gives back the effective spec, and rendering that
spec gives the same bytes; for every golden example and for random valid specs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given

from generator.adopt.terraform import import_root_module
from generator.adopt.terraform.output import spec_text
from generator.pipeline import awsauth
from generator.pipeline.checks.rules import checkov_skips
from generator.pipeline.keys import irsa_policy_keys, policy_arn
from generator.pipeline.load import load_documents
from generator.pipeline.model import Cluster
from generator.pipeline.plan.endpoints import endpoint_key
from generator.pipeline.run import ClusterResult, build_document, check_document
from generator.schema import effective_yaml
from tests.helpers import REPO, TODAY
from tests.pipeline.test_run import SETTINGS, dump, parse, specs

EXAMPLES = sorted(p.name for p in (REPO / "examples").iterdir() if (p / "expected").is_dir())


def rendered_view(cluster: Cluster) -> dict[str, Any]:
    """The effective spec as far as the output can say it. What rendering folds away by design: aws-auth
    becomes access entries, access policies are full ARNs, endpoints and IRSA policies are rendered in key
    order, and only
    waivers with a checkov twin leave a mark (the skip comment); the pod identity namespace of an entry
    an addon associates is not rendered (EKS installs the addon in its own namespace)."""
    access = cluster.spec.access
    assert access is not None
    data: dict[str, Any] = yaml.safe_load(effective_yaml(cluster))
    spec = data["spec"]
    entries = [e for _, e in awsauth.all_entries(access)]
    spec["access"]["entries"] = [yaml.safe_load(yaml.safe_dump(e.model_dump(by_alias=True, mode="json",
                                                                            exclude_none=True))) for e in entries]
    spec["access"].pop("awsAuth", None)
    for entry in spec["access"]["entries"]:
        for policy in entry.get("policies", []):
            policy["policy"] = policy_arn(policy["policy"], cluster.metadata.region)
    if "endpoints" in spec.get("vpc", {}):
        spec["vpc"]["endpoints"] = sorted(spec["vpc"]["endpoints"], key=endpoint_key)
    spec["waivers"] = sorted(({"rule": w["rule"], "reason": w["reason"].strip()} for w in spec.get("waivers", [])
                              if checkov_skips(w["rule"])), key=lambda w: (w["rule"], w["reason"]))
    by_addon = {a.get("podIdentity") for a in spec.get("addons", {}).values()}
    for entry in spec.get("podIdentityAssociations", []):
        if entry["name"] in by_addon:
            entry.pop("namespace")
    # An existing role only an addon associates has no block of its own: its place in the list is not rendered.
    spec["podIdentityAssociations"] = sorted(spec.get("podIdentityAssociations", []), key=lambda e: (
        "roleArn" in e and e["name"] in by_addon, e["name"] if "roleArn" in e and e["name"] in by_addon else ""))
    for key, keep in (("karpenter", "enabled"), ("autoMode", "enabled")):  # off: none of its settings render
        if not spec.get(key, {}).get("enabled"):
            spec[key] = {keep: False}
    existing = spec.get("vpc", {}).get("subnets", {}).get("private") if "id" in spec.get("vpc", {}) else None
    for group in spec.get("selfManagedNodeGroups", []):  # the existing VPC's private subnets, listed or named
        if existing is not None and group.get("subnets") == existing:
            group["subnets"] = "private"
    for group in [*spec.get("managedNodeGroups", []), *spec.get("selfManagedNodeGroups", [])]:
        # One script: where one command ends and the next begins, a newline inside a command does not say.
        group["preBootstrapCommands"] = "\n".join(group.get("preBootstrapCommands", []))
    for account in spec.get("serviceAccounts", []):  # IRSA policies are rendered in key order
        account["policyArns"] = list(irsa_policy_keys(account["policyArns"]).values())
    for selector in (s for p in spec.get("fargateProfiles", []) for s in p["selectors"]):
        if selector.get("labels") == {}:  # no labels: none rendered (the selector has no default to fill)
            del selector["labels"]
    for addon in spec.get("addons", {}).values():
        if addon.get("configuration") == {}:  # nothing to configure: no configuration_values
            del addon["configuration"]
    env = ((spec.get("addons", {}).get("vpc-cni") or {}).get("configuration") or {}).get("env")
    # What the output says prefix delegation is: the VPC CNI's env (nothing without the vpc-cni addon).
    spec["vpcCni"]["prefixDelegation"] = isinstance(env, dict) and env.get("ENABLE_PREFIX_DELEGATION") == "true"
    return data


def reimport(directory: Path) -> ClusterResult:
    text, _findings = spec_text(import_root_module(directory, today=TODAY), "cluster.yaml", TODAY)
    (doc,) = load_documents(text, "cluster.yaml")
    return build_document(doc, "cluster.yaml", today=TODAY)


def assert_round_trip(original: ClusterResult, directory: Path) -> None:
    assert original.effective is not None
    again = reimport(directory)
    assert again.effective is not None
    assert rendered_view(again.effective) == rendered_view(original.effective)
    assert again.files == original.files


@pytest.mark.parametrize("example", EXAMPLES)
def test_every_golden_imports_back_to_its_effective_spec_and_bytes(example: str) -> None:
    root = REPO / "examples" / example
    (doc,) = load_documents((root / "cluster.yaml").read_text("utf-8"), "cluster.yaml")
    original = build_document(doc, "cluster.yaml", today=TODAY)
    assert original.files == {p.name: p.read_text("utf-8") for p in (root / "expected").glob("*.tf")}
    assert_round_trip(original, root / "expected")


@SETTINGS
@given(specs())
def test_random_valid_specs_import_back(tmp_path_factory: pytest.TempPathFactory, document: dict[str, Any]) -> None:
    original = build_document(parse(dump(document)), "cluster.yaml", today=TODAY)
    directory = tmp_path_factory.mktemp("rendered")
    for name, text in original.files.items():
        (directory / name).write_text(text, encoding="utf-8")
    assert_round_trip(original, directory)


def test_the_imported_spec_of_a_golden_has_no_import_warning() -> None:
    imported = import_root_module(REPO / "examples" / "production" / "expected", today=TODAY)
    assert imported.warnings == []
    findings = check_document(load_documents(spec_text(imported, "cluster.yaml")[0], "cluster.yaml")[0]).issues
    assert {f.rule for f in findings} == {"EKS018"}  # the documentation account, as in the example itself
