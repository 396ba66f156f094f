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

NumPy compiles its own C files with the opaque PyArrayObject (only
PyObject_HEAD), so the array printer reads through PyArrayObject_fields, as
NumPy's accessors do. It works wherever the objfile has debug info (the debug
profile: -O0 -g3).
"""
import gdb

from . import elements, floats

ARRAY_FLAGS = [(0x1, "C_CONTIGUOUS"), (0x2, "F_CONTIGUOUS"), (0x4, "OWNDATA"),
               (0x100, "ALIGNED"), (0x400, "WRITEABLE"), (0x2000, "WRITEBACKIFCOPY")]
ITER_FLAGS = ["IDENTPERM", "NEGPERM", "HASINDEX", "HASMULTIINDEX", "FORCEDORDER",
              "EXLOOP", "RANGE", "BUFFER", "GROWINNER", "ONEITERATION", "DELAYBUF",
              "REDUCE", "REUSE_REDUCE_LOOPS"]
NPY_LONGDOUBLE = 13
# beyond these, memory is taken for garbage (an uninitialised variable)
NPY_MAXDIMS = 64
# an exact decimal longer than this is cut to its first significant digits
EXACT_LIMIT = 120
EXACT_DIGITS = 40


class ElementCount(gdb.Parameter):
    """How many elements the ndarray printer shows (0: none)."""

    set_doc = "Set how many elements the ndarray printer shows."
    show_doc = "Show how many elements the ndarray printer shows."

    def __init__(self):
        super().__init__("numpy-elements", gdb.COMMAND_DATA, gdb.PARAM_ZUINTEGER)
        self.value = 10

    def get_show_string(self, value):
        return f"The ndarray printer shows the first {value} elements."


ELEMENTS = ElementCount()


def read(address, size):
    return bytes(gdb.selected_inferior().read_memory(address, size))


def flag_names(flags, table):
    names = [name for bit, name in table if flags & bit]
    return "|".join(names) or "0"


def is_x86():
    return "86" in gdb.selected_inferior().architecture().name()


def descr_fields(descr):
    """The dereferenced descriptor, as the full NumPy 2 struct when the
    debuggee compiled the 1.x-compatible (shortened) one."""
    value = descr.dereference()
    if not any(f.name == "elsize" for f in value.type.strip_typedefs().fields()):
        full = gdb.lookup_type("_PyArray_DescrNumPy2").pointer()
        value = descr.cast(full).dereference()
    return value


def describe_dtype(descr):
    """(name, ElementType) of a PyArray_Descr * value."""
    fields = descr_fields(descr)
    name = fields["typeobj"]["tp_name"].string()
    kind = chr(int(fields["kind"]) & 0xFF)
    itemsize = int(fields["elsize"])
    longdouble = int(fields["type_num"]) == NPY_LONGDOUBLE
    element = elements.ElementType(kind, itemsize, chr(int(fields["byteorder"]) & 0xFF),
                                   x87=longdouble and is_x86())
    return name.removeprefix("numpy."), element


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
        fields_type = gdb.lookup_type("PyArrayObject_fields").pointer()
        array = self.value.cast(fields_type).dereference()
        ndim = int(array["nd"])
        if not 0 <= ndim <= NPY_MAXDIMS:
            return f"<ndarray with nd={ndim}: not an initialised array>"
        shape = [int(array["dimensions"][k]) for k in range(ndim)]
        strides = [int(array["strides"][k]) for k in range(ndim)]
        name, element = describe_dtype(array["descr"])
        text = (f"ndarray {name} shape={tuple(shape)} strides={tuple(strides)} "
                f"flags={flag_names(int(array['flags']), ARRAY_FLAGS)}")
        base = int(array["base"])
        text += f" base={base:#x}" if base else " base=NULL"
        return f"<{text} data={int(array['data']):#x} {self.elements(array, element, shape, strides)}>"

    def elements(self, array, element, shape, strides):
        limit = ELEMENTS.value
        size = 1
        for n in shape:
            size *= n
        offsets = elements.logical_offsets(shape, strides, limit)
        data = int(array["data"])
        try:
            items = [self.element(data + offset, element) for offset in offsets]
        except gdb.MemoryError:
            return f"[data unreadable at {data:#x}]"
        more = ", ..." if size > len(items) else ""
        return "[" + ", ".join(items) + more + "]"

    @staticmethod
    def element(address, element):
        if element.kind == "O":
            pointer = int.from_bytes(read(address, 8), "little")
            if not pointer:
                return "NULL"
            obj = gdb.Value(pointer).cast(gdb.lookup_type("PyObject").pointer())
            return str(obj)
        return element.format(read(address, element.itemsize))


class DescrPrinter(PointerPrinter):
    c_type = "PyArray_Descr *"

    def describe(self):
        fields = descr_fields(self.value)
        name, _ = describe_dtype(self.value)
        return (f"<dtype {name} kind='{chr(int(fields['kind']) & 0xFF)}' "
                f"type='{chr(int(fields['type']) & 0xFF)}' "
                f"byteorder='{chr(int(fields['byteorder']) & 0xFF)}' "
                f"type_num={int(fields['type_num'])} itemsize={int(fields['elsize'])} "
                f"alignment={int(fields['alignment'])}>")


class IterPrinter(PointerPrinter):
    c_type = "NpyIter *"

    def describe(self):
        it = self.value.dereference()
        itflags = int(it["itflags"])
        names = [name for bit, name in enumerate(ITER_FLAGS) if itflags & (1 << bit)]
        return (f"<NpyIter ndim={int(it['ndim'])} nop={int(it['nop'])} "
                f"itersize={int(it['itersize'])} iterindex={int(it['iterindex'])} "
                f"range=[{int(it['iterstart'])}, {int(it['iterend'])}) "
                f"flags={'|'.join(names) or '0'}>")


class FloatPrinter:
    """A scalar stored in a binary format gdb does not print exactly."""

    def __init__(self, value, fmt, with_exact):
        self.value = value
        self.fmt = fmt
        self.with_exact = with_exact

    def to_string(self):
        size = self.value.type.sizeof
        bits = int.from_bytes(value_bytes(self.value), "little")
        text = self.fmt.shortest(bits)
        if self.with_exact:
            exact = self.fmt.exact(bits)
            return text if exact.rstrip("0").rstrip(".") == text.rstrip("0").rstrip(".") \
                else f"{text} (exactly {capped(exact)})"
        return f"{text} ({bits:#0{2 + 2 * size}x})"


def value_bytes(value):
    """The bytes of a value, in memory or not (a value `finish` returned):
    gdb before 14 has no Value.bytes, but reinterprets a value as bytes."""
    size = value.type.sizeof
    if value.address is not None:
        return read(int(value.address), size)
    chars = value.cast(gdb.lookup_type("unsigned char").array(size - 1))
    return bytes(int(chars[i]) for i in range(size))


def capped(exact):
    """An exact decimal as it is, or, when longer than EXACT_LIMIT (a
    subnormal binary128 has over 11000 digits), its first EXACT_DIGITS
    significant digits in scientific notation and how many there are."""
    if len(exact) <= EXACT_LIMIT:
        return exact
    sign = "-" if exact.startswith("-") else ""
    integer, _, fraction = exact.lstrip("-").partition(".")
    if integer.strip("0"):
        exponent = len(integer.lstrip("0")) - 1
    else:
        exponent = -(len(fraction) - len(fraction.lstrip("0")) + 1)
    digits = (integer + fraction).lstrip("0").rstrip("0")
    return (f"{sign}{digits[0]}.{digits[1:EXACT_DIGITS]}…e{exponent:+d} "
            f"({len(digits)} digits)")


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
        return FloatPrinter(value, floats.HALF, with_exact=False)
    if declared.name == "npy_quad" or resolved.name in ("__float128", "_Float128") \
            or is_quad_layout(resolved):
        if resolved.sizeof == 16:
            return FloatPrinter(value, floats.QUAD, with_exact=True)
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
