"""Tools for the people who write packs: the static check, hand-computed YAML cases, fact sampling."""
