"""Workbooks built from a compiled pack: the facts template (``template``) and the parameter sheet (``params``)."""
