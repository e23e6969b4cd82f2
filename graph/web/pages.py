"""The HTML of an entity or source page (:class:`graph.web.entities.EntityPage`), by plain
string formatting: a site writes tens of thousands of them, and a template engine's calls per
line and per link were a third of the time at that size.

Every string from the data is escaped as jinja2's autoescaping escapes it (``&``, ``<``,
``>``, ``"``, ``'``); the JSON islands (JSON-LD, the small map's data) are already safe
inside a ``<script>`` (:func:`graph.web.maps.script_json`). ``tests/test_site_scale.py``
renders every curated page with the template this replaced and compares the bytes.
"""

from __future__ import annotations

from collections.abc import Sequence

from graph.text import replace_each
from graph.web.entities import EntityPage, Line, Part

__all__ = ["entity_html"]

def esc(text: str) -> str:
    """``text`` escaped for HTML text and attribute values (as jinja2's autoescape): ``&``
    first, then the others, each only where it occurs (most names and links have none)."""
    return replace_each(str(text), _HTML_ESCAPES)


_HTML_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&#34;"), ("'", "&#39;"))


def _parts(parts: Sequence[Part]) -> str:
    return "".join(f'<a href="{esc(p.href)}">{esc(p.text)}</a>' if p.href else esc(p.text)
                   for p in parts)


def line_html(line: Line) -> str:
    """One fact: its words, names linked, then its citations in brackets."""
    cites = f' <span class="cite">[{_parts(line.cites)}]</span>' if line.cites else ""
    return _parts(line.parts) + cites


def _head(page: EntityPage, root: str, jsonld: str) -> list[str]:
    out = ['<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
           '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
           '<meta name="generator" content="cinecoop">\n'
           f"<title>{esc(page.name)} ({esc(page.kind)}): cinecoop</title>\n"
           f'<link rel="stylesheet" href="{root}static/site.css">\n']
    if page.map_json:
        out.append(f'<link rel="stylesheet" href="{root}static/vis-network.css">')
    out.append(f'<script type="application/ld+json">{jsonld}</script>\n</head>\n'
               f'<body data-root="{root}">\n'
               f'<nav class="top"><a href="{root}index.html">cinecoop: all maps and pages</a>'
               f' \u00b7 <a href="{root}report.html">report</a>\n'
               '<form class="site-search" role="search" autocomplete="off"><input '
               'id="site-search" type="search" placeholder="Find a name, in any language" '
               'aria-label="find a name" spellcheck="false"></form>\n'
               '<ol id="site-results" class="results" aria-live="polite"></ol></nav>\n'
               '<main class="entity">\n'
               f'<p class="kind">{esc(page.kind)}</p>\n<h1 id="name">{esc(page.name)}</h1>\n')
    return out


def _body(page: EntityPage, out: list[str]) -> None:
    if page.labels:
        out.append('<table class="labels"><tbody>\n')
        out.extend(f"<tr><th>{esc(lang)}</th><td>{esc(names)}</td></tr>\n"
                   for lang, names in page.labels)
        out.append("</tbody></table>\n")
    for title, lines in page.sections:
        out.append(f"<section>\n<h2>{esc(title)}</h2>\n<ul>\n")
        out.extend(f"<li>{line_html(line)}</li>\n" for line in lines)
        out.append("</ul>\n</section>\n")
    if page.paragraphs:
        out.append('<section>\n<h2>What each paragraph states</h2>\n<p class="hint">The facts '
                   "recorded from this article, by paragraph (the article's text is not "
                   'reproduced here).</p>\n<ol class="paragraphs">\n')
        for n, lines in page.paragraphs:
            out.append(f'<li id="p{n}" value="{n}"><span class="para">\u00b6{n}</span>\n')
            out.append("<ul>" + "".join(f"<li>{line_html(line)}</li>" for line in lines)
                       + "</ul>" if lines else '<span class="none">nothing recorded</span>')
            out.append("</li>\n")
        out.append("</ol>\n</section>\n")


def entity_html(page: EntityPage, root: str, jsonld: str) -> str:
    """The page's HTML document (``root``: the way back to the site folder; ``jsonld``: the
    page's JSON-LD, made safe for a script element)."""
    out = _head(page, root, jsonld)
    _body(page, out)
    if page.map_json:
        out.append('<section>\n<h2>Neighbourhood</h2>\n'
                   f'<p class="hint">{esc(page.name)} and everything one link away. Click a '
                   "point for details; double-click to open its page.</p>\n"
                   '<div id="map" class="map small" aria-label="neighbourhood map"></div>\n'
                   '<pre id="details" class="details">Click a point or a link.</pre>\n'
                   "</section>\n")
    out.append(f"<footer>Id <code>{esc(page.key)}</code>. Each line cites the article, its "
               "outlet and date, and the paragraph that states it.</footer>\n</main>\n")
    if page.map_json:
        out.append(f'<script id="map-data" type="application/json">{page.map_json}</script>\n'
                   f'<script src="{root}static/vis-network.min.js"></script>\n'
                   f'<script src="{root}static/map.js"></script>\n')
    out.append(f'<script src="{root}static/names.js"></script>\n'
               f'<script src="{root}static/site.js"></script>\n</body>\n</html>\n')
    return "".join(out)
