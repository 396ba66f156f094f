"""numpy-dive's gdb extension (loaded by tools/gdb/numpy-gdb.py).

printers and commands need gdb's embedded Python; floats and elements are
plain Python, tested outside gdb (tools/tests/test_devtools.py)."""
