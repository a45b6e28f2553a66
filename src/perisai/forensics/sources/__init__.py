"""Walkers over the kinds of source: a directory, an archive, a disk image."""
