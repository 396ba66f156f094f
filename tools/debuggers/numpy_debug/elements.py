"""Array elements as text, from their raw bytes and their dtype's description.

No gdb here either: the printers read the bytes and the descriptor's fields
and hand them over, so this is unit-tested on its own.
"""
import struct

from . import floats

SINGLE = floats.BinaryFormat("binary32", 8, 23)
FLOAT_FORMATS = {2: floats.HALF, 4: SINGLE, 8: floats.DOUBLE}


class ElementType:
    """What the printers need of a dtype: kind ('b', 'i', 'u', 'f', 'c', 'M',
    'm', 'S', 'U', 'O', 'V'), itemsize, byte order ('>' big, anything else
    native little-endian here), and for 16-byte floats whether the bytes are
    x87 extended (long double on x86) rather than binary128."""

    def __init__(self, kind, itemsize, byteorder="=", x87=False):
        self.kind = kind
        self.itemsize = itemsize
        self.big_endian = byteorder == ">"
        self.x87 = x87

    def integer(self, raw, signed):
        return int.from_bytes(raw, "big" if self.big_endian else "little", signed=signed)

    def real(self, raw):
        """A float of len(raw) bytes as its shortest round-tripping decimal."""
        if self.big_endian:
            raw = raw[::-1]
        bits = int.from_bytes(raw, "little")
        if len(raw) == 16:
            # x87: 80 significant bits, the other 48 are padding
            return (floats.X87.shortest(bits & ((1 << 80) - 1)) if self.x87
                    else floats.QUAD.shortest(bits))
        fmt = FLOAT_FORMATS.get(len(raw))
        return fmt.shortest(bits) if fmt else raw.hex()

    def format(self, raw):
        """One element (len(raw) == itemsize) as text; objects are left to the
        caller, which can follow pointers."""
        kind = self.kind
        if kind == "b":
            return "True" if any(raw) else "False"
        if kind in "iu":
            return str(self.integer(raw, signed=kind == "i"))
        if kind == "f":
            return self.real(raw)
        if kind == "c":
            half = len(raw) // 2
            return f"({self.real(raw[:half])}+{self.real(raw[half:])}j)"
        if kind in "mM":
            return str(self.integer(raw, signed=True))
        if kind == "S":
            return repr(raw.rstrip(b"\0"))
        if kind == "U":
            count = len(raw) // 4
            codes = struct.unpack((">" if self.big_endian else "<") + "I" * count, raw)
            return repr("".join(map(chr, codes)).rstrip("\0"))
        return "0x" + raw.hex()


def logical_offsets(shape, strides, limit):
    """Byte offsets of the first `limit` elements in C (row-major) order."""
    offsets = []
    if any(n == 0 for n in shape):
        return offsets
    index = [0] * len(shape)
    while len(offsets) < limit:
        offsets.append(sum(i * s for i, s in zip(index, strides)))
        axis = len(shape) - 1
        while axis >= 0:
            index[axis] += 1
            if index[axis] < shape[axis]:
                break
            index[axis] = 0
            axis -= 1
        if axis < 0:
            break
    return offsets
