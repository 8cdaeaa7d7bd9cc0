"""Stage 5, plan: the defaulted cluster as ordered Terraform blocks (see ir.py).

One `build_*` function per output file. Argument order follows the terraform-aws-eks
examples: source and version, identity, switches, addons, networking, compute.
"""

from __future__ import annotations

import re

from generator import awsauth, catalogs
from generator.ir import Attr, Block, Call, Group, Obj, Plan, Ref, TfFile, Value
from generator.model import (
    AccessEntry,
    Cluster,
    ManagedNodeGroup,
    SelfManagedNodeGroup,
    ServiceAccount,
    Taint,
)
from generator.partition import partition

MODULE_SOURCES = {
    "vpc": "terraform-aws-modules/vpc/aws",
    "eks": "terraform-aws-modules/eks/aws",
    "iam": "terraform-aws-modules/iam/aws//modules/iam-role-for-service-accounts",
}
ELB_TAG = "kubernetes.io/role/elb"
INTERNAL_ELB_TAG = "kubernetes.io/role/internal-elb"
ACCESS_POLICY_ARN = "arn:{partition}:eks::aws:cluster-access-policy/{name}"
WELL_KNOWN_POLICY_SWITCHES = {
    "ebsCsi": "attach_ebs_csi_policy",
    "efsCsi": "attach_efs_csi_policy",
    "vpcCni": "attach_vpc_cni_policy",
    "loadBalancerController": "attach_load_balancer_controller_policy",
    "externalDns": "attach_external_dns_policy",
    "clusterAutoscaler": "attach_cluster_autoscaler_policy",
    "certManager": "attach_cert_manager_policy",
    "externalSecrets": "attach_external_secrets_policy",
    "velero": "attach_velero_policy",
    "nodeTerminationHandler": "attach_node_termination_handler_policy",
    "cloudwatchObservability": "attach_cloudwatch_observability_policy",
    "mountpointS3Csi": "attach_mountpoint_s3_csi_policy",
}
# Root volume device per AMI family: Bottlerocket keeps its data on the second volume.
ROOT_DEVICE = {"BOTTLEROCKET": "/dev/xvdb"}
DEFAULT_ROOT_DEVICE = "/dev/xvda"
NODEADM_CONTENT_TYPE = "application/node.eks.aws"


def build_plan(cluster: Cluster) -> Plan:
    files = [build_versions(cluster)]
    if cluster.spec.vpc is not None and cluster.spec.vpc.id is None:
        files.append(build_vpc(cluster))
    files.append(build_eks(cluster))
    if cluster.spec.service_accounts:
        files.append(build_iam(cluster))
    files.append(build_outputs(cluster))
    return Plan(files)


def _module(key: str, label: str, version: str, groups: list[Group], banner: str | None = None) -> Block:
    head = Group([Attr("source", MODULE_SOURCES[key]), Attr("version", version)])
    return Block("module", (label,), [head, *[g for g in groups if g.attrs]], banner=banner)


def _group(*attrs: Attr | None, comment: str | None = None) -> Group:
    return Group([a for a in attrs if a is not None and a.value is not None], comment)


def _pins(cluster: Cluster) -> dict[str, str]:
    tf = cluster.spec.terraform
    assert tf is not None and tf.modules is not None
    return {"eks": tf.modules.eks or "", "vpc": tf.modules.vpc or "", "iam": tf.modules.iam or ""}


def required_providers(cluster: Cluster) -> dict[str, tuple[str, str]]:
    """Every provider the pinned modules need, at the highest floor any of them sets."""
    pins = _pins(cluster)
    used: list[tuple[str, str | None]] = [("eks", None), ("vpc", None)]
    if cluster.spec.service_accounts:
        used.append(("iam", "iam-role-for-service-accounts"))
    found: dict[str, tuple[str, str]] = {}
    for key, sub in used:
        for name, req in catalogs.load(key, pins[key], sub)["required_providers"].items():
            current = found.get(name)
            if current is None or catalogs.version_floor(req["version"]) > catalogs.version_floor(current[1]):
                found[name] = (req["source"], req["version"])
    return dict(sorted(found.items()))


def build_versions(cluster: Cluster) -> TfFile:
    tf = cluster.spec.terraform
    assert tf is not None
    providers = {name: Obj.of(source=src, version=ver) for name, (src, ver) in required_providers(cluster).items()}
    body: list[Group | Block] = [
        _group(Attr("required_version", tf.required_version)),
        Block("required_providers", (), [Group([Attr(name, obj) for name, obj in providers.items()])]),
    ]
    s3 = tf.backend.s3 if tf.backend else None
    if s3 is not None:
        body.append(Block("backend", ("s3",), [_group(
            Attr("bucket", s3.bucket), Attr("key", s3.key), Attr("region", s3.region),
            Attr("encrypt", s3.encrypt), Attr("use_lockfile", s3.use_lockfile),
            Attr("dynamodb_table", s3.dynamodb_table),
        )]))
    provider_body: list[Group | Block] = [_group(Attr("region", cluster.metadata.region))]
    if cluster.metadata.tags:
        provider_body.append(Block("default_tags", (), [_group(Attr("tags", dict(cluster.metadata.tags)))]))
    return TfFile("versions.tf", [Block("terraform", (), body), Block("provider", ("aws",), provider_body)])


def build_vpc(cluster: Cluster) -> TfFile:
    vpc = cluster.spec.vpc
    assert vpc is not None and vpc.subnets is not None
    nat = {
        "HighlyAvailable": (True, False, True, "One NAT gateway per AZ: egress survives the loss of a zone."),
        "Single": (True, True, False, "A single NAT gateway: cheaper, but egress depends on one AZ."),
        "Disabled": (False, False, False, "No NAT: nodes need VPC endpoints to reach AWS APIs."),
    }[vpc.nat or "Single"]
    ipv6 = cluster.spec.ip_family == "ipv6"
    azs = len(vpc.availability_zones or [])
    groups = [
        _group(Attr("name", Ref("local.name")), Attr("cidr", vpc.cidr),
               Attr("secondary_cidr_blocks", list(vpc.secondary_cidrs or []) or None)),
        _group(Attr("azs", list(vpc.availability_zones or [])),
               Attr("private_subnets", list(vpc.subnets.private or [])),
               Attr("public_subnets", list(vpc.subnets.public or []) or None),
               Attr("intra_subnets", list(vpc.subnets.intra or []) or None)),
        _group(Attr("enable_nat_gateway", nat[0]), Attr("single_nat_gateway", nat[1]),
               Attr("one_nat_gateway_per_az", nat[2]), comment=nat[3]),
    ]
    if ipv6:
        groups.append(_group(
            Attr("enable_ipv6", True), Attr("create_egress_only_igw", True),
            Attr("public_subnet_ipv6_prefixes", list(range(azs)) if vpc.subnets.public else None),
            Attr("private_subnet_ipv6_prefixes", list(range(azs, 2 * azs))),
            Attr("intra_subnet_ipv6_prefixes", list(range(2 * azs, 3 * azs)) if vpc.subnets.intra else None),
            Attr("public_subnet_assign_ipv6_address_on_creation", True if vpc.subnets.public else None),
            Attr("private_subnet_assign_ipv6_address_on_creation", True),
            comment="IPv6 pods get addresses from the subnets' /64 prefixes.",
        ))
    groups.append(_group(
        Attr("public_subnet_tags", {ELB_TAG: "1"} if vpc.subnets.public else None),
        Attr("private_subnet_tags", {INTERNAL_ELB_TAG: "1"}),
        comment="Discovery tags: the AWS Load Balancer Controller picks subnets by these.",
    ))
    return TfFile("vpc.tf", [_module("vpc", "vpc", _pins(cluster)["vpc"], groups, banner="VPC")])


def build_eks(cluster: Cluster) -> TfFile:
    s = cluster.spec
    assert s.endpoint and s.logging and s.secrets_encryption and s.access and s.vpc
    locals_block = Block("locals", (), [_group(Attr("name", cluster.metadata.name))])
    enc = s.secrets_encryption
    groups = [
        _group(Attr("name", Ref("local.name")), Attr("kubernetes_version", s.kubernetes_version)),
        _group(Attr("upgrade_policy", Obj.of(support_type=s.support_type)),
               Attr("deletion_protection", s.deletion_protection)),
        _group(Attr("endpoint_private_access", s.endpoint.private),
               Attr("endpoint_public_access", s.endpoint.public),
               Attr("endpoint_public_access_cidrs", list(s.endpoint.public_cidrs)
                    if s.endpoint.public and s.endpoint.public_cidrs is not None else None)),
        _group(Attr("enabled_log_types", list(s.logging.types or [])),
               Attr("cloudwatch_log_group_retention_in_days", s.logging.retention_days)),
        _group(Attr("create_kms_key", bool(enc.create_key)),
               Attr("encryption_config", Obj.of(provider_key_arn=enc.kms_key_arn, resources=["secrets"])
                    if enc.kms_key_arn else None),
               comment="Envelope encryption of Kubernetes secrets." if enc.kms_key_arn else None),
        _group(Attr("authentication_mode", s.access.authentication_mode),
               Attr("enable_cluster_creator_admin_permissions", s.access.cluster_creator_admin)),
        _group(Attr("access_entries", _access_entries(cluster))),
        _group(Attr("enable_irsa", True), comment="The OIDC provider lets IAM roles trust service accounts (IRSA)."),
        _group(Attr("addons", _nonempty(_addons(cluster)))),
        _networking(cluster),
        _group(Attr("eks_managed_node_groups", _nonempty(_managed_groups(cluster))),
               comment="desired_size applies at creation; afterwards the autoscaler owns it."
               if s.managed_node_groups else None),
        _group(Attr("self_managed_node_groups", _nonempty(_self_managed_groups(cluster)))),
        _group(Attr("fargate_profiles", _nonempty(_fargate(cluster)))),
    ]
    return TfFile("eks.tf", [locals_block, _module("eks", "eks", _pins(cluster)["eks"], groups, banner="EKS")])


def _nonempty(obj: Obj) -> Obj | None:
    return obj if obj.items else None


def _networking(cluster: Cluster) -> Group:
    s = cluster.spec
    assert s.vpc is not None
    if s.vpc.id is None:
        vpc_id: Value = Ref("module.vpc.vpc_id")
        subnets: Value = Ref("module.vpc.private_subnets")
        control: Value = Ref("module.vpc.intra_subnets") if s.vpc.subnets and s.vpc.subnets.intra else None
    else:
        assert s.vpc.subnets is not None
        vpc_id, subnets = s.vpc.id, list(s.vpc.subnets.private or [])
        control = list(s.vpc.subnets.control_plane or []) or None
    return _group(
        Attr("vpc_id", vpc_id), Attr("subnet_ids", subnets), Attr("control_plane_subnet_ids", control),
        Attr("ip_family", s.ip_family if s.ip_family != "ipv4" else None),
        # IPv6 nodes need the account's AmazonEKS_CNI_IPv6_Policy, which AWS does not provide.
        Attr("create_cni_ipv6_iam_policy", True if s.ip_family == "ipv6" else None),
        Attr("service_ipv4_cidr", s.service_ipv4_cidr),
    )


def access_entry_key(arn: str, used: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "_", arn.rsplit("/", 1)[-1].lower()).strip("_") or "entry"
    if base[0].isdigit():
        base = f"p_{base}"
    key, n = base, 2
    while key in used:
        key, n = f"{base}_{n}", n + 1
    used.add(key)
    return key


def _access_entries(cluster: Cluster) -> Obj | None:
    access = cluster.spec.access
    assert access is not None
    used: set[str] = set()
    pairs = [(access_entry_key(e.principal_arn, used), _access_entry(e, cluster.metadata.region))
             for _, e in awsauth.all_entries(access.entries or [], access.aws_auth)]
    return Obj(tuple(pairs)) if pairs else None


def _access_entry(entry: AccessEntry, region: str) -> Obj:
    policies: list[tuple[str, Value]] = []
    for index, policy in enumerate(entry.policies or []):
        arn = policy.policy if policy.policy.startswith("arn:") else ACCESS_POLICY_ARN.format(
            partition=partition(region), name=policy.policy)
        name = re.sub(r"(?<!^)(?=[A-Z])", "_", arn.rsplit("/", 1)[-1].removeprefix("AmazonEKS")
                      .removesuffix("Policy")).lower() or "policy"
        scope = Obj.from_pairs([("type", policy.scope),
                                ("namespaces", list(policy.namespaces or []) if policy.scope == "namespace" else None)])
        key = name if all(k != name for k, _ in policies) else f"{name}_{index}"
        policies.append((key, Obj.of(policy_arn=arn, access_scope=scope)))
    return Obj.from_pairs([
        ("principal_arn", entry.principal_arn),
        ("type", entry.type if entry.type != "STANDARD" else None),
        ("kubernetes_groups", list(entry.kubernetes_groups) if entry.kubernetes_groups else None),
        ("user_name", entry.username),
        ("policy_associations", Obj(tuple(policies)) if policies else None),
    ])


def _addons(cluster: Cluster) -> Obj:
    pairs: list[tuple[str, Value]] = []
    for name, addon in (cluster.spec.addons or {}).items():
        config = Call("jsonencode", (addon.configuration,)) if addon.configuration else None
        role = Ref(f"module.{irsa_label(addon.service_account)}.arn") if addon.service_account else None
        pairs.append((name, Obj.from_pairs([
            ("addon_version", addon.version),
            ("before_compute", True if addon.before_compute else None),
            ("configuration_values", config),
            ("service_account_role_arn", role),
        ])))
    return Obj(tuple(pairs))


def _subnet_ids(cluster: Cluster, subnets: str | list[str] | None) -> Value:
    """`private` is the cluster's node subnets (the module default); AZs pick new-VPC subnets."""
    vpc = cluster.spec.vpc
    assert vpc is not None
    if subnets is None or subnets == "private" or isinstance(subnets, str):
        return None
    zones = vpc.availability_zones or []
    return [Ref(f"module.vpc.private_subnets[{zones.index(v)}]") if v in zones else v for v in subnets]


def _taints(taints: list[Taint]) -> Obj | None:
    keys = [t.key for t in taints]
    pairs = []
    for taint in taints:
        label = taint.key if keys.count(taint.key) == 1 else f"{taint.key}-{taint.effect.lower()}"
        pairs.append((label, Obj.from_pairs([("key", taint.key), ("value", taint.value), ("effect", taint.effect)])))
    return Obj(tuple(pairs)) if pairs else None


def _disk(ami_type: str | None, size: int | None) -> Obj | None:
    """The module's default launch template ignores `disk_size`; the root volume is set here."""
    if size is None:
        return None
    family = (ami_type or "").split("_", 1)[0]
    device = ROOT_DEVICE.get(family, DEFAULT_ROOT_DEVICE)
    ebs = Obj.of(volume_size=size, volume_type="gp3", encrypted=True, delete_on_termination=True)
    return Obj(((device.rsplit("/", 1)[-1], Obj.of(device_name=device, ebs=ebs)),))


def _managed_groups(cluster: Cluster) -> Obj:
    return Obj(tuple((ng.name, _managed(cluster, ng)) for ng in cluster.spec.managed_node_groups or []))


def _managed(cluster: Cluster, ng: ManagedNodeGroup) -> Obj:
    update = None
    if ng.max_unavailable is not None or ng.max_unavailable_percentage is not None:
        update = Obj.from_pairs([("max_unavailable", ng.max_unavailable),
                                 ("max_unavailable_percentage", ng.max_unavailable_percentage)])
    return Obj.from_pairs([
        ("ami_type", ng.ami_type),
        ("instance_types", list(ng.instance_types or [])),
        ("capacity_type", ng.capacity_type),
        ("min_size", ng.min_size),
        ("max_size", ng.max_size),
        ("desired_size", ng.desired_size),
        ("block_device_mappings", _disk(ng.ami_type, ng.disk_size_gib)),
        ("labels", dict(ng.labels) if ng.labels else None),
        ("taints", _taints(ng.taints or [])),
        ("update_config", update),
        ("subnet_ids", _subnet_ids(cluster, ng.subnets)),
    ])


def _self_managed_groups(cluster: Cluster) -> Obj:
    return Obj(tuple((ng.name, _self_managed(cluster, ng)) for ng in cluster.spec.self_managed_node_groups or []))


def _self_managed(cluster: Cluster, ng: SelfManagedNodeGroup) -> Obj:
    subnets = _subnet_ids(cluster, ng.subnets)
    if subnets is None:  # self-managed groups take no default from the cluster's subnets
        vpc = cluster.spec.vpc
        assert vpc is not None
        subnets = Ref("module.vpc.private_subnets") if vpc.id is None else list(
            (vpc.subnets.private if vpc.subnets else None) or [])
    return Obj.from_pairs([
        ("ami_type", ng.ami_type),
        ("instance_type", ng.instance_type),
        ("min_size", ng.min_size),
        ("max_size", ng.max_size),
        ("desired_size", ng.desired_size),
        ("block_device_mappings", _disk(ng.ami_type, ng.disk_size_gib)),
        ("cloudinit_pre_nodeadm", _nodeadm(ng)),
        ("subnet_ids", subnets),
    ])


def _nodeadm(ng: SelfManagedNodeGroup) -> list[Value] | None:
    """AL2023 nodes take labels and taints from a nodeadm NodeConfig, not from the module."""
    flags = []
    if ng.labels:
        flags.append("--node-labels=" + ",".join(f"{k}={v}" for k, v in ng.labels.items()))
    if ng.taints:
        flags.append("--register-with-taints=" + ",".join(
            f"{t.key}={t.value or ''}:{_kubelet_effect(t.effect)}" for t in ng.taints))
    if not flags:
        return None
    lines = ["apiVersion: node.eks.aws/v1alpha1", "kind: NodeConfig", "spec:", "  kubelet:", "    flags:"]
    lines += [f"      - {flag}" for flag in flags]
    return [Obj.of(content_type=NODEADM_CONTENT_TYPE, content="---\n" + "\n".join(lines) + "\n")]


def _kubelet_effect(effect: str) -> str:
    return {"NO_SCHEDULE": "NoSchedule", "NO_EXECUTE": "NoExecute", "PREFER_NO_SCHEDULE": "PreferNoSchedule"}[effect]


def _fargate(cluster: Cluster) -> Obj:
    pairs: list[tuple[str, Value]] = []
    for profile in cluster.spec.fargate_profiles or []:
        selectors: list[Value] = [
            Obj.from_pairs([("namespace", sel.namespace), ("labels", dict(sel.labels) if sel.labels else None)])
            for sel in profile.selectors
        ]
        pairs.append((profile.name, Obj.from_pairs([
            ("selectors", selectors), ("subnet_ids", _subnet_ids(cluster, profile.subnets)),
        ])))
    return Obj(tuple(pairs))


def irsa_label(name: str) -> str:
    return "irsa_" + name.replace("-", "_")


def build_iam(cluster: Cluster) -> TfFile:
    version = _pins(cluster)["iam"]
    blocks = [_irsa(cluster, sa, version) for sa in cluster.spec.service_accounts or []]
    if blocks:
        blocks[0].banner = "IAM roles for service accounts"
    return TfFile("iam.tf", blocks)


def _irsa(cluster: Cluster, sa: ServiceAccount, version: str) -> Block:
    switches = [Attr(WELL_KNOWN_POLICY_SWITCHES[p], True) for p in sa.well_known_policies or []]
    if "vpcCni" in (sa.well_known_policies or []):
        family = "ipv6" if cluster.spec.ip_family == "ipv6" else "ipv4"
        switches.append(Attr(f"vpc_cni_enable_{family}", True))
    policies = {f"policy_{i}": arn for i, arn in enumerate(sa.policy_arns or [])}
    trust = Obj.of(this=Obj.of(provider_arn=Ref("module.eks.oidc_provider_arn"),
                               namespace_service_accounts=[f"{sa.namespace}:{sa.service_account}"]))
    groups = [
        _group(Attr("name", f"{cluster.metadata.name}-{sa.name}")),
        Group(switches),
        _group(Attr("policies", dict[str, Value](policies) or None)),
        _group(Attr("oidc_providers", trust),
               comment=f"Only {sa.namespace}/{sa.service_account} may assume this role."),
    ]
    return _module("iam", irsa_label(sa.name), version, groups)


def build_outputs(cluster: Cluster) -> TfFile:
    new_vpc = cluster.spec.vpc is not None and cluster.spec.vpc.id is None
    rows: list[tuple[str, Value, str]] = [
        ("cluster_name", Ref("module.eks.cluster_name"), "EKS cluster name"),
        ("cluster_endpoint", Ref("module.eks.cluster_endpoint"), "Kubernetes API server endpoint"),
        ("oidc_provider_arn", Ref("module.eks.oidc_provider_arn"), "IAM OIDC provider ARN, for IRSA trust"),
    ]
    if new_vpc:
        rows += [
            ("vpc_id", Ref("module.vpc.vpc_id"), "VPC ID"),
            ("private_subnets", Ref("module.vpc.private_subnets"), "Private subnet IDs (nodes and pods)"),
            ("public_subnets", Ref("module.vpc.public_subnets"), "Public subnet IDs (internet-facing load balancers)"),
        ]
    rows.append((
        "configure_kubectl",
        Call("format", ("aws eks --region %s update-kubeconfig --name %s", cluster.metadata.region,
                        Ref("module.eks.cluster_name"))),
        "Command that writes a kubeconfig entry for this cluster",
    ))
    blocks = [Block("output", (name,), [_group(Attr("description", text), Attr("value", value))])
              for name, value, text in rows]
    return TfFile("outputs.tf", blocks)


