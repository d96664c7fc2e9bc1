"""The property-graph sink: records -> Neo4j rows, batched Bolt loads and the import CSV (:mod:`.sink`),
guarded read-only Cypher (:mod:`.cypher`), the one Bolt connection rule (:mod:`.bolt`) and the local
Bolt server (:mod:`.server`). The official driver is imported only by the functions that use it."""
