"""Command-line interface: a click group (``main.py``), shared options (``options.py``)
and one module per command, each a thin shell over the library."""
