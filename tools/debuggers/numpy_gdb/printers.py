"""gdb pretty-printers for NumPy's C structures.

- PyArrayObject * (and PyArrayObject_fields *, and PyObject * pointing to an
  ndarray): dtype, shape, strides, flags, base and the first elements in C
  order, for any dtype;
- PyArray_Descr *: the scalar type's name, kind, type char, byte order,
  type number, itemsize and alignment;
- NpyIter *: flags, ndim, nop, and where the iteration is;
- npy_half: the value and its bits; __float128, _Float128 and npy_quad (also
  where gdb has lost the typedef, by its layout): the shortest round-tripping
  decimal and the exact value (its first 40 digits when it is very long).

The text comes from numpy_debug.views, which the lldb formatters share; this
module reads gdb's values for it. NumPy compiles its own C files with the
opaque PyArrayObject (only PyObject_HEAD), so the array printer reads through
PyArrayObject_fields, as NumPy's accessors do. It works wherever the objfile
has debug info (the debug profile: -O0 -g3).
"""
import gdb

from numpy_debug import views


class ElementCount(gdb.Parameter):
    """How many elements the ndarray printer shows (0: none)."""

    set_doc = "Set how many elements the ndarray printer shows."
    show_doc = "Show how many elements the ndarray printer shows."

    def __init__(self):
        super().__init__("numpy-elements", gdb.COMMAND_DATA, gdb.PARAM_ZUINTEGER)
        self.value = views.DEFAULT_ELEMENTS

    def get_show_string(self, value):
        return f"The ndarray printer shows the first {value} elements."


ELEMENTS = ElementCount()


class GdbStruct(views.Struct):
    """A pointer to a struct, as gdb.Value, read for numpy_debug.views."""

    def __init__(self, pointer):
        self.pointer = pointer
        self.value = pointer.dereference()

    def int(self, name):
        return int(self.value[name])

    def string(self, name):
        return self.value[name].string()

    def item(self, name, index):
        return int(self.value[name][index])

    def pointee(self, name):
        return GdbStruct(self.value[name])

    def has(self, name):
        return any(f.name == name for f in self.value.type.strip_typedefs().fields())

    def cast(self, type_name):
        return GdbStruct(self.pointer.cast(gdb.lookup_type(type_name).pointer()))


def read(address, size):
    try:
        return bytes(gdb.selected_inferior().read_memory(address, size))
    except gdb.MemoryError:
        raise views.Unreadable(address) from None


def is_x86():
    return "86" in gdb.selected_inferior().architecture().name()


def object_text(address):
    """An element of an object array, as CPython's printers show it."""
    return str(gdb.Value(address).cast(gdb.lookup_type("PyObject").pointer()))


class PointerPrinter:
    """A printer for a pointer: NULL as such, else what `describe` says."""

    c_type = "void *"

    def __init__(self, value):
        self.value = value

    def to_string(self):
        if int(self.value) == 0:
            return f"({self.c_type}) NULL"
        return self.describe()


class ArrayPrinter(PointerPrinter):
    c_type = "PyArrayObject *"

    def describe(self):
        fields = self.value.cast(gdb.lookup_type("PyArrayObject_fields").pointer())
        return views.array_text(GdbStruct(fields), read, x86=is_x86(),
                                limit=ELEMENTS.value, object_text=object_text)


class DescrPrinter(PointerPrinter):
    c_type = "PyArray_Descr *"

    def describe(self):
        return views.dtype_text(GdbStruct(self.value), x86=is_x86())


class IterPrinter(PointerPrinter):
    c_type = "NpyIter *"

    def describe(self):
        return views.iter_text(GdbStruct(self.value))


class ScalarPrinter:
    """A scalar stored in a binary format gdb does not print exactly."""

    def __init__(self, value, text):
        self.value = value
        self.text = text

    def to_string(self):
        return self.text(value_bytes(self.value))


def value_bytes(value):
    """The bytes of a value, in memory or not (a value `finish` returned):
    gdb before 14 has no Value.bytes, but reinterprets a value as bytes."""
    size = value.type.sizeof
    if value.address is not None:
        return read(int(value.address), size)
    chars = value.cast(gdb.lookup_type("unsigned char").array(size - 1))
    return bytes(int(chars[i]) for i in range(size))


def is_ndarray(value):
    """Whether a PyObject * points to an ndarray (or an instance of a subclass)."""
    try:
        if int(value) == 0:
            return False
        kind = value.dereference()["ob_type"]
        for _ in range(16):            # the depth of any sane class hierarchy
            if int(kind) == 0:
                return False
            if kind["tp_name"].string() == "numpy.ndarray":
                return True
            kind = kind["tp_base"]
    except gdb.error:                  # unreadable memory, or no debug info
        return False
    return False


POINTER_PRINTERS = {
    "tagPyArrayObject": ArrayPrinter,
    "tagPyArrayObject_fields": ArrayPrinter,
    "_PyArray_Descr": DescrPrinter,
    "NpyIter_InternalOnly": IterPrinter,
}


def lookup(value):
    """The printer for `value`, or None (gdb then asks the next lookup)."""
    declared = value.type.unqualified()
    resolved = declared.strip_typedefs()
    if resolved.code == gdb.TYPE_CODE_PTR:
        target = resolved.target().strip_typedefs()
        tag = target.tag or target.name or ""
        if tag == "_object":
            return ArrayPrinter(value) if is_ndarray(value) else None
        printer = POINTER_PRINTERS.get(tag)
        return printer(value) if printer else None
    if declared.name == "npy_half":
        return ScalarPrinter(value, views.half_text)
    if declared.name == "npy_quad" or resolved.name in ("__float128", "_Float128") \
            or is_quad_layout(resolved):
        if resolved.sizeof == 16:
            return ScalarPrinter(value, views.quad_text)
    return None


def is_quad_layout(resolved):
    """npy_quad's anonymous struct when gdb has lost its typedef name, as for
    the value `finish` returns from npy_quad_add: { npy_uint64 bits[2]; }."""
    if resolved.code != gdb.TYPE_CODE_STRUCT or resolved.tag or resolved.sizeof != 16:
        return False
    fields = resolved.fields()
    if len(fields) != 1 or fields[0].name != "bits":
        return False
    array = fields[0].type.strip_typedefs()
    return array.code == gdb.TYPE_CODE_ARRAY and array.target().sizeof == 8
