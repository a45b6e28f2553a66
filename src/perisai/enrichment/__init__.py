"""Report enrichment: what local intelligence sources say about a report's details."""
