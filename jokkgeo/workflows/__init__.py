"""The one orchestration path: config + study -> analyses -> results.

One module per job, each a function ``(store or study, options) -> result`` used by the
CLI command, the report's recipe runner and the scenario comparison alike:
:mod:`.catchments`, :mod:`.conflicts`, :mod:`.influence`, :mod:`.screening`,
:mod:`.comparison`. :mod:`.rules` is the one place that resolves rule files and defaults.
"""
