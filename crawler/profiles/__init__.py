"""CMS profiles: how the portal spider reads one family of government portal software."""

from __future__ import annotations

from pathlib import Path

import yaml

PROFILE_DIR = Path(__file__).parent


def known_profiles() -> list[str]:
    """Names a registry may use in `profile:`; `auto` recognises the family from the pages."""
    names = ["auto"]
    for path in sorted(PROFILE_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        names.append(str(data.get("name", path.stem)))
    return names
