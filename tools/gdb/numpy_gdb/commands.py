"""numpy-dive's gdb commands, and the registration of its printers."""
import gdb

from . import printers


class NpPrint(gdb.Command):
    """Print a pointer to an ndarray with the ndarray printer.

    Usage: np-print EXPRESSION
    EXPRESSION is any pointer to an ndarray (PyObject *, PyArrayObject *,
    void *). `set numpy-elements N` sets how many elements are shown."""

    def __init__(self):
        super().__init__("np-print", gdb.COMMAND_DATA, gdb.COMPLETE_EXPRESSION)

    def invoke(self, argument, from_tty):
        value = gdb.parse_and_eval(argument)
        pointer = value.cast(gdb.lookup_type("PyArrayObject_fields").pointer())
        gdb.write(printers.ArrayPrinter(pointer).to_string() + "\n")


def register():
    # first in line: before CPython's helpers, which show an ndarray only as
    # <numpy.ndarray at remote 0x...>
    gdb.pretty_printers.insert(0, printers.lookup)
    NpPrint()
