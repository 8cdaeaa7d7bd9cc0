"""The root module's own settings: the terraform block (required version, S3 backend), the AWS
provider (region, default tags), the module pins, and waivers recorded as checkov skips."""

from __future__ import annotations

import re
from typing import Any

from generator.adopt.terraform.calls import Call, Reporter
from generator.adopt.terraform.evaluate import Scope
from generator.adopt.terraform.source import RootModule
from generator.terraform import catalogs

# `# checkov:skip=CKV_AWS_39:EKS080 waived: reason`, as eksgen writes a waiver with a checkov twin.
CHECKOV_SKIP = re.compile(r"#\s*checkov:skip=[A-Z0-9_]+:([A-Z0-9_]+) waived: (.*)$", re.MULTILINE)
PIN_KEYS = {"eks": ("eks", None), "vpc": ("vpc", None), "irsa": ("iam", "iam-role-for-service-accounts"),
            "pod_identity": ("pod-identity", None)}
SPEC_PIN = {"eks": "eks", "vpc": "vpc", "irsa": "iam", "pod_identity": "podIdentity"}


def terraform_settings(root: RootModule, scope: Scope, report: Reporter) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for block in root.of_type("terraform"):
        required = block.attributes.get("required_version")
        if required is not None:
            value = scope.evaluate(required.expr, required.where.file)
            if isinstance(value, str):
                result["requiredVersion"] = value
        for backend in block.children("backend"):
            if backend.labels != ("s3",):
                report.warn(backend.where, ("terraform", "backend", *backend.labels), "only the s3 backend has spec "
                            "keys; the state stays where it is only if you configure this backend again by hand")
                continue
            values = {n: scope.evaluate(a.expr, a.where.file) for n, a in backend.attributes.items()}
            s3: dict[str, Any] = {k: values[a] for k, a in (("bucket", "bucket"), ("key", "key"), ("region", "region"),
                                  ("useLockfile", "use_lockfile"), ("encrypt", "encrypt"),
                                  ("dynamodbTable", "dynamodb_table")) if isinstance(values.get(a), str | bool)}
            if "useLockfile" not in s3:
                s3["useLockfile"] = False  # absent: Terraform's default, no S3-native lock
            for extra in sorted(set(values) - {"bucket", "key", "region", "use_lockfile", "encrypt",
                                               "dynamodb_table"}):
                report.warn(backend.where, ("terraform", "backend", "s3", extra), "no spec key; left out")
            result["backend"] = {"s3": s3}
    return result


def provider(root: RootModule, scope: Scope, report: Reporter) -> tuple[Any, dict[str, str]]:
    """The AWS provider's region and default tags (the default provider; aliases are reported)."""
    region: Any = None
    tags: dict[str, str] = {}
    for block in root.of_type("provider"):
        if block.labels != ("aws",):
            continue
        if "alias" in block.attributes:
            report.warn(block.where, ("provider", "aws"), "an aliased AWS provider is not carried into the spec")
            continue
        attr = block.attributes.get("region")
        if attr is not None:
            region = scope.evaluate(attr.expr, attr.where.file)
        for default_tags in block.children("default_tags"):
            found = default_tags.attributes.get("tags")
            value = scope.evaluate(found.expr, found.where.file) if found else None
            if isinstance(value, dict):
                tags.update({k: v for k, v in value.items() if isinstance(v, str)})
    return region, tags


def module_pins(calls: list[Call], report: Reporter) -> dict[str, str]:
    """Exact module versions; a constraint or a version without a catalog takes eksgen's pin, reported."""
    pins: dict[str, str] = {}
    known = catalogs.index()
    for call in calls:
        if call.kind not in PIN_KEYS:
            continue
        key, sub = PIN_KEYS[call.kind]
        version = call.version or ""
        if (key, version, sub) in known:
            pins[SPEC_PIN[call.kind]] = version
        else:
            available = sorted(v for (k, v, s) in known if k == key and s == sub)
            report.warn(call.where("version"), call.loc("version"), f"version {version or '(none)'!r} is not an "
                        f"exact version eksgen has a catalog for ({', '.join(available)}); the spec takes eksgen's "
                        "pin" + ("; read the module's UPGRADE-21.0.md before applying" if call.major == 20 else ""))
    return pins


def waivers(root: RootModule) -> list[dict[str, str]]:
    found = {(m.group(1), m.group(2).strip()) for text in root.texts.values() for m in CHECKOV_SKIP.finditer(text)}
    return [{"rule": rule, "reason": reason} for rule, reason in sorted(found)]
