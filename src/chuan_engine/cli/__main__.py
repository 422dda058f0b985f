"""``python -m chuan_engine.cli``."""

from . import main

raise SystemExit(main())
