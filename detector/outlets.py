"""Recognising news outlets: by URL domain, by the names text uses for them, by source lines in scraped text."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources
from urllib.parse import urlparse

__all__ = ["canonical_outlet", "outlet_from_url", "find_outlet_mentions", "is_outlet"]


@lru_cache(maxsize=1)
def _table() -> tuple[dict[str, str], dict[str, str], re.Pattern]:
    data = json.loads(resources.files("detector").joinpath("data/outlets.json").read_text("utf-8"))
    by_alias: dict[str, str] = {}
    by_domain: dict[str, str] = {}
    for o in data["outlets"]:
        for a in [o["name"], *o.get("aliases", [])]:
            by_alias[a.lower()] = o["name"]
        for d in o.get("domains", []):
            by_domain[d.lower()] = o["name"]
    # Longest aliases first so "German magazine Der Spiegel" wins over "Spiegel". Short all-caps aliases
    # (AP, FT, DW) only match in capitals, so "ap" inside words does not; a bare "Guardian" or "Telegraph" in
    # running text is more often a word than the paper.
    alts = []
    for a in sorted(by_alias, key=len, reverse=True):
        if a in {"guardian", "telegraph"}:
            continue
        alts.append(re.escape(a))
    pat = re.compile(r"(?<![\w-])(?:" + "|".join(alts) + r")(?![\w-])", re.IGNORECASE)
    return by_alias, by_domain, pat


def canonical_outlet(name: str | None) -> str | None:
    """The canonical name of a known outlet ("WSJ" -> "The Wall Street Journal"), else None."""
    if not name:
        return None
    by_alias, _, _ = _table()
    key = " ".join(name.split()).strip(" .,:;\"'’").lower()
    if key.startswith("the ") and key not in by_alias and key[4:] in by_alias:
        key = key[4:]
    return by_alias.get(key)


def is_outlet(name: str | None) -> bool:
    return canonical_outlet(name) is not None


def outlet_from_url(url: str | None) -> str | None:
    """Outlet of a URL: a known outlet's name, else the bare domain ("example.org")."""
    if not url:
        return None
    try:
        host = urlparse(url if "://" in url else "http://" + url).hostname or ""
    except ValueError:
        return None
    host = host.lower().removeprefix("www.")
    if not host or "." not in host:
        return None
    _, by_domain, _ = _table()
    parts = host.split(".")
    for i in range(len(parts) - 1):
        cand = ".".join(parts[i:])
        if cand in by_domain:
            return by_domain[cand]
    return host


def find_outlet_mentions(text: str) -> list[tuple[str, int, int]]:
    """Every known outlet named in the text, as (canonical name, start, end), in order."""
    by_alias, _, pat = _table()
    out = []
    for m in pat.finditer(text):
        s = m.group(0)
        if len(s) <= 3 and not s.isupper():  # "ap", "Ft" are words, not outlets
            continue
        out.append((by_alias[s.lower()], m.start(), m.end()))
    return out
