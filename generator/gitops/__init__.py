"""Above the API: fleets of specs, semantic diffs with risk labels, unified text diffs."""
