"""numpy-dive's gdb extension (loaded by tools/debuggers/numpy-gdb.py).

printers and commands need gdb's embedded Python; the text they show comes
from numpy_debug, which is plain Python."""
