"""The rule expression language: parsed once, type-checked at load, never eval'd."""
