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
        pointer = as_fields(gdb.parse_and_eval(argument))
        gdb.write(printers.ArrayPrinter(pointer).to_string() + "\n")


class NpFields(gdb.Command):
    """Print the fields of an ndarray: nd, data, dimensions, descr, ...

    Usage: np-fields EXPRESSION
    NumPy's own C files see PyArrayObject as opaque (only PyObject_HEAD), so
    `p self->descr` fails there; `np-fields self` prints every field, and the
    convenience function $np_fields(self) gives the struct to pick one:
    `p $np_fields(self)->descr`."""

    def __init__(self):
        super().__init__("np-fields", gdb.COMMAND_DATA, gdb.COMPLETE_EXPRESSION)

    def invoke(self, argument, from_tty):
        fields = as_fields(gdb.parse_and_eval(argument))
        gdb.write(fields.dereference().format_string(raw=True, pretty_structs=True) + "\n")


class NpFieldsFunction(gdb.Function):
    """$np_fields(array): the array pointer as PyArrayObject_fields *."""

    def __init__(self):
        super().__init__("np_fields")

    def invoke(self, value):
        return as_fields(value)


def as_fields(value):
    return value.cast(gdb.lookup_type("PyArrayObject_fields").pointer())


def register():
    # first in line: before CPython's helpers, which show an ndarray only as
    # <numpy.ndarray at remote 0x...>
    gdb.pretty_printers.insert(0, printers.lookup)
    NpPrint()
    NpFields()
    NpFieldsFunction()
