"""Analyses of a run's results: the gap to each threshold."""
