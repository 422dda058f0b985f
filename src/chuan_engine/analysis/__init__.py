"""Layer 6: analyses of a plan and its results (gaps to each threshold, static checks, rule cases)."""
