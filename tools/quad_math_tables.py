#!/usr/bin/env python3
"""Generate the constant tables of numpy-dive's binary128 math functions.

The kernels in numpy/_core/src/npymath/npy_quad_*.c evaluate in 128-bit
fixed point and in `xq`, a float with a 128-bit significand; their tables
(2**(j/128), log(1/c), sin and cos at j/128, atan(j/128), the bits of 2/pi,
polynomial coefficients) are computed here with MPFR (gmpy2) at 600 bits and
rounded once to nearest.

  python3 tools/quad_math_tables.py            # rewrite the header
  python3 tools/quad_math_tables.py --check    # fail if it is out of date

Run it with the project's venv (.venv/bin/python), which has gmpy2.
"""
import argparse
import sys
from pathlib import Path

import gmpy2
from gmpy2 import mpfr

ROOT = Path(__file__).resolve().parent.parent
HEADER = ROOT / "numpy/_core/src/npymath/npy_quad_math_tables.h"

gmpy2.get_context().precision = 600

# exp: x * 2**14 / ln2 = k + f; exp(x) = 2**(k >> 14) * T1[(k >> 7) & 127]
# * T2[k & 127] * exp(f * ln2 / 2**14)
EXP_TABLE_BITS = 7
EXP_REDUCED_BITS = 14
# log: y * I1[j1] / 2**8 = 1 + r1 with |r1| < 2**-7; (1 + r1) * I2[j2] /
# 2**23 = 1 + r2 with |r2| < 2**-15
LOG_I1_BITS = 8
LOG_J1_FIRST, LOG_J1_LAST = 90, 181     # y * 128 for y in [0.707, 1.414)
LOG_I2_BITS = 23
LOG_J2_RANGE = 128                      # j2 = round(r1 * 2**14)
# sin/cos at j/128 for j = 0..101 (pi/4 < 101/128); atan at j/128, j = 0..128
TRIG_TABLE_BITS = 7
SINCOS_ENTRIES = 102
ATAN_ENTRIES = 129
# 2/pi to this many 64-bit words covers every binary128 exponent
TWO_OVER_PI_WORDS = 272
# a series stops at its first coefficient below a quarter unit of the fixed point
SERIES_CUTOFF = mpfr(2) ** -129


def fixed(value, scale):
    """round(value * 2**scale) as an int (exact halfway cannot happen)."""
    return int(gmpy2.rint(value * mpfr(2) ** scale))


def xq(value):
    """(m, e, negative): |value| = m * 2**(e - 127), 2**127 <= m < 2**128."""
    if value == 0:
        return 0, 0, 0
    magnitude = abs(value)
    e = int(gmpy2.floor(gmpy2.log2(magnitude)))
    m = fixed(magnitude, 127 - e)
    if m >= 1 << 128:
        m = fixed(magnitude, 126 - e)
        e += 1
    if m < 1 << 127:
        e -= 1
        m = fixed(magnitude, 127 - e)
    assert 1 << 127 <= m < 1 << 128
    return m, e, int(value < 0)


def u128_literal(m):
    return f"U128(0x{m >> 64:016x}u, 0x{m & ((1 << 64) - 1):016x}u)"


def xq_literal(value):
    m, e, negative = xq(value)
    return f"{{{u128_literal(m)}, {e}, {negative}}}"


def xw(value):
    """(words low first, e, negative): |value| = W * 2**(e - 255), W's top
    bit set."""
    if value == 0:
        return [0] * 4, 0, 0
    magnitude = abs(value)
    e = int(gmpy2.floor(gmpy2.log2(magnitude)))
    w = fixed(magnitude, 255 - e)
    if w >= 1 << 256:
        e += 1
        w = fixed(magnitude, 255 - e)
    if w < 1 << 255:
        e -= 1
        w = fixed(magnitude, 255 - e)
    assert 1 << 255 <= w < 1 << 256
    return [(w >> (64 * i)) & ((1 << 64) - 1) for i in range(4)], e, int(value < 0)


def words_literal(n, count):
    """n (two's complement if negative) as count 64-bit words, low first."""
    n &= (1 << (64 * count)) - 1
    return "{" + ", ".join(f"0x{(n >> (64 * i)) & ((1 << 64) - 1):016x}u"
                           for i in range(count)) + "}"


def xw_literal(value):
    words, e, negative = xw(value)
    return "{{" + ", ".join(f"0x{w:016x}u" for w in words) + f"}}, {e}, {negative}}}"


def series(term, scale_bits):
    """Coefficients term(k) * 2**(-scale_bits * k) until they fall below the
    cutoff, as fixed-point literals with 127 fraction bits."""
    coefficients = []
    k = 0
    while True:
        c = term(k) * mpfr(2) ** (-scale_bits * k)
        if k > 0 and abs(c) < SERIES_CUTOFF:
            return coefficients
        coefficients.append(u128_literal(fixed(abs(c), 127)))
        k += 1


def array(ctype, name, items, comment, row_words=None):
    """A C table; with row_words, each item is a row of that many words."""
    body = ",\n".join(f"    {item}" for item in items)
    rows = f"[{row_words}]" if row_words else ""
    return (f"/* {comment} */\nstatic const {ctype} {name}[{len(items)}]{rows} = "
            f"{{\n{body},\n}};\n")


def constant(name, value, comment):
    return f"/* {comment} */\nstatic const xq {name} = {xq_literal(value)};\n"


def tables():
    pi = gmpy2.const_pi()
    ln2 = gmpy2.const_log2()
    parts = []
    parts.append(array(
        "u128", "exp_t1",
        [u128_literal(fixed(mpfr(2) ** (mpfr(j) / 2 ** EXP_TABLE_BITS), 127))
         for j in range(1 << EXP_TABLE_BITS)],
        "2**(j/128), 127 fraction bits"))
    parts.append(array(
        "u128", "exp_t2",
        [u128_literal(fixed(mpfr(2) ** (mpfr(j) / 2 ** EXP_REDUCED_BITS), 127))
         for j in range(1 << EXP_TABLE_BITS)],
        "2**(j/16384), 127 fraction bits"))
    parts.append(array(
        "xq", "expm1_t1",
        [xq_literal(mpfr(2) ** (mpfr(j) / 2 ** EXP_TABLE_BITS) - 1)
         for j in range(1 << EXP_TABLE_BITS)],
        "2**(j/128) - 1"))
    parts.append(array(
        "xq", "expm1_t2",
        [xq_literal(mpfr(2) ** (mpfr(j) / 2 ** EXP_REDUCED_BITS) - 1)
         for j in range(1 << EXP_TABLE_BITS)],
        "2**(j/16384) - 1"))
    parts.append(array(
        "u128", "expm1_poly",
        series(lambda k: 1 / gmpy2.fac(k + 1), EXP_REDUCED_BITS),
        "(exp(r) - 1) / r = sum c[k] * (r * 2**14)**k, c[k] = 2**(-14k) / (k+1)!"))
    # 2**14 / ln2 with 177 fraction bits, three 64-bit words, low first
    scaled = fixed(mpfr(2) ** EXP_REDUCED_BITS / ln2, 177)
    parts.append(array(
        "npy_uint64", "exp_inv_step",
        [f"0x{(scaled >> (64 * i)) & ((1 << 64) - 1):016x}u" for i in range(3)],
        "2**14 / ln2 * 2**177, 64-bit words, low first"))
    parts.append(f"/* ln2 with 128 fraction bits */\n"
                 f"static const u128 ln2_fixed = {u128_literal(fixed(ln2, 128))};\n")

    i1, l1 = [], []
    for j in range(LOG_J1_FIRST, LOG_J1_LAST + 1):
        if j in (127, 128):         # y in [127/128, 129/128): r1 = y - 1
            inverse = 1 << LOG_I1_BITS
        else:
            inverse = int(gmpy2.rint(mpfr(2 ** (LOG_I1_BITS + 7)) / (j + mpfr(0.5))))
        i1.append(f"{inverse}")
        l1.append(xq_literal(-gmpy2.log(mpfr(inverse) / 2 ** LOG_I1_BITS)))
    parts.append(array("npy_uint64", "log_i1", i1,
                       "about 2**8 / y for y * 128 in [j, j+1), j = 90..181"))
    parts.append(array("xq", "log_l1", l1, "-log(log_i1[j] / 2**8)"))
    i2, l2 = [], []
    for j in range(-LOG_J2_RANGE, LOG_J2_RANGE + 1):
        inverse = int(gmpy2.rint(
            mpfr(2) ** LOG_I2_BITS / (1 + mpfr(j) / 2 ** EXP_REDUCED_BITS)))
        i2.append(f"{inverse}")
        l2.append(xq_literal(-gmpy2.log(mpfr(inverse) / 2 ** LOG_I2_BITS)))
    parts.append(array("npy_uint64", "log_i2", i2,
                       "about 2**23 / (1 + j / 2**14), j = -128..128"))
    parts.append(array("xq", "log_l2", l2, "-log(log_i2[j] / 2**23)"))
    parts.append(array(
        "u128", "log1p_poly",
        series(lambda k: mpfr(1) / (k + 1), EXP_REDUCED_BITS),
        "log(1 + r) / r = sum (-1)**k c[k] (r * 2**14)**k, c[k] = 2**(-14k) / (k+1)"))

    parts.append(array(
        "xq", "sin_table",
        [xq_literal(gmpy2.sin(mpfr(j) / 2 ** TRIG_TABLE_BITS))
         for j in range(SINCOS_ENTRIES)], "sin(j/128)"))
    parts.append(array(
        "xq", "cos_table",
        [xq_literal(gmpy2.cos(mpfr(j) / 2 ** TRIG_TABLE_BITS))
         for j in range(SINCOS_ENTRIES)], "cos(j/128)"))
    parts.append(array(
        "u128", "sin_poly",
        series(lambda k: 1 / gmpy2.fac(2 * k + 1), 2 * TRIG_TABLE_BITS),
        "sin(t) / t = sum (-1)**k c[k] (t * 2**7)**2k, c[k] = 2**(-14k) / (2k+1)!"))
    parts.append(array(
        "u128", "cos_poly",
        series(lambda k: 1 / gmpy2.fac(2 * k), 2 * TRIG_TABLE_BITS),
        "cos(t) = sum (-1)**k c[k] (t * 2**7)**2k, c[k] = 2**(-14k) / (2k)!"))
    parts.append(array(
        "xq", "atan_table",
        [xq_literal(gmpy2.atan(mpfr(j) / 2 ** TRIG_TABLE_BITS))
         for j in range(ATAN_ENTRIES)], "atan(j/128)"))
    parts.append(array(
        "u128", "atan_poly",
        series(lambda k: mpfr(1) / (2 * k + 1), 2 * TRIG_TABLE_BITS),
        "atan(t) / t = sum (-1)**k c[k] (t * 2**7)**2k, c[k] = 2**(-14k) / (2k+1)"))
    with gmpy2.context(precision=64 * TWO_OVER_PI_WORDS + 128):
        two_over_pi = fixed(2 / gmpy2.const_pi(), 64 * TWO_OVER_PI_WORDS)
    parts.append(array(
        "npy_uint64", "two_over_pi",
        [f"0x{(two_over_pi >> (64 * (TWO_OVER_PI_WORDS - 1 - i))) & ((1 << 64) - 1):016x}u"
         for i in range(TWO_OVER_PI_WORDS)],
        "the bits of 2/pi after the binary point, 64 at a time, most significant first"))
    parts.append(f"/* pi/2 with 127 fraction bits */\n"
                 f"static const u128 pio2_fixed = {u128_literal(fixed(pi / 2, 127))};\n")

    # The 256-bit tables of the slow paths (logaddexp's cancellations) and
    # the 150-bit log2 of pow
    scaled = fixed(mpfr(2) ** EXP_REDUCED_BITS / ln2, 369)
    parts.append(array(
        "npy_uint64", "exp_inv_step_wide",
        [f"0x{(scaled >> (64 * i)) & ((1 << 64) - 1):016x}u" for i in range(6)],
        "2**14 / ln2 * 2**369, 64-bit words, low first"))
    parts.append(array(
        "xw", "exp_t1_wide",
        [xw_literal(mpfr(2) ** (mpfr(j) / 2 ** EXP_TABLE_BITS))
         for j in range(1 << EXP_TABLE_BITS)], "2**(j/128)"))
    parts.append(array(
        "xw", "exp_t2_wide",
        [xw_literal(mpfr(2) ** (mpfr(j) / 2 ** EXP_REDUCED_BITS))
         for j in range(1 << EXP_TABLE_BITS)], "2**(j/16384)"))
    parts.append(array(
        "xw", "log_l1_wide",
        [xw_literal(-gmpy2.log(mpfr(int(i)) / 2 ** LOG_I1_BITS)) for i in i1],
        "-log(log_i1[j] / 2**8)"))
    parts.append(array(
        "xw", "log_l2_wide",
        [xw_literal(-gmpy2.log(mpfr(int(i)) / 2 ** LOG_I2_BITS)) for i in i2],
        "-log(log_i2[j] / 2**23)"))
    parts.append(array(
        "xw", "reciprocal_wide", [xw_literal(mpfr(1) / k) for k in range(1, 25)],
        "1/k for k = 1..24"))
    parts.append(f"/* ln 2 */\nstatic const xw xw_ln2 = {xw_literal(ln2)};\n")
    parts.append(f"/* 1 / ln 2 */\nstatic const xw xw_inv_ln2 = {xw_literal(1 / ln2)};\n")
    for name, inverses, bits, what in [("log2_l1_fixed", i1, LOG_I1_BITS, "log_i1[j] / 2**8"),
                                       ("log2_l2_fixed", i2, LOG_I2_BITS, "log_i2[j] / 2**23")]:
        parts.append(array(
            "npy_uint64", name,
            [words_literal(fixed(-gmpy2.log2(mpfr(int(i)) / 2 ** bits), 240), 4)
             for i in inverses],
            f"-log2({what}) * 2**240, signed, 4 words each", row_words=4))
    parts.append(array(
        "npy_uint64", "inv_ln2_fixed", [f"0x{(fixed(1 / ln2, 255) >> (64 * i)) & ((1 << 64) - 1):016x}u" for i in range(4)],
        "1 / ln2 * 2**255, 64-bit words, low first"))
    parts.append(array(
        "u128", "log1p_tail_poly",
        series(lambda k: mpfr(1) / (k + 3), EXP_REDUCED_BITS),
        "(log(1 + r) - r + r**2/2) / r**3 = sum (-1)**k c[k] (r * 2**14)**k, "
        "c[k] = 2**(-14k) / (k+3)"))

    parts.append(constant("xq_ln2", ln2, "ln 2"))
    parts.append(constant("xq_inv_ln2", 1 / ln2, "1 / ln 2"))
    parts.append(constant("xq_inv_ln10", 1 / gmpy2.log(10), "1 / ln 10"))
    parts.append(constant("xq_pi", pi, "pi"))
    parts.append(constant("xq_pio2", pi / 2, "pi / 2"))
    parts.append(constant("xq_pio4", pi / 4, "pi / 4"))
    parts.append(constant("xq_deg2rad", pi / 180, "pi / 180"))
    parts.append(constant("xq_rad2deg", 180 / pi, "180 / pi"))
    return parts


def render():
    head = (
        "/*\n"
        " * Generated by tools/quad_math_tables.py (MPFR at 600 bits, each value\n"
        " * rounded once to nearest); do not edit.\n"
        " */\n"
        "#ifndef NUMPY_CORE_SRC_NPYMATH_NPY_QUAD_MATH_TABLES_H_\n"
        "#define NUMPY_CORE_SRC_NPYMATH_NPY_QUAD_MATH_TABLES_H_\n\n"
        "#include \"npy_quad_xprec.h\"\n\n")
    tail = "\n#endif  /* NUMPY_CORE_SRC_NPYMATH_NPY_QUAD_MATH_TABLES_H_ */\n"
    return head + "\n".join(tables()) + tail


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true",
                        help="compare with the committed header instead of writing it")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        if HEADER.read_text() != text:
            print(f"{HEADER.relative_to(ROOT)} is out of date: run "
                  f"tools/quad_math_tables.py", file=sys.stderr)
            return 1
        print(f"{HEADER.relative_to(ROOT)} is up to date")
        return 0
    HEADER.write_text(text)
    print(f"wrote {HEADER.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
