"""Pages for people: interactive maps (``maps``), the static site (``site``), their templates
and static files (inlined into every page: nothing is fetched at run time).

May import: every layer below (:mod:`graph.network`, :mod:`graph.sparql`, :mod:`graph.data`) and
the top level. Only :mod:`graph.cli` imports it.
"""
