"""Layer 2: the rule pack, from YAML specs to the compiled plan (names resolved, types, versions, read-sets)."""
