# Curated gazetteer files ship inside the package as `conflictmap.gazetteer_data` (see pyproject.toml).
