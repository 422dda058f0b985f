"""Typed facts about schools, units, staff and clusters, and their loaders."""
