"""cinecoop: a knowledge graph of cross-border cinema cooperation.

The package is small and layered:

- ``graph.data.records``  reads ``data/`` (YAML) into plain records, with file and line for errors;
- ``graph.data.load``     turns records into an rdflib ``Dataset`` (one named graph per source);
- ``graph.data.validate`` checks records, the built graph (SHACL) and, optionally, the source texts;
- ``graph.data.build``    writes ``graph.trig`` / ``graph.ttl`` / ``graph.nt`` atomically;
- ``graph.sparql.describe``   finds entities by any label and describes them.

Heavy libraries are imported inside functions so that ``cinecoop --help`` stays instant.
"""

__version__ = "0.1.0"
