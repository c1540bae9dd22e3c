"""The one place where text from articles and data files enters HTML or JavaScript."""
from __future__ import annotations

import html
from urllib.parse import urlsplit

# Characters that still mean something inside a JavaScript template literal after HTML escaping.
_TEMPLATE_SAFE = str.maketrans({"`": "&#96;", "$": "&#36;", "\\": "&#92;", "{": "&#123;", "}": "&#125;"})


def text(value: object) -> str:
    """Text made safe for HTML content, attribute values and JS template literals alike."""
    return html.escape("" if value is None else str(value), quote=True).translate(_TEMPLATE_SAFE)


def url(value: str) -> str:
    """A link target, or '' when it is not a plain http(s) URL."""
    value = (value or "").strip()
    try:
        parts = urlsplit(value)
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return ""
    return text(value)


def colour(value: str) -> str:
    """A CSS colour from a profile: '#rrggbb' or '#rgb', else a neutral grey."""
    value = (value or "").strip()
    if value.startswith("#") and len(value) in (4, 7) and all(c in "0123456789abcdefABCDEF" for c in value[1:]):
        return value
    return "#7f7f7f"
