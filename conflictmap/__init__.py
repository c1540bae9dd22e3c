"""conflictmap: from news articles to a map of who holds, took, contests or left which places.

    import conflictmap
    result = conflictmap.build(["seeds"], "output")   # in a notebook, `result` shows the map
"""
__version__ = "0.1.0"

from .articles import load_articles  # noqa: E402
from .assess import assess  # noqa: E402
from .build import BuildResult, build, read_claims  # noqa: E402
from .extract import extract_claims  # noqa: E402
from .geo.gazetteer import Gazetteer  # noqa: E402
from .profiles import bundled_profiles, load_profile, profile_for  # noqa: E402
from .resolve import resolve_claims  # noqa: E402

__all__ = ["BuildResult", "Gazetteer", "assess", "build", "bundled_profiles", "extract_claims", "load_articles",
           "load_profile", "profile_for", "read_claims", "resolve_claims", "__version__"]
