"""Which node label keys the kubelet and the EKS API accept, by namespace (the part before `/`).

Kubelet (`--node-labels`, self-managed nodes): a label in the kubernetes.io or k8s.io
namespace, subdomains included, is refused unless it is one of the kubelet's own labels or
in the kubelet.kubernetes.io / node.kubernetes.io namespaces (subdomains included).
Source: kubernetes/kubernetes staging/src/k8s.io/kubelet/pkg/apis/well_known_labels.go
(`kubeletLabels`, `kubeletLabelNamespaces`, `IsKubeletLabel`) and cmd/kubelet/app/options
`ValidateKubeletFlags` ("unknown 'kubernetes.io' or 'k8s.io' labels specified with --node-labels").

EKS API (managed node groups): "Label cannot contain reserved prefixes" for kubernetes.io,
k8s.io and eks.amazonaws.com (API_CreateNodegroup; eksctl #4007; kubernetes/cloud-provider-aws
#242, in shared/facts/eks-limits.md). Subdomains are treated as the same family.
"""

from __future__ import annotations

KUBERNETES_DOMAINS = ("kubernetes.io", "k8s.io")
EKS_RESERVED_DOMAINS = (*KUBERNETES_DOMAINS, "eks.amazonaws.com")
KUBELET_LABELS = frozenset({
    "kubernetes.io/hostname", "kubernetes.io/os", "kubernetes.io/arch",
    "topology.kubernetes.io/zone", "topology.kubernetes.io/region",
    "failure-domain.beta.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/region",
    "beta.kubernetes.io/instance-type", "node.kubernetes.io/instance-type",
    "beta.kubernetes.io/os", "beta.kubernetes.io/arch",
})
KUBELET_NAMESPACES = ("kubelet.kubernetes.io", "node.kubernetes.io")


def namespace(key: str) -> str:
    return key.split("/", 1)[0] if "/" in key else ""


def in_family(ns: str, domains: tuple[str, ...]) -> bool:
    """`ns` is one of `domains` or a subdomain of one (`node-role.kubernetes.io`)."""
    return any(ns == d or ns.endswith("." + d) for d in domains)


def kubelet_refuses(key: str) -> bool:
    ns = namespace(key)
    if not in_family(ns, KUBERNETES_DOMAINS) or key in KUBELET_LABELS:
        return False
    return not in_family(ns, KUBELET_NAMESPACES)


def eks_refuses(key: str) -> bool:
    return in_family(namespace(key), EKS_RESERVED_DOMAINS)
