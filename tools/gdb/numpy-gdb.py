"""Loaded by gdb (`-x tools/gdb/numpy-gdb.py`, as runtests.py --gdb does):
registers numpy-dive's pretty-printers and commands (tools/gdb/numpy_gdb/)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy_gdb  # noqa: E402

numpy_gdb.register()
