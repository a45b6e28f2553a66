"""The analyst workspace: queue, report, case, evidence and dashboard pages (Jinja2 + HTMX)."""
