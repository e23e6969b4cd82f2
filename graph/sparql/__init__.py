"""Asking the built graph: stores, query text, named queries, result formats, the endpoint.

``base`` is the store interface; ``stores`` opens Oxigraph on disk, rdflib in memory or a
remote server (``remote``); ``querytext`` checks and parameterises SPARQL; ``named`` is the
library of named queries; ``formats`` and ``tables`` write results for programs and people;
``describe`` finds and describes entities (``show``, ``stats``); ``serve`` is the HTTP endpoint.

May import: :mod:`graph.data` and the top level of :mod:`graph`. Not ``network``, ``web``, ``cli``.
"""
