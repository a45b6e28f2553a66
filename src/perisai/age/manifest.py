"""The age library's wiring: its CLI only (the platform service is `perisai.ageverify`)."""

from perisai.manifest import Command, Manifest

MANIFEST = Manifest(
    name="age",
    commands=(Command("age", "perisai.age.cli:app"),),
)
