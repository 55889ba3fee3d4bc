"""JavaScript for the page: the package's own `.js` files, and Python values as JS literals.

The scripts live in `layers/js/` as plain JavaScript (linted by Biome, see `biome.json`, and
tested in a browser on their own, see tests/test_browser_js.py). Each file defines one
function on `window`; an element's script only calls it with its configuration as JSON
(`to_js`), so no Python value is ever formatted into code.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

__all__ = ["js_source", "to_js"]

_UNSAFE_IN_SCRIPT = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def _script_safe(text: str) -> str:
    """`text` with every character that could end a <script> (or a JS line) escaped.

    One `str.replace` per character: the world's geometry (most of the page) goes through here,
    and a per-character join cost about 0.1 s of every export.
    """
    for char, escaped in _UNSAFE_IN_SCRIPT.items():
        text = text.replace(char, escaped)
    return text


def to_js(value: Any) -> str:
    """`value` as a JavaScript literal that is safe inside <script> (and stable: keys sorted).

    >>> to_js({"title": "</script><b>"})
    '{"title":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e"}'
    """
    return _script_safe(
        json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    )


@functools.cache
def js_source(name: str) -> str:
    """The text of `layers/js/<name>`, read from the installed package once per process."""
    return (resources.files("layers") / "js" / name).read_text(encoding="utf-8")
