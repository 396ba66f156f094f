"""What numpy-dive's debugger extensions show, in plain Python.

gdb (numpy_gdb) and lldb (numpy_lldb.py) each wrap their own values in the
small Struct interface of views.py; the text is made here, once, and unit
tested without a debugger (tools/tests/test_devtools.py)."""
