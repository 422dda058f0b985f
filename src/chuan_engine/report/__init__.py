"""Layer 3: the results model (verdicts, traces, reports, summaries) and its renderers (table, HTML, frames, charts)."""
