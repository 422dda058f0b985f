"""A pack author's toolkit: generated facts, reusable properties, YAML cases.

``strategies`` and ``properties`` need ``hypothesis`` (test dependency);
``yaml_cases`` is also a pytest plugin collecting ``rules/<pack>/tests/*.yaml``.
Nothing here is imported by the engine at runtime except ``sampling``
(used by ``chuan rules check``).
"""
