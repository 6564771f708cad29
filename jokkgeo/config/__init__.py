"""The configuration layer: every YAML schema parsed into frozen dataclasses.

Parsing touches no geodata and reads no files (reading is :mod:`jokkgeo.io`'s job).
"""
