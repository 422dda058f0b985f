"""Layer 4: evaluating a plan on facts (the explaining interpreter with its tracer, views of facts)."""
