"""The graph as a network: the one RDF -> networkx projection and everything computed on it.

``projection`` converts RDF to networkx once and derives the named views; ``analytics`` holds
paths, centrality and communities as free functions over an ``nx.Graph``; ``layout`` computes
seeded coordinates; ``export`` writes GraphML/GEXF/CSV; ``report`` the analytics report;
``commands`` what the network commands of the CLI compute and print.

May import: :mod:`graph.sparql`, :mod:`graph.data` and the top level. Not ``web`` or ``cli``.
"""
