"""The configuration layer: every YAML schema parsed into frozen dataclasses.

Parsing touches no geodata and reads no files (reading is :mod:`jokkgeo.io.configs`'
job). One set of validators (:mod:`jokkgeo.config._validate`) gives every error one form:
``<file>: key '<key.path>': <what was wrong>; <what is allowed>``.

Modules: :mod:`~jokkgeo.config.layers` (layer specs, :class:`~jokkgeo.config.layers.Catalogue`),
:mod:`~jokkgeo.config.styles`, :mod:`~jokkgeo.config.recipes` (map recipes),
:mod:`~jokkgeo.config.rules` (conflict rules), :mod:`~jokkgeo.config.scenarios`,
:mod:`~jokkgeo.config.seasons` (season speed profiles). Every key: ``docs/config.md``.
"""
