"""IPv4 network parsing shared by the stages that compute with CIDRs (defaults, capacity)."""

from __future__ import annotations

import ipaddress


def ipv4_network(cidr: str) -> ipaddress.IPv4Network | None:
    """A strict IPv4 network, or None (the checks stage reports why)."""
    try:
        network = ipaddress.ip_network(cidr, strict=True)
    except ValueError:
        return None
    return network if isinstance(network, ipaddress.IPv4Network) else None
