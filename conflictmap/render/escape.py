"""The one place where text from articles and data files enters HTML or JavaScript."""
from __future__ import annotations

import html
import re
from functools import lru_cache
from urllib.parse import urlsplit

# Characters that still mean something inside a JavaScript template literal after HTML escaping.
_TEMPLATE_SAFE = str.maketrans({"`": "&#96;", "$": "&#36;", "\\": "&#92;", "{": "&#123;", "}": "&#125;"})


def text(value: object) -> str:
    """Text made safe for HTML content, attribute values and JS template literals alike."""
    return _text("" if value is None else str(value))


@lru_cache(maxsize=8192)  # names, sources, titles and labels recur thousands of times in a large map
def _text(value: str) -> str:
    return html.escape(value, quote=True).translate(_TEMPLATE_SAFE)


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


# Characters XML 1.0 does not allow at all (C0 controls but tab, newline and return; lone surrogates; U+FFFE/F).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_chars(value: object) -> str:
    """Text with the characters that no XML document may contain removed (for KML and SVG); the markup
    characters are left to the XML writer or to `text`."""
    return _NOT_XML.sub("", "" if value is None else str(value))
