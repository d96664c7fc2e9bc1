"""The RDF sink: records -> triples (:mod:`.rdf`), the versioned store and its backends chosen by name
(:mod:`.store`), named SPARQL queries (:mod:`.queries`), queries in killable child processes
(:mod:`.query_process`), remote SPARQL endpoints (:mod:`.remote`) and the Oxigraph server over a store
(:mod:`.server`), SHACL validation (:mod:`.validate`) and the networkx view (:mod:`.nx_view`)."""
