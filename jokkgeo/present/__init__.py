"""Results -> map layers, tables and text for planners (no analysis, no I/O).

:mod:`.comparison`: the written summary of a scenario comparison as structured data
(:class:`~.comparison.ComparisonSummary`), its plain text and the index-page notes.
"""
