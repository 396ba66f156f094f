"""numpy-dive's lldb formatters and commands.

Loaded with `command script import tools/debuggers/numpy_lldb.py` (as
runtests.py --lldb does). They show what the gdb printers show, with the same
text (numpy_debug.views):

- PyArrayObject * and PyArrayObject_fields * (and a PyObject * that points
  to an ndarray): dtype, shape, strides, flags, base, the first elements;
- PyArray_Descr *, NpyIter *;
- npy_half and npy_quad: the shortest round-tripping decimal, and for quad
  the exact value where it differs. (lldb 14 reads a __float128 as an x87
  long double and prints a wrong number: `p *(npy_quad *)&x` shows it.)

Commands: `np-print EXPR` (any pointer to an ndarray), `np-fields EXPR`
(every field of the array NumPy's own files see as opaque), `np-elements N`
(how many elements the array summary shows).
"""
import os
import shlex
import sys

import lldb

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from numpy_debug import views  # noqa: E402

ELEMENTS = {"count": views.DEFAULT_ELEMENTS}
# the bytes of npy_quad values `finish` returned, by lldb's name ($N) for them
RETURNED_QUADS = {}


def unreadable(address):
    return views.Unreadable(f"no memory at {address:#x}")


class LldbStruct(views.Struct):
    """A pointer to a struct, as lldb.SBValue, read for numpy_debug.views."""

    def __init__(self, pointer):
        self.pointer = pointer
        self.value = pointer.Dereference()

    def member(self, name):
        member = self.value.GetChildMemberWithName(name)
        if not member.IsValid():
            raise views.Unreadable(f"no field {name}")
        return member

    def int(self, name):
        return self.checked(integer(self.member(name)))

    def checked(self, number):
        if number is None:
            raise unreadable(self.pointer.GetValueAsUnsigned())
        return number

    def string(self, name):
        return read_string(self.pointer.GetTarget(), self.member(name).GetValueAsUnsigned())

    def item(self, name, index):
        # a pointer field is read as an array (a synthetic child)
        return self.checked(integer(self.member(name).GetChildAtIndex(
            index, lldb.eNoDynamicValues, True)))

    def pointee(self, name):
        return LldbStruct(self.member(name))

    def has(self, name):
        return self.value.GetChildMemberWithName(name).IsValid()

    def cast(self, type_name):
        target = self.pointer.GetTarget()
        return LldbStruct(self.pointer.Cast(target.FindFirstType(type_name).GetPointerType()))


def integer(value):
    """An integer or pointer SBValue as a Python int, None where its memory
    is not there (lldb's getters would say 0)."""
    error = lldb.SBError()
    if value.GetType().IsPointerType():
        number = value.GetValueAsUnsigned(error)
    else:
        number = value.GetValueAsSigned(error)
    return None if error.Fail() else number


def read(target, address, size):
    """`size` bytes at `address`: from the process, or from the module's
    file where a core file has no copy (gdb's gcore leaves out read-only
    sections, such as a type's name)."""
    error = lldb.SBError()
    data = target.GetProcess().ReadMemory(address, size, error)
    if error.Success():
        return bytes(data)
    error = lldb.SBError()              # (ReadMemory does not clear one)
    data = target.ReadMemory(lldb.SBAddress(address, target), size, error)
    if error.Fail() or data is None or len(data) != size:
        raise unreadable(address)
    return bytes(data)


def read_string(target, address, limit=256):
    """The NUL-terminated text at `address`, read as `read` does."""
    text = b""
    while b"\0" not in text and len(text) < limit:
        text += read(target, address + len(text), 16 - (address + len(text)) % 16)
    return text.split(b"\0")[0].decode("utf-8", "replace")


def reader(target):
    return lambda address, size: read(target, address, size)


def is_x86(target):
    return target.GetTriple().split("-")[0] in ("x86_64", "i386", "i686")


def as_pointer(valobj, type_name):
    """`valobj` as `type_name *`: summaries apply to a struct and to pointers
    to it, so lldb hands over either."""
    target = valobj.GetTarget()
    pointer_type = target.FindFirstType(type_name).GetPointerType()
    if valobj.GetType().IsPointerType():
        return valobj.Cast(pointer_type)
    return valobj.AddressOf().Cast(pointer_type)


def null_or(valobj, c_type, describe):
    """What `describe()` says of the struct valobj is or points to; NULL as
    such, and nothing ("") for a pointer to a pointer (`PyArrayObject **op`),
    which lldb hands to the same summary."""
    kind = valobj.GetType()
    if kind.IsPointerType():
        if kind.GetPointeeType().IsPointerType():
            return ""
        if valobj.GetValueAsUnsigned() == 0:
            return f"({c_type}) NULL"
    try:
        return describe()
    except views.Unreadable as exc:
        return f"<unreadable: {exc}>"


def object_text(target):
    def text(address):
        ob_type = target.CreateValueFromExpression(
            "o", f"((PyObject *){address})->ob_type->tp_name")
        try:
            name = read_string(target, ob_type.GetValueAsUnsigned())
        except views.Unreadable:
            name = "?"
        return f"<{name} at {address:#x}>"
    return text


def array_text(pointer):
    target = pointer.GetTarget()
    return views.array_text(LldbStruct(pointer), reader(target),
                            x86=is_x86(target), limit=ELEMENTS["count"],
                            object_text=object_text(target))


def array_summary(valobj, internal_dict):
    return null_or(valobj, "PyArrayObject *",
                   lambda: array_text(as_pointer(valobj, "PyArrayObject_fields")))


def descr_summary(valobj, internal_dict):
    return null_or(valobj, "PyArray_Descr *", lambda: views.dtype_text(
        LldbStruct(as_pointer(valobj, "PyArray_Descr")), x86=is_x86(valobj.GetTarget())))


def iter_summary(valobj, internal_dict):
    return null_or(valobj, "NpyIter *", lambda: views.iter_text(
        LldbStruct(as_pointer(valobj, "NpyIter"))))


def object_summary(valobj, internal_dict):
    """A PyObject * that points to an ndarray; nothing for other objects."""
    kind = valobj.GetType()
    if kind.IsPointerType() and kind.GetPointeeType().IsPointerType():
        return ""
    pointer = as_pointer(valobj, "PyObject")
    if pointer.GetValueAsUnsigned() == 0 or not is_ndarray(pointer):
        return ""
    return null_or(valobj, "PyObject *",
                   lambda: array_text(pointer.Cast(
                       valobj.GetTarget().FindFirstType("PyArrayObject_fields")
                       .GetPointerType())))


def is_ndarray(pointer):
    kind = pointer.Dereference().GetChildMemberWithName("ob_type")
    for _ in range(16):                # the depth of any sane class hierarchy
        if not kind.IsValid() or kind.GetValueAsUnsigned() == 0:
            return False
        name = kind.Dereference().GetChildMemberWithName("tp_name").GetSummary() or ""
        if name.strip('"') == "numpy.ndarray":
            return True
        kind = kind.Dereference().GetChildMemberWithName("tp_base")
    return False


def scalar_text(valobj, text):
    """A scalar from its bytes, or why there are none."""
    raw = returned_quad(valobj)
    if raw is None:
        error = lldb.SBError()
        data = valobj.GetData()
        if data.GetByteSize() != valobj.GetByteSize():
            return "<lldb has no bytes for this value>"
        raw = bytes(data.ReadRawData(error, 0, valobj.GetByteSize()))
        if error.Fail():
            return f"<unreadable: {error.GetCString()}>"
    return text(raw)


def returned_quad(valobj):
    """An npy_quad that `finish` returned, read from RAX:RDX as the x86-64
    System V ABI returns a struct of two 64-bit words, when the step-out
    stopped, and remembered by its name ($N): lldb 14 keeps that value as
    zeros (its own `p $N` shows {0, 0}). None for any other value."""
    if valobj.GetName() in RETURNED_QUADS:
        return RETURNED_QUADS[valobj.GetName()]
    thread = valobj.GetThread()
    returned = thread.GetStopReturnValue() if thread.IsValid() else None
    if (returned is None or not returned.IsValid() or valobj.GetByteSize() != 16
            or returned.GetName() != valobj.GetName()
            or not valobj.GetTarget().GetTriple().startswith("x86_64")):
        return None
    frame = thread.GetFrameAtIndex(0)
    words = [frame.FindRegister(name).GetValueAsUnsigned() for name in ("rax", "rdx")]
    raw = b"".join(word.to_bytes(8, "little") for word in words)
    RETURNED_QUADS[valobj.GetName()] = raw
    return raw


def quad_summary(valobj, internal_dict):
    return scalar_text(valobj, views.quad_text)


def half_summary(valobj, internal_dict):
    return scalar_text(valobj, views.half_text)


def evaluate_as(debugger, expression, type_name):
    """EXPRESSION (a pointer, or an address as a number) as `type_name *`,
    the type found in any module: the frame may be in one (libc, in a core
    file) that does not know NumPy's types."""
    target = debugger.GetSelectedTarget()
    frame = target.GetProcess().GetSelectedThread().GetSelectedFrame()
    value = frame.EvaluateExpression(expression)
    if not value.GetError().Success():
        raise ValueError(value.GetError().GetCString())
    struct_type = target.FindFirstType(type_name)
    if not struct_type.IsValid():
        raise ValueError(f"no module has debug info for {type_name}: the program "
                         f"runs a build without -g (runtests.py's debug profile has it)")
    address = lldb.SBAddress(value.GetValueAsUnsigned(), target)
    return target.CreateValueFromAddress("array", address, struct_type).AddressOf()


def np_print(debugger, command, result, internal_dict):
    """np-print EXPR: EXPR (any pointer to an ndarray) as the array summary."""
    try:
        pointer = evaluate_as(debugger, command, "PyArrayObject_fields")
        result.AppendMessage(array_text(pointer))
    except (ValueError, views.Unreadable) as exc:
        result.SetError(str(exc))


def np_fields(debugger, command, result, internal_dict):
    """np-fields EXPR: every field of the ndarray EXPR points to, unformatted.
    NumPy's own C files see PyArrayObject as opaque, so `p self->descr`
    fails there; `p ((PyArrayObject_fields *)self)->descr` picks one."""
    try:
        pointer = evaluate_as(debugger, command, "PyArrayObject_fields")
    except ValueError as exc:
        result.SetError(str(exc))
        return
    result.AppendMessage("\n".join(raw_fields(pointer.Dereference())))


def raw_fields(struct, indent="  "):
    """`name = value` for every field, unformatted (the summaries would hide
    them), nested structs indented."""
    lines = []
    for index in range(struct.GetNumChildren()):
        field = struct.GetChildAtIndex(index)
        if field.GetNumChildren() and not field.GetType().IsPointerType():
            lines += [f"{indent}{field.GetName()} = {{"]
            lines += raw_fields(field, indent + "  ") + [f"{indent}}}"]
        else:
            lines.append(f"{indent}{field.GetName()} = {field.GetValue()}")
    return lines


def np_elements(debugger, command, result, internal_dict):
    """np-elements [N]: show (or set) how many elements the array summary shows."""
    words = shlex.split(command)
    if words:
        if not words[0].isdigit():
            result.SetError("np-elements takes a count, e.g. np-elements 20")
            return
        ELEMENTS["count"] = int(words[0])
    result.AppendMessage(f"The ndarray summary shows the first {ELEMENTS['count']} "
                         f"elements.")


# (function, type name pattern, options): scalars show the summary alone
SUMMARIES = [
    ("array_summary", r"^(struct )?(tagPyArrayObject(_fields)?|PyArrayObject(_fields)?)$",
     ""),
    ("descr_summary", r"^(struct )?(_PyArray_Descr|PyArray_Descr|_PyArray_DescrNumPy2)$",
     ""),
    ("iter_summary", r"^(struct )?(NpyIter_InternalOnly|NpyIter)$", ""),
    ("object_summary", r"^(struct )?(_object|PyObject)$", ""),
    ("quad_summary", r"^npy_quad$", "--no-value"),
    ("half_summary", r"^npy_half$", "--no-value"),
]


def __lldb_init_module(debugger, internal_dict):
    module = __name__
    for function, pattern, options in SUMMARIES:
        debugger.HandleCommand(f"type summary add --category numpy {options} "
                               f"-x '{pattern}' -F {module}.{function}")
    debugger.HandleCommand("type category enable numpy")
    for command, function in (("np-print", "np_print"), ("np-fields", "np_fields"),
                              ("np-elements", "np_elements")):
        debugger.HandleCommand(f"command script add -f {module}.{function} {command}")
