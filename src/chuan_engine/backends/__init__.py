"""Optional evaluation backends that run a pack on another engine, checked against the core.

Nothing here is imported by ``import chuan_engine``; each backend imports its
engine lazily, so a missing or broken optional engine never breaks the core.

- ``chuan_engine.backends.durable``: the per-entity subset of a pack on durable_rules (Rete),
  extra ``durable`` (Python < 3.13). See docs/durable.md.
"""

from __future__ import annotations

__all__: list[str] = []
