"""Seized-media triage: walk directories, archives and disk images, hash and match every item.

A library with no database or web imports, so that it runs on an examiner's laptop, offline.
`perisai.forensics.scanner.run_scan` is the entry point; `cli.py` is a thin command layer.
"""
