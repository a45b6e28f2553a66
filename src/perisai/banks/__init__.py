"""Hash banks in the service: banks and entries in PostgreSQL (the source of truth), their API
and CLI, and the in-memory match indexes every server process keeps fresh with LISTEN/NOTIFY.
See docs/banks.md.
"""
