"""Place names to coordinates: name folding, the backbone, curated files and the ranked index."""
