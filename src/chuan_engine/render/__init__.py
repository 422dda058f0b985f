"""Renderers of a Report: terminal table, HTML, pandas DataFrames (JSON lives on Report)."""
