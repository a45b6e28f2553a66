"""Background jobs on PostgreSQL (procrastinate): enrichment, webhooks, SLA timers."""
