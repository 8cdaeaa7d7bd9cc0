"""The legacy aws-auth ConfigMap, converted to EKS access entries.

`system:masters` becomes AmazonEKSClusterAdminPolicy at cluster scope; other `system:`
groups (node bootstrappers, nodes) are dropped because EKS creates node entries itself;
every other group becomes a Kubernetes group of the entry.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from pydantic import ValidationError

from generator.errors import Issue, Loc, SpecInvalid
from generator.pipeline.effective import Access, AccessEntry, AccessPolicy, ConvertedAwsAuth
from generator.pipeline.load import Document, dump_yaml, load_documents
from generator.pipeline.model import AwsAuth, AwsAuthRole, AwsAuthUser

MASTERS_GROUP = "system:masters"
# IAM Identity Center roles: `role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_<set>_<id>` (IAM user guide,
# id_roles_use_service-linked / Identity Center "permission sets"); aws-auth writes them without the path.
SSO_ROLE_PATH = "aws-reserved/sso.amazonaws.com/"
SSO_ROLE_WITHOUT_PATH = re.compile(r"(arn:[a-z-]+:iam::\d{12}:)role/(AWSReservedSSO_[\w+=,.@-]+)", re.ASCII)
ADMIN_POLICY = "AmazonEKSClusterAdminPolicy"


def convert(aws_auth: AwsAuth, base: Loc = ("spec", "access", "awsAuth")) -> ConvertedAwsAuth:
    """The one aws-auth conversion: the defaults stage keeps its result on the effective access."""
    result = ConvertedAwsAuth()
    for key, arn_of, mappings in (
        ("mapRoles", "rolearn", aws_auth.map_roles or []),
        ("mapUsers", "userarn", aws_auth.map_users or []),
    ):
        for index, mapping in enumerate(mappings):
            loc = (*base, key, index)
            entry, dropped = _entry(getattr(mapping, arn_of), getattr(mapping, "username", None),
                                    getattr(mapping, "groups", None) or [])
            if dropped and not entry.policies and not entry.kubernetes_groups:
                # A node role: EKS creates its entry for managed groups; an empty STANDARD entry would 409.
                result.warnings.append(Issue((*loc, "groups"), f"node role mapping dropped ({', '.join(dropped)}): "
                                             "EKS creates access entries for managed node groups; for "
                                             "self-managed nodes add an entry with type: EC2_LINUX",
                                             severity="warning", rule="EKS040"))
                continue
            for group in dropped:
                result.warnings.append(Issue((*loc, "groups"), f"dropped group {group!r}: EKS manages "
                                             "system: groups itself (node roles get EC2 access entries)",
                                             severity="warning", rule="EKS040"))
            sso = SSO_ROLE_WITHOUT_PATH.fullmatch(entry.principal_arn)
            if sso is not None:
                full = f"{sso.group(1)}role/{SSO_ROLE_PATH}{sso.group(2)}"
                result.warnings.append(Issue((*loc, arn_of), f"IAM Identity Center role without its path: aws-auth "
                                             f"matches it path-stripped, an access entry needs the real ARN; "
                                             f"converted to {full} (if your Identity Center is not in us-east-1 the "
                                             f"path may carry its region: check with `aws iam get-role --role-name "
                                             f"{sso.group(2)} --query Role.Arn`)", severity="warning",
                                             rule="EKS042"))
                entry = entry.model_copy(update={"principal_arn": full})
            result.entries.append((loc, entry))
    return result


def _entry(arn: str, username: str | None, groups: list[str]) -> tuple[AccessEntry, list[str]]:
    policies: list[AccessPolicy] = []
    kubernetes_groups = []
    dropped = []
    # Groups are a set: one listed twice means it once (and system:masters once is one association).
    for group in dict.fromkeys(groups):
        if group == MASTERS_GROUP:
            policies.append(AccessPolicy(policy=ADMIN_POLICY, scope="cluster"))
        elif group.startswith("system:"):
            dropped.append(group)
        else:
            kubernetes_groups.append(group)
    # `{{SessionName}}`-style usernames are aws-auth templating; access entries keep them as text.
    keep_username = username if username and not username.startswith("system:node:") else None
    entry = AccessEntry(principal_arn=arn, type="STANDARD", kubernetes_groups=kubernetes_groups,
                        username=keep_username, policies=policies)
    return entry, dropped


def configmap_to_access_yaml(text: str, file: str = "<configmap>") -> str:
    """`eksgen aws-auth convert`: an aws-auth ConfigMap manifest to `access.entries` YAML.

    Raises SpecInvalid with located issues for anything that is not a usable ConfigMap.
    """
    documents = load_documents(text, file)
    doc = documents[0]
    if len(documents) > 1:
        raise SpecInvalid([documents[1].issue(Issue((), "one ConfigMap per file: split the documents"))])
    if doc.load_issues:
        raise SpecInvalid(doc.load_issues)  # a repeated key would otherwise keep only one mapping
    manifest = doc.data
    if not isinstance(manifest, dict) or manifest.get("kind") != "ConfigMap":
        raise SpecInvalid([doc.issue(Issue(("kind",), "not a ConfigMap manifest (kind: ConfigMap)"))])
    data = manifest.get("data") or {}
    if not isinstance(data, dict):
        raise SpecInvalid([doc.issue(Issue(("data",), "must be a mapping of keys to strings"))])
    parsed: dict[str, Any] = {}
    issues: list[Issue] = []
    for key in ("mapRoles", "mapUsers"):
        parsed[key], found = _mappings(data.get(key), key, doc)
        issues.extend(found)
    if issues:
        raise SpecInvalid(issues)
    converted = convert(AwsAuth.model_validate(parsed, by_alias=True))
    accounts = _accounts(data.get("mapAccounts"), doc)
    if accounts:
        converted.warnings.append(Issue(("data", "mapAccounts"), f"mapAccounts ({', '.join(accounts)}) has no "
                                        "access-entry equivalent and is not converted: give each IAM role or user "
                                        "of those accounts its own entry", severity="warning", rule="EKS040"))
    entries = [_entry_yaml(e) for _, e in converted.entries]
    notes = "".join(f"# {w.path}: {w.message}\n" for w in converted.warnings)
    body = dump_yaml({"access": {"entries": entries}}, sort_keys=False, allow_unicode=True)
    return notes + body


def _mappings(value: object, key: str, doc: Document) -> tuple[list[Any], list[Issue]]:
    """One `data.mapRoles`/`data.mapUsers` value: a string of YAML holding a list of mappings."""
    loc: Loc = ("data", key)
    if value is None:
        return [], []
    if not isinstance(value, str):
        return [], [doc.issue(Issue(loc, "must be a string of YAML, as kubectl stores it"))]
    try:
        # The loader, not yaml.safe_load: a repeated `rolearn` must not silently keep the last one,
        # and depth and size stay bounded.
        inner_docs = load_documents(value, f"{doc.file} data.{key}") if value.strip() else []
    except SpecInvalid as exc:
        return [], [doc.issue(Issue(loc, _inner(i))) for i in exc.issues]
    if len(inner_docs) > 1:
        return [], [doc.issue(Issue(loc, "must hold one YAML list of mappings, not several documents"))]
    duplicates = [i for d in inner_docs for i in d.load_issues]
    if duplicates:
        return [], [doc.issue(Issue(loc, _inner(i))) for i in duplicates]
    inner = inner_docs[0].data if inner_docs else []
    if not isinstance(inner, list):
        return [], [doc.issue(Issue(loc, "must hold a YAML list of mappings"))]
    model = AwsAuthRole if key == "mapRoles" else AwsAuthUser
    issues = []
    for index, item in enumerate(inner):
        try:
            model.model_validate(item)
        except ValidationError as exc:
            for err in exc.errors(include_url=False):
                path = ".".join(str(p) for p in err["loc"])
                issues.append(doc.issue(Issue(loc, f"item {index}: {path or 'entry'}: {err['msg'].lower()}")))
    return inner, issues


def _accounts(value: object, doc: Document) -> list[str]:
    """`data.mapAccounts`: a YAML list of account IDs, as a string (kubectl's form)."""
    if value is None:
        return []
    inner = value
    if isinstance(value, str):
        try:  # the bounded loader, as for mapRoles: no alias bombs, no unbounded depth
            documents = load_documents(value, f"{doc.file} data.mapAccounts") if value.strip() else []
        except SpecInvalid:
            return ["unreadable"]
        inner = [d.data for d in documents] if len(documents) != 1 else documents[0].data
    return [str(a) for a in inner] if isinstance(inner, list) else [str(inner)]


def _inner(issue: Issue) -> str:
    """An issue inside a ConfigMap value, located by its line within the value."""
    line = f", line {issue.position.line}" if issue.position else ""
    path = f" at {issue.path}" if issue.loc else ""
    return f"in the value{line}{path}: {issue.message}"


def _entry_yaml(entry: AccessEntry) -> dict[str, Any]:
    out: dict[str, Any] = {"principalArn": entry.principal_arn}
    if entry.kubernetes_groups:
        out["kubernetesGroups"] = list(entry.kubernetes_groups)
    if entry.username:
        out["username"] = entry.username
    if entry.policies:
        out["policies"] = [{"policy": p.policy, "scope": p.scope} for p in entry.policies]
    return out


def all_entries(access: Access) -> Iterator[tuple[Loc, AccessEntry]]:
    """The spec's access entries, then the converted aws-auth mappings, each with its spec location."""
    for index, entry in enumerate(access.entries):
        yield ("spec", "access", "entries", index), entry
    yield from access.converted_aws_auth.entries
