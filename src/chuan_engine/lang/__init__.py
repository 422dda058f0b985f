"""Layer 1: the rule expression language (syntax, types, three-valued logic, operators); parsed once, never eval'd."""
