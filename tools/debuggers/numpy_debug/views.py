"""The text of NumPy's C structures and scalars, from their fields.

A debugger extension hands these functions its values wrapped in a Struct
(the few reads the views need) and a `read(address, size)` for raw memory,
which raises Unreadable where the debuggee has no such memory.
"""
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
# how many elements the ndarray view shows unless the user says otherwise
DEFAULT_ELEMENTS = 10


class Unreadable(Exception):
    """The debuggee has no readable memory at an address."""


class Struct:
    """A C struct in the debuggee, as the views read it. Each debugger
    extension subclasses it around its own value type."""

    def int(self, name):
        """The integer value of field `name` (pointers as addresses)."""
        raise NotImplementedError

    def string(self, name):
        """The NUL-terminated text a `char *` field points to."""
        raise NotImplementedError

    def item(self, name, index):
        """The integer at `index` of an array or pointer field."""
        raise NotImplementedError

    def pointee(self, name):
        """The Struct a pointer field points to."""
        raise NotImplementedError

    def has(self, name):
        raise NotImplementedError

    def cast(self, type_name):
        """This struct's memory read as `type_name`."""
        raise NotImplementedError


def flag_names(flags, table):
    names = [name for bit, name in table if flags & bit]
    return "|".join(names) or "0"


def full_descr(descr):
    """The descriptor as NumPy 2's full struct, when the code the debugger
    stopped in compiled the 1.x-compatible (shortened) one."""
    return descr if descr.has("elsize") else descr.cast("_PyArray_DescrNumPy2")


def dtype_name_and_element(descr, x86):
    """(name, ElementType) of a (full) descriptor."""
    name = descr.pointee("typeobj").string("tp_name")
    longdouble = descr.int("type_num") == NPY_LONGDOUBLE
    element = elements.ElementType(chr(descr.int("kind") & 0xFF), descr.int("elsize"),
                                   chr(descr.int("byteorder") & 0xFF),
                                   x87=longdouble and x86)
    return name.removeprefix("numpy."), element


def dtype_text(descr, x86):
    descr = full_descr(descr)
    name, _ = dtype_name_and_element(descr, x86)
    return (f"<dtype {name} kind='{chr(descr.int('kind') & 0xFF)}' "
            f"type='{chr(descr.int('type') & 0xFF)}' "
            f"byteorder='{chr(descr.int('byteorder') & 0xFF)}' "
            f"type_num={descr.int('type_num')} itemsize={descr.int('elsize')} "
            f"alignment={descr.int('alignment')}>")


def array_text(array, read, *, x86, limit=DEFAULT_ELEMENTS, object_text=None):
    """An ndarray from its PyArrayObject_fields: dtype, shape, strides, flags,
    base and the first `limit` elements in C order. `object_text(address)`
    shows an element of an object array (default: its address)."""
    ndim = array.int("nd")
    if not 0 <= ndim <= NPY_MAXDIMS:
        return f"<ndarray with nd={ndim}: not an initialised array>"
    shape = [array.item("dimensions", k) for k in range(ndim)]
    strides = [array.item("strides", k) for k in range(ndim)]
    name, element = dtype_name_and_element(full_descr(array.pointee("descr")), x86)
    text = (f"ndarray {name} shape={tuple(shape)} strides={tuple(strides)} "
            f"flags={flag_names(array.int('flags'), ARRAY_FLAGS)}")
    base = array.int("base")
    text += f" base={base:#x}" if base else " base=NULL"
    data = array.int("data")
    shown = elements_text(read, data, element, shape, strides, limit, object_text)
    return f"<{text} data={data:#x} {shown}>"


def elements_text(read, data, element, shape, strides, limit, object_text):
    size = 1
    for n in shape:
        size *= n
    offsets = elements.logical_offsets(shape, strides, limit)
    try:
        items = [element_text(read, data + offset, element, object_text)
                 for offset in offsets]
    except Unreadable:
        return f"[data unreadable at {data:#x}]"
    more = ", ..." if size > len(items) else ""
    return "[" + ", ".join(items) + more + "]"


def element_text(read, address, element, object_text):
    if element.kind == "O":
        pointer = int.from_bytes(read(address, 8), "little")
        if not pointer:
            return "NULL"
        return object_text(pointer) if object_text else f"{pointer:#x}"
    return element.format(read(address, element.itemsize))


def iter_text(it):
    itflags = it.int("itflags")
    names = [name for bit, name in enumerate(ITER_FLAGS) if itflags & (1 << bit)]
    return (f"<NpyIter ndim={it.int('ndim')} nop={it.int('nop')} "
            f"itersize={it.int('itersize')} iterindex={it.int('iterindex')} "
            f"range=[{it.int('iterstart')}, {it.int('iterend')}) "
            f"flags={'|'.join(names) or '0'}>")


def float_text(fmt, raw, with_exact):
    """A scalar in a binary format (npy_half, binary128) from its bytes: the
    shortest round-tripping decimal, then the exact value where it differs
    (capped), or the bits."""
    bits = int.from_bytes(raw, "little")
    text = fmt.shortest(bits)
    if with_exact:
        exact = fmt.exact(bits)
        return text if exact.rstrip("0").rstrip(".") == text.rstrip("0").rstrip(".") \
            else f"{text} (exactly {capped(exact)})"
    return f"{text} ({bits:#0{2 + 2 * len(raw)}x})"


def quad_text(raw):
    return float_text(floats.QUAD, raw, with_exact=True)


def half_text(raw):
    return float_text(floats.HALF, raw, with_exact=False)


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
