"""Victim support (issue 18, items 3-6): the support plan, one forensic interview, the measures
the Barnahus standards ask for, and the child's own view."""
