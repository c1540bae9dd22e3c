"""conflictmap: from news articles to a map of who holds, took, contests or left which places.

    import conflictmap
    result = conflictmap.build(["seeds"], "output")   # in a notebook, `result` shows the map
"""
from __future__ import annotations

import importlib

__version__ = "0.1.0"

# The public names, imported on first use: `import conflictmap.geo.gazetteer` (a lookup) need not load folium.
_PUBLIC = {
    "load_articles": "articles", "assess": "assess", "BuildResult": "build", "build": "build",
    "read_claims": "build", "extract_claims": "extract", "Gazetteer": "geo.gazetteer",
    "bundled_profiles": "profiles", "load_profile": "profiles", "profile_for": "profiles",
    "resolve_claims": "resolve",
}

__all__ = sorted(_PUBLIC) + ["__version__"]


def __getattr__(name: str):
    if name in _PUBLIC:
        value = getattr(importlib.import_module(f".{_PUBLIC[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
