"""The relations of the projection and how they read, as plain data (no networkx, no rdflib).

:mod:`graph.network.projection` makes the edges; this module holds what reading them needs
(which relations are timeless structure, how a participation role reads, how citations merge,
an entity's node key), so that a path read from a view kept beside the build
(:mod:`graph.network.plain`) is explained without importing networkx or rdflib.

>>> node_key("https://w3id.org/cinecoop/id/organisation/netflix")
'organisation/netflix'
>>> merge_citations(["002 ¶4,5", "002 ¶6"])
['002 ¶4,5,6']
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any, NamedTuple

from graph.ns import ENTITY_KINDS, ID

__all__ = ["KINDS", "TIMELESS", "RELATION_ORDER", "RoleWords", "ROLE_WORDS", "role_words",
           "merge_citations", "node_key"]

KINDS = ENTITY_KINDS
ID_NS = str(ID)

# relations that are structure, not dated facts: kept by the time filter when both ends stay
TIMELESS = frozenset({"located_in", "unit_of", "operates_under", "based_in", "within",
                      "held_at", "held_in", "part_of", "framework", "named_after", "about",
                      "concerns", "scope"})
# order in which merged facts of the full view choose the edge's main relation
RELATION_ORDER = ("party_to", "stated", "participated_in", "represented", "held_post_at",
                  "announced_at", "concerns", "scope", "part_of", "framework", "about",
                  "located_in", "unit_of", "operates_under", "based_in", "held_at", "held_in",
                  "within", "named_after")


class RoleWords(NamedTuple):
    """How a participation role reads, from each end of the link (the one table of them)."""

    did: str          # the participant: "spoke at"
    did_for: str      # on whose behalf: "spoke for it at"
    had: str          # the event: "had as speaker"
    acted_for: str    # the participant, towards whom it spoke for: "spoke there for"


ROLE_WORDS: dict[str, RoleWords] = {
    "speaker": RoleWords("spoke at", "spoke for it at", "had as speaker", "spoke there for"),
    "moderator": RoleWords("moderated", "moderated for it", "was moderated by",
                           "moderated it for"),
    "opening-speaker": RoleWords("opened", "opened for it", "was opened by", "opened it for"),
    "presenter": RoleWords("presented at", "presented for it at", "had as presenter",
                           "presented there for"),
    "organiser": RoleWords("organised", "organised for it", "was organised by",
                           "organised it for"),
    "host": RoleWords("hosted", "hosted for it", "was hosted by", "hosted it for"),
    "interviewee": RoleWords("was interviewed at", "was interviewed for it at",
                             "had as interviewee", "was interviewed there for"),
    "interviewer": RoleWords("interviewed at", "interviewed for it at", "had as interviewer",
                             "interviewed there for"),
    "attendee": RoleWords("attended", "attended for it", "was attended by", "attended it for"),
}


def role_words(role: str) -> RoleWords:
    """The words of ``role``; a role without its own words reads as plain taking part."""
    return ROLE_WORDS.get(role) or RoleWords(f"took part in ({role})",
                                             f"took part for it in ({role})", f"had as {role}",
                                             f"took part for ({role})")


def node_key(iri: Any) -> str | None:
    """``"kind/id"`` for an entity IRI, None for anything else."""
    text = str(iri)
    if not text.startswith(ID_NS):
        return None
    rest = text[len(ID_NS):]
    kind = rest.split("/", 1)[0]
    return rest if kind in KINDS and "/" in rest else None


def merge_citations(citations: Iterable[str]) -> list[str]:
    """``["002 ¶4,5", "002 ¶6"]`` -> ``["002 ¶4,5,6"]`` (sorted by source, paragraphs)."""
    merged: dict[str, set[int]] = defaultdict(set)
    for text in citations:
        source, _, paras = text.partition(" ¶")
        merged[source].update(int(p) for p in paras.split(",") if p.strip().isdigit())
    return [f"{s} ¶{','.join(map(str, sorted(p)))}" if p else s for s, p in sorted(merged.items())]
