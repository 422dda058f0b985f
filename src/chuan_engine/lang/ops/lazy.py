"""numpy, loaded on its first use.

The operator table keeps each column kernel beside its scalar kernel, but a one-school run never calls a
column kernel: binding numpy lazily keeps it (0.1 s of a 0.5 s cold start, issue 13) out of that run.
The standard library's ``LazyLoader`` does the deferring; a numpy already imported is returned as is.
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def lazy_module(name: str) -> ModuleType:
    """The module ``name``, executed on its first attribute access (or now, if it is already loaded)."""
    loaded = sys.modules.get(name)
    if loaded is not None:
        return loaded
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:  # pragma: no cover - numpy is a dependency
        raise ModuleNotFoundError(f"No module named '{name}'", name=name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module
