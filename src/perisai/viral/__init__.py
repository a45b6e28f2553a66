"""Viral spread: report media grouped into clusters of copies, alerts when a cluster spreads."""
