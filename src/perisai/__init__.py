"""Perisai."""
