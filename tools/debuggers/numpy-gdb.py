"""Loaded by gdb (`-x tools/debuggers/numpy-gdb.py`, as runtests.py --gdb does):
registers numpy-dive's pretty-printers and commands (tools/debuggers/numpy_gdb/)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from numpy_gdb import commands  # noqa: E402

commands.register()
