"""The data layer: curated YAML records in, a checked RDF graph out.

``records`` reads ``data/`` with file and line numbers, ``canonical`` keeps its layout,
``integrity`` and ``validate`` check it, ``load`` turns records into RDF and ``build`` writes
the outputs (TriG, Turtle, N-Triples, the Oxigraph store, the manifest).

May import: the top level of :mod:`graph` (terms, names, files). Nothing above it
(``sparql``, ``network``, ``web``, ``cli``).
"""
