"""EKS addons: eksctl's default set written out (listing addons replaces eksgen's), versions,
configuration values, and the IAM roles eksctl makes for an addon."""

from __future__ import annotations

import json
from typing import Any

from generator.adopt.eksctl import eksctl_defaults as E
from generator.adopt.eksctl.context import Context
from generator.adopt.eksctl.identity import pod_identity_entry, well_known
from generator.adopt.eksctl.tree import Block, Seq
from generator.errors import Loc, SpecInvalid
from generator.facts.partition import partition
from generator.pipeline.defaults import DEFAULT_ADDONS
from generator.pipeline.load import load_documents
from generator.pipeline.model import Addon, ServiceAccount

# The service account each addon's controller runs as (the EKS addons' own manifests), for the IRSA role
# eksctl makes from an addon's attachPolicyARNs or wellKnownPolicies.
ADDON_SERVICE_ACCOUNTS = {"vpc-cni": "aws-node", "aws-ebs-csi-driver": "ebs-csi-controller-sa",
                          "aws-efs-csi-driver": "efs-csi-controller-sa"}
POD_IDENTITY_AGENT = "eks-pod-identity-agent"


def map_addons(ctx: Context, pod_identities: Seq, taken: set[str], *, auto_mode: bool,
               needs_agent: bool) -> None:
    addons = Block(None, origin=("addons",))
    disabled = bool(ctx.src.flag(("addonsConfig", "disableDefaultAddons")))
    defaults = [] if disabled else list(E.EKSCTL_DEFAULT_AUTO_MODE_ADDONS if auto_mode else E.EKSCTL_DEFAULT_ADDONS)
    if ctx.region in E.EKSCTL_METRICS_SERVER_EXCLUDED_REGIONS:
        defaults.remove("metrics-server")
    for name in defaults:
        addons.set(name, {})
    service_accounts = ctx.spec.fields.get("serviceAccounts")
    irsa = service_accounts.value if service_accounts and isinstance(service_accounts.value, Seq) else Seq()
    listed_cni = any(ctx.src.raw_unmarked((*loc, "name")) == "vpc-cni" for loc in ctx.src.items(("addons",)))
    for loc in ctx.src.items(("addons",)):
        named = ctx.src.text((*loc, "name"))
        if named is None:
            ctx.src.report((*loc, "name"), "required: the addon's name")
            continue
        addons.set(named, _addon(ctx, loc, named, pod_identities, taken, irsa), origin=loc)
    if defaults and "vpc-cni" in defaults and ctx.src.flag(("iam", "withOIDC")) and not listed_cni:
        _aws_node_role(ctx, addons, irsa)
    if irsa.items and "serviceAccounts" not in ctx.spec.fields:
        ctx.spec.set("serviceAccounts", irsa)
    if needs_agent and POD_IDENTITY_AGENT not in addons.fields:
        addons.set(POD_IDENTITY_AGENT, {}, comment=(
            "Not in the ClusterConfig: eksgen's Pod Identity associations and Karpenter's controller role need "
            "the agent."))
        ctx.note(("addons",), f"{POD_IDENTITY_AGENT} added: Pod Identity (and eksgen's Karpenter role) need it")
    first = (f"eksctl's default addons are written out ({', '.join(defaults)}): listing addons replaces eksgen's "
             f"default set ({', '.join(DEFAULT_ADDONS)})." if defaults else
             "addonsConfig.disableDefaultAddons: only the listed addons.")
    ctx.spec.set("addons", addons, origin=("addons",), comment=first)
    ctx.drop_unread(("addonsConfig",), addons)


def _aws_node_role(ctx: Context, addons: Block, irsa: Seq) -> None:
    """eksctl's implicit IRSA role for the VPC CNI, carried over as a serviceAccounts entry the addon names."""
    taken = {item.value.fields["name"].value for item in irsa.items if isinstance(item.value, Block)}
    if "aws-node" in taken:
        return
    entry = Block(ServiceAccount, origin=("iam", "withOIDC"))
    entry.set("name", "aws-node", comment=(
        "eksctl gives the VPC CNI its own IRSA role when iam.withOIDC is on; eksgen's default leaves the CNI "
        "policy on the node role."))
    entry.set("namespace", "kube-system")
    entry.set("serviceAccount", "aws-node")
    entry.set("policyArns", [f"arn:{partition(ctx.region)}:iam::aws:policy/{E.EKSCTL_AWS_NODE_POLICY}"])
    irsa.add(entry, origin=("iam", "withOIDC"))
    addons.set("vpc-cni", {"serviceAccount": "aws-node"}, origin=("iam", "withOIDC"))


def _addon(ctx: Context, loc: Loc, name: str, pod_identities: Seq, taken: set[str], irsa: Seq) -> Block:
    addon = Block(Addon, origin=loc)
    version = ctx.src.text((*loc, "version"))
    if version is not None and version != "latest":
        addon.set("version", version if version.startswith("v") else f"v{version}", origin=(*loc, "version"))
    config = _configuration(ctx, (*loc, "configurationValues"))
    addon.set("configuration", config, origin=(*loc, "configurationValues"))
    _addon_irsa(ctx, loc, name, addon, irsa)
    _addon_pod_identity(ctx, loc, addon, pod_identities, taken)
    ctx.drop_unread(loc, addon)
    return addon


def _configuration(ctx: Context, loc: Loc) -> dict[str, Any] | None:
    """configurationValues is JSON or YAML text; eksgen's configuration is the mapping itself."""
    text = ctx.src.text(loc)
    if text is None:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        try:
            docs = load_documents(text, f"{ctx.src.file} ({'.'.join(str(p) for p in loc)})")
            value = docs[0].data if len(docs) == 1 else None
        except SpecInvalid:
            value = None
    if isinstance(value, dict):
        return value
    ctx.src.report(loc, "must be a JSON or YAML mapping (the addon's configuration schema)")
    return None


def _addon_irsa(ctx: Context, loc: Loc, name: str, addon: Block, irsa: Seq) -> None:
    policies = ctx.src.texts((*loc, "attachPolicyARNs")) or []
    known = well_known(ctx, (*loc, "wellKnownPolicies"), addon)
    if not policies and not known:
        return
    account = ADDON_SERVICE_ACCOUNTS.get(name)
    if account is None:
        for key in ("attachPolicyARNs", "wellKnownPolicies"):
            ctx.drop((*loc, key), addon, f"eksgen does not know which service account {name} runs as")
        return
    entry = Block(ServiceAccount, origin=loc)
    entry.set("name", name, origin=(*loc, "name"))
    entry.set("namespace", "kube-system")
    entry.set("serviceAccount", account)
    entry.set("wellKnownPolicies", known or None, origin=(*loc, "wellKnownPolicies"))
    entry.set("policyArns", policies or None, origin=(*loc, "attachPolicyARNs"))
    irsa.add(entry, origin=loc)
    addon.set("serviceAccount", name, origin=loc)


def _addon_pod_identity(ctx: Context, loc: Loc, addon: Block, pod_identities: Seq, taken: set[str]) -> None:
    items = ctx.src.items((*loc, "podIdentityAssociations"))
    for index, item in enumerate(items):
        if index > 0:
            ctx.drop(item, addon, "eksgen's addon takes one Pod Identity association (podIdentity)")
            continue
        entry = pod_identity_entry(ctx, item, "kube-system", taken)
        if entry is None:
            continue
        pod_identities.add(entry, origin=item)
        name = entry.fields["name"].value
        addon.set("podIdentity", name, origin=item)
