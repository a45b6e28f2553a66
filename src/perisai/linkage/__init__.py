"""Identifier linkage over all reports: clusters of reports joined by shared identifiers and media.

`service.lookup` is the one read path (CLI, API and page call it; it writes the audit entry).
"""
