"""np.quad / NPY_QUAD (numpy-dive): the builtin IEEE 754 binary128 type.

Every result is checked against exact rational arithmetic: a binary128
value is decoded from its 16 bytes into a Fraction, the operation is done
exactly, and the expected bits are the nearest binary128 (ties to even).
"""
import gc
import math
import operator
import pickle
import re
import sys
import warnings
from decimal import Context, Decimal
from fractions import Fraction

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import numpy as np
import numpy.lib.recfunctions  # noqa: F401 - np.lib.recfunctions below
from numpy.testing import assert_array_equal, assert_equal

# (exponent bits, fraction bits) of the IEEE binary formats
QUAD_FORMAT = (15, 112)
DOUBLE_FORMAT = (11, 52)
SINGLE_FORMAT = (8, 23)
HALF_FORMAT = (5, 10)


# enough digits for any exact binary128 value
DECIMAL_EXACT = Context(prec=20000, Emin=-30000, Emax=30000)
# What runtests.py --valgrind cannot run: valgrind's virtual CPU has no
# floating-point exception flags (np.errstate never sees one) and computes
# x87 long double in double precision.
VALGRIND_HAS_NO_FP_FLAGS = pytest.mark.valgrind_error(
    reason="valgrind does not model the floating-point exception flags np.errstate reads")
VALGRIND_HAS_NO_X87 = pytest.mark.valgrind_error(
    reason="valgrind computes x87 long double in double precision")


def decode(bits, layout=QUAD_FORMAT):
    """The exact value of a binary float's bits: a Fraction, +-inf or nan."""
    exponent_bits, fraction_bits = layout
    bias = (1 << (exponent_bits - 1)) - 1
    sign = -1 if bits >> (exponent_bits + fraction_bits) else 1
    exponent = (bits >> fraction_bits) & ((1 << exponent_bits) - 1)
    fraction = bits & ((1 << fraction_bits) - 1)
    if exponent == (1 << exponent_bits) - 1:
        return math.nan if fraction else sign * math.inf
    if exponent == 0:
        return sign * Fraction(fraction, 1 << (bias - 1 + fraction_bits))
    significand = fraction | (1 << fraction_bits)
    return sign * significand * Fraction(2) ** (exponent - bias - fraction_bits)


def nearest(value, layout=QUAD_FORMAT, negative=None):
    """The bits of the binary float nearest to a Fraction, ties to even.

    ``negative`` gives the sign of a zero result (the sign of ``value``
    otherwise).
    """
    exponent_bits, fraction_bits = layout
    bias = (1 << (exponent_bits - 1)) - 1
    if negative is None:
        negative = value < 0
    sign = int(negative) << (exponent_bits + fraction_bits)
    magnitude = abs(Fraction(value))
    if magnitude == 0:
        return sign
    exponent = (magnitude.numerator.bit_length()
                - magnitude.denominator.bit_length())
    if Fraction(2) ** exponent > magnitude:
        exponent -= 1
    exponent = max(exponent, 1 - bias)
    # round() of a Fraction rounds half to even
    significand = round(magnitude / Fraction(2) ** (exponent - fraction_bits))
    if significand == 1 << (fraction_bits + 1):
        significand >>= 1
        exponent += 1
    if exponent > bias:
        return sign | (((1 << exponent_bits) - 1) << fraction_bits)
    if significand < 1 << fraction_bits:
        return sign | significand
    return (sign | ((exponent + bias) << fraction_bits)
            | (significand - (1 << fraction_bits)))


def exact_decimal(value):
    """The finite decimal expansion of a dyadic Fraction, in positional text."""
    scale = value.denominator.bit_length() - 1
    assert value.denominator == 1 << scale
    return format(Decimal(value.numerator * 5 ** scale).scaleb(-scale, DECIMAL_EXACT), "f")


def bits_of(value):
    """The binary128 bits of a quad scalar."""
    return int.from_bytes(np.array(value, dtype="<Y").tobytes(), "little")


def quad_of(bits):
    return np.frombuffer(bits.to_bytes(16, "little"), dtype="<Y")[0]


def exact(value):
    """Fraction of a finite quad."""
    return decode(bits_of(value))


# Quads with every exponent equally likely near the ends of the range, where
# subnormals, underflow and overflow live, and anywhere else.
@st.composite
def finite_quads(draw):
    sign = draw(st.integers(0, 1))
    exponent = draw(st.one_of(
        st.integers(0, 0x7ffe),
        st.integers(0, 120),
        st.integers(0x7ffe - 120, 0x7ffe),
        st.integers(0x3fff - 120, 0x3fff + 120),
    ))
    fraction = draw(st.one_of(
        st.integers(0, (1 << 112) - 1),
        st.sampled_from([0, 1, (1 << 112) - 1, 1 << 111]),
    ))
    return (sign << 127) | (exponent << 112) | fraction


class TestDType:
    def test_identity(self):
        dtype = np.dtype(np.quad)
        assert dtype is np.dtype("quad")
        assert np.dtype("Y") == dtype
        assert type(dtype) is np.dtypes.QuadDType
        assert dtype.num == 26
        assert dtype.char == "Y"
        assert dtype.kind == "f"
        assert dtype.itemsize == 16
        assert dtype.alignment == 16
        assert dtype.name == "quad"
        assert repr(dtype) == "dtype('quad')"
        assert issubclass(np.quad, np.floating)
        assert dtype.type is np.quad

    def test_longdouble_keeps_its_names(self):
        if np.dtype(np.longdouble).itemsize == 16:
            assert np.dtype("f16") == np.dtype(np.longdouble)
        if hasattr(np, "float128"):
            assert np.float128 is np.longdouble
        assert np.dtype(np.longdouble) != np.dtype(np.quad)
        assert not np.can_cast(np.quad, np.longdouble, "equiv")

    def test_str_spelling_round_trips(self):
        for spelling in ("<Y", ">Y"):
            dtype = np.dtype(spelling)
            assert dtype.str == spelling
            assert np.dtype(dtype.str) == dtype
        assert np.dtype(np.quad).newbyteorder().newbyteorder() == np.dtype(np.quad)

    def test_in_float_sctypes(self):
        # ordered by size, then type number: quad after long double
        assert np._core.sctypes["float"][-1] is np.quad
        assert np._core.sctypeDict["quad"] is np.quad
        assert np.typename("Y") == "quadruple precision"
        assert np.common_type(np.zeros(1, np.quad), np.zeros(1)) is np.quad
        with pytest.raises(TypeError, match="no complex counterpart"):
            np.common_type(np.zeros(1, np.quad), np.zeros(1, complex))


class TestConstruction:
    def test_default_is_zero(self):
        assert bits_of(np.quad()) == 0

    def test_short_decimals_round_exactly(self):
        """Up to 34 digits with a decimal exponent within 48 take one
        correctly rounded product or quotient of exact quads (Clinger's fast
        path); just beyond, the exact big-integer path: both against the
        exact rational, from str, from a U array and from an S array."""
        rng = np.random.default_rng(15)
        texts = []
        for ndigits in (1, 2, 17, 19, 20, 33, 34, 35, 36):
            for exponent in (-50, -49, -48, -47, -10, -1, 0, 1, 10, 47, 48, 49, 50):
                digits = "".join(str(d) for d in rng.integers(0, 10, ndigits))
                digits = str(rng.integers(1, 10)) + digits[1:]
                sign = "-" if rng.integers(0, 2) else ""
                texts.append(f"{sign}{digits}e{exponent}")
                texts.append(f"{sign}{digits[:1]}.{digits[1:]}e{exponent + ndigits - 1}")
        texts += ["0.1", "1e48", "9" * 34 + "e48", "1e-48", "3" * 34 + "e-48",
                  "0." + "0" * 40 + "7", "123456789012345678901234567890123.4"]
        expected = [nearest(Fraction(t)) for t in texts]
        assert [bits_of(np.quad(t)) for t in texts] == expected
        assert [bits_of(v) for v in np.array(texts).astype(np.quad)] == expected
        assert [bits_of(v) for v in np.array(texts, dtype="S").astype(np.quad)] == expected

    @given(st.integers(-(1 << 20000), 1 << 20000))
    def test_python_int_correctly_rounded(self, value):
        expected = nearest(Fraction(value))
        if expected & ~(1 << 127) == 0x7fff << 112:
            # beyond the range: OverflowError, as np.float64(2**2000)
            with pytest.raises(OverflowError):
                np.quad(value)
        else:
            assert bits_of(np.quad(value)) == expected

    def test_int_ties_to_even(self):
        for value, expected in [
                ((1 << 113) + 1, 1 << 113),
                ((1 << 113) + 3, (1 << 113) + 4),
                (-(1 << 113) - 1, -(1 << 113))]:
            assert int(np.quad(value)) == expected

    def test_huge_int_is_an_overflow_error(self):
        for value in [1 << 16384, -(1 << 16384)]:
            with pytest.raises(OverflowError, match="too large"):
                np.quad(value)
        # the largest finite quad, and the midpoint above it (a tie: to inf)
        assert np.quad((1 << 16384) - (1 << 16271)) == np.finfo(np.quad).max
        with pytest.raises(OverflowError):
            np.quad((1 << 16384) - (1 << 16270))
        assert np.quad((1 << 16384) - (1 << 16270) - 1) == np.finfo(np.quad).max

    @given(st.floats(allow_nan=False, allow_infinity=False))
    def test_float_exact(self, value):
        assert bits_of(np.quad(value)) == nearest(Fraction(value),
                                                  negative=math.copysign(1, value) < 0)

    @pytest.mark.parametrize("text, value", [
        ("0.1", Fraction(1, 10)),
        ("-0", Fraction(0)),
        ("1_000.000_1", Fraction(10000001, 10000)),
        ("  2.5e-3\n", Fraction(25, 10000)),
        ("1e4932", Fraction(10) ** 4932),
        ("6.5e-4966", Fraction(65, 10 ** 4967)),
        (".5", Fraction(1, 2)),
        ("5.", Fraction(5)),
        ("+3E+2", Fraction(300)),
    ])
    def test_string_correctly_rounded(self, text, value):
        assert bits_of(np.quad(text)) == nearest(value, negative=text.strip().startswith("-"))
        assert bits_of(np.quad(text.encode())) == bits_of(np.quad(text))

    @given(st.integers(0, 10 ** 60), st.integers(-5000, 5000))
    def test_long_decimal_strings(self, digits, exponent):
        text = f"{digits}e{exponent}"
        expected = nearest(Fraction(digits) * Fraction(10) ** exponent)
        if expected == 0x7fff << 112:
            # beyond the range: inf with np.longdouble's overflow warning
            with pytest.warns(RuntimeWarning, match="overflow"):
                assert bits_of(np.quad(text)) == expected
        else:
            assert bits_of(np.quad(text)) == expected

    def test_decimal_midpoints(self):
        # The exact decimal expansion of a binary128 midpoint, and one digit
        # either side of it: the decision needs every digit.
        one_ulp = Fraction(1, 1 << 112)
        for significand in [1, 3, (1 << 112) - 1, 12345]:
            low = 1 + significand * one_ulp
            midpoint = low + one_ulp / 2
            text = exact_decimal(midpoint)
            assert Fraction(text) == midpoint
            assert bits_of(np.quad(text)) == nearest(midpoint)
            assert bits_of(np.quad(text + "1")) == nearest(midpoint) + (significand % 2 == 0)
            smaller = DECIMAL_EXACT.subtract(Decimal(text), Decimal("1e-200"))
            assert bits_of(np.quad(str(smaller))) == nearest(low)

    @pytest.mark.parametrize("text", ["nan", "NaN", "+nan", "-nan"])
    def test_string_nan(self, text):
        value = np.quad(text)
        assert np.isnan(value)
        assert bool(np.signbit(value)) == text.startswith("-")

    @pytest.mark.parametrize("text, sign", [
        ("inf", 1), ("-Infinity", -1), ("+INF", 1), ("infinity", 1)])
    def test_string_inf(self, text, sign):
        assert np.quad(text) == sign * np.inf

    @pytest.mark.parametrize("text", [
        "", " ", "1.2.3", "_1", "1_", "1__0", "1_.5", "1._5", "e5", "1e",
        "1e_5", "0x10", "nan(1)", "infinit", "1 2", "١٢", "1\x005", "--1",
        "in f"])
    def test_invalid_string(self, text):
        with pytest.raises(ValueError, match="could not convert string to quad"):
            np.quad(text)

    @pytest.mark.parametrize("dtype, layout", [
        (np.float16, HALF_FORMAT), (np.float32, SINGLE_FORMAT)])
    @given(bits=st.integers(0, 2**32 - 1))
    def test_narrow_floats_exact(self, dtype, layout, bits):
        size = np.dtype(dtype).itemsize
        bits &= (1 << (8 * size)) - 1
        value = np.frombuffer(bits.to_bytes(size, "little"), dtype=dtype)
        exact_value = decode(bits, layout)
        assume(not isinstance(exact_value, float))       # inf and nan
        negative = bool(bits >> (8 * size - 1))
        assert bits_of(value.astype(np.quad)[0]) == nearest(exact_value, negative=negative)
        assert bits_of(np.quad(value[0])) == nearest(exact_value, negative=negative)

    def test_numpy_scalars_exact(self):
        assert exact(np.quad(np.float16(0.1))) == Fraction(float(np.float16(0.1)))
        assert exact(np.quad(np.float32(0.1))) == Fraction(float(np.float32(0.1)))
        x87 = np.longdouble(1) / np.longdouble(3)
        assert exact(np.quad(x87)) == Fraction(*x87.as_integer_ratio())
        assert int(np.quad(np.uint64(2**64 - 1))) == 2**64 - 1
        assert int(np.quad(np.int64(-2**63))) == -2**63
        assert np.quad(np.True_) == 1

    def test_fraction_and_decimal_exact(self):
        third = Fraction(1, 3)
        assert bits_of(np.quad(third)) == nearest(third)
        tenth = Decimal("0.1000000000000000000000000000000000000001")
        assert bits_of(np.quad(tenth)) == nearest(Fraction(tenth))
        assert np.isnan(np.quad(Decimal("nan")))
        assert np.quad(Decimal("-inf")) == -np.inf

    def test_complex_is_a_type_error(self):
        # as for np.float64: a Python complex is refused, a NumPy complex
        # scalar gives its real part with a ComplexWarning
        with pytest.raises(TypeError, match="real number"):
            np.quad(1j)
        with pytest.warns(np.exceptions.ComplexWarning):
            assert np.quad(np.complex128(1 + 1j)) == 1

    def test_other_objects_are_a_type_error(self):
        with pytest.raises(TypeError, match="quad"):
            np.quad(object())

    def test_sequence_gives_an_array(self):
        array = np.quad([1, "0.1", 2.5])
        assert array.dtype == np.quad
        assert bits_of(array[1]) == nearest(Fraction(1, 10))


class TestConversionOut:
    @given(finite_quads())
    def test_int_is_exact(self, bits):
        value = decode(bits)
        assert int(quad_of(bits)) == math.trunc(value)

    def test_int_of_inf_and_nan(self):
        with pytest.raises(OverflowError):
            int(np.quad("inf"))
        with pytest.raises(ValueError):
            int(np.quad("nan"))

    @given(finite_quads())
    def test_float_correctly_rounded(self, bits):
        with np.errstate(all="ignore"):
            got = float(quad_of(bits))
        expected = nearest(decode(bits), DOUBLE_FORMAT, negative=bool(bits >> 127))
        assert int(np.array(got).view(np.uint64)) == expected

    @given(finite_quads())
    def test_as_integer_ratio(self, bits):
        numerator, denominator = quad_of(bits).as_integer_ratio()
        assert Fraction(numerator, denominator) == decode(bits)
        assert math.gcd(numerator, denominator) == 1
        assert denominator > 0

    @given(finite_quads())
    def test_is_integer(self, bits):
        assert quad_of(bits).is_integer() == (decode(bits).denominator == 1)

    @given(finite_quads())
    def test_hash_matches_equal_python_numbers(self, bits):
        value = decode(bits)
        assert hash(quad_of(bits)) == hash(value)

    def test_hash_of_small_values(self):
        for x in [0, -0.0, 1, -1, 0.5, 2**70, 1e300, -2.5e-300]:
            assert hash(np.quad(x)) == hash(x)
        assert hash(np.quad("inf")) == hash(math.inf)
        assert hash(np.quad(Fraction(1, 3))) != hash(Fraction(1, 3))


class TestPrinting:
    @given(finite_quads())
    def test_str_round_trips(self, bits):
        value = quad_of(bits)
        assert bits_of(np.quad(str(value))) == bits

    def test_powers_of_two_round_trip(self):
        # the shortest digits of 2**k must use the narrower lower margin
        for k in range(-16494, 16384, 7):
            value = np.quad(Fraction(2) ** k)
            assert bits_of(np.quad(str(value))) == bits_of(value), k
            assert bits_of(np.quad(repr(value)[9:-2])) == bits_of(value), k

    @pytest.mark.parametrize("value, text", [
        ("0.1", "0.1"), ("-0", "-0.0"), ("1", "1.0"), ("1e16", "1e+16"),
        ("1e-5", "1e-05"), ("123456789.123456789123456789", "123456789.123456789123456789"),
        ("inf", "inf"), ("-inf", "-inf"), ("nan", "nan")])
    def test_str(self, value, text):
        assert str(np.quad(value)) == text

    def test_repr(self):
        assert repr(np.quad("0.1")) == "np.quad('0.1')"

    def test_format_exact_digits(self):
        third = np.quad(1) / np.quad(3)
        text = format(third, ".40e")
        assert text.endswith("e-01")       # two exponent digits, as for float
        assert Decimal(text) == Context(prec=41).create_decimal(
            exact_decimal(exact(third)))
        assert format(np.quad("0.1"), ".3f") == "0.100"
        assert format(np.quad("-0"), "") == "-0.0"
        assert format(np.quad("nan"), ".3f") == "nan"
        assert format(np.quad("1e300"), ".3e") == format(1e300, ".3e")
        smallest = np.finfo(np.quad).smallest_subnormal
        assert format(smallest, ".5e") == "6.47518e-4966"


BINARY_OPERATIONS = [
    (operator.add, np.add, lambda a, b: a + b),
    (operator.sub, np.subtract, lambda a, b: a - b),
    (operator.mul, np.multiply, lambda a, b: a * b),
    (operator.truediv, np.divide, lambda a, b: a / b),
]


def zero_sign(operation, a_bits, b_bits):
    """Sign of an exact zero result, as IEEE 754 rounding to nearest gives."""
    a_negative, b_negative = bool(a_bits >> 127), bool(b_bits >> 127)
    if operation is operator.add:
        return a_negative and b_negative
    if operation is operator.sub:
        return a_negative and not b_negative
    return a_negative != b_negative


class TestArithmetic:
    @pytest.mark.parametrize("scalar_op, ufunc, exact_op", BINARY_OPERATIONS)
    @given(a=finite_quads(), b=finite_quads())
    @settings(max_examples=300)
    def test_correctly_rounded(self, scalar_op, ufunc, exact_op, a, b):
        x, y = decode(a), decode(b)
        assume(not (ufunc is np.divide and y == 0))
        result = exact_op(x, y)
        expected = nearest(result, negative=(
            zero_sign(scalar_op, a, b) if result == 0 else result < 0))
        with np.errstate(all="ignore"):
            assert bits_of(scalar_op(quad_of(a), quad_of(b))) == expected
            arrays = ufunc(np.array([quad_of(a)] * 3), np.array([quad_of(b)] * 3))
        assert [bits_of(v) for v in arrays] == [expected] * 3

    def test_integer_fast_paths_round_exactly(self):
        """+ - * and / of normal operands run in integer arithmetic: close
        exponents, cancellation, carries and ties, against exact rationals
        rounded half to even (hypothesis's operands rarely meet)."""
        rng = np.random.default_rng(12)
        n = 3000

        def operands(exponents):
            fractions = [int(rng.integers(0, 2**56)) << 56 | int(rng.integers(0, 2**56))
                         for _ in range(n)]
            # a third with trailing zeros, so that sums and products tie
            fractions = [f >> 60 << 60 if i % 3 == 0 else f for i, f in enumerate(fractions)]
            signs = rng.integers(0, 2, n)
            return [int(s) << 127 | int(e) << 112 | f
                    for s, e, f in zip(signs, exponents, fractions)]

        base = rng.integers(16383 - 40, 16383 + 40, n)
        a = operands(base)
        b = operands(base + rng.integers(-3, 4, n))
        qa = np.array([quad_of(x) for x in a])
        qb = np.array([quad_of(x) for x in b])
        for ufunc, exact_op in ((np.add, operator.add), (np.subtract, operator.sub),
                                (np.multiply, operator.mul), (np.divide, operator.truediv)):
            result = ufunc(qa, qb)
            for x, y, r in zip(a, b, result):
                assert bits_of(r) == nearest(exact_op(decode(x), decode(y))), \
                    (ufunc.__name__, hex(x), hex(y))

    @VALGRIND_HAS_NO_FP_FLAGS
    def test_vector_lanes_match_the_scalar_routines(self):
        """quad_arith.dispatch.c adds, multiplies and divides eight at a
        time; a lane with a special operand or result goes to the scalar
        routine: every lane, every layout, in place too, gives the scalar's
        bits."""
        rng = np.random.default_rng(13)
        specials = [quad_of(0x7fff8000000000000000000000000001), np.quad("inf"),
                    np.quad("-inf"), np.quad(0), np.quad("-0"), np.quad("1e-4940"),
                    np.quad("1.1897e4932"), np.quad("-1.1897e4932"), np.quad("1e-4932")]
        a = (rng.standard_normal(203) * 3).astype(np.quad)
        b = (rng.standard_normal(203) * 3).astype(np.quad)
        for i, special in zip(rng.choice(203, 60, replace=False), specials * 7):
            (a if i % 2 else b)[i] = special
        b[50:60] = -a[50:60]        # exact zeros
        for ufunc, op in ((np.add, operator.add), (np.subtract, operator.sub),
                          (np.multiply, operator.mul), (np.divide, operator.truediv)):
            with np.errstate(all="ignore"):
                expected = [bits_of(op(x, y)) for x, y in zip(a, b)]
                assert [bits_of(v) for v in ufunc(a, b)] == expected
                assert [bits_of(v) for v in ufunc(a[::-1], b[::-1])] == expected[::-1]
                assert [bits_of(v) for v in ufunc(a[::3], b[::3])] == expected[::3]
                in_place = a.copy()
                ufunc(in_place, b, out=in_place)
                assert [bits_of(v) for v in in_place] == expected
        big = np.full(16, np.quad("1e4932"))
        with np.errstate(over="raise"):
            np.add(big, -big)
            with pytest.raises(FloatingPointError, match="overflow"):
                np.add(big, big)
            with pytest.raises(FloatingPointError, match="overflow"):
                np.multiply(big, big)
        tiny = np.full(16, np.quad("1e-2500"))
        with np.errstate(under="raise"):
            with pytest.raises(FloatingPointError, match="underflow"):
                np.multiply(tiny, tiny)
            with pytest.raises(FloatingPointError, match="underflow"):
                np.divide(tiny, big)
        with np.errstate(divide="raise"):
            with pytest.raises(FloatingPointError, match="divide by zero"):
                np.divide(big, np.zeros(16, np.quad))

    @given(finite_quads())
    @settings(max_examples=500)
    def test_sqrt_correctly_rounded(self, bits):
        value = decode(bits)
        assume(value > 0)
        # isqrt of value * 4**k, with k large enough for 130 bits or more
        k = 400 + max(0, value.denominator.bit_length())
        scaled = value * 4 ** k
        root = math.isqrt(scaled.numerator // scaled.denominator)
        # the true root is in [root, root + 1) / 2**k; nudge inexact roots
        # off a representable midpoint (sqrt is never a tie)
        if Fraction(root) ** 2 != scaled:
            root = Fraction(2 * root + 1, 2)
        expected = nearest(Fraction(root) / 2 ** k)
        assert bits_of(np.sqrt(np.array([quad_of(bits)]))[0]) == expected

    def test_sqrt_special_values(self):
        with np.errstate(invalid="ignore"):
            result = np.sqrt(np.array(["-0", "inf", "-1", "nan", "4"], dtype=np.quad))
        assert np.signbit(result[0]) and result[0] == 0
        assert result[1] == np.inf
        assert np.isnan(result[2]) and np.isnan(result[3])
        assert result[4] == 2

    @VALGRIND_HAS_NO_FP_FLAGS
    def test_errstate(self):
        huge = np.array([np.finfo(np.quad).max], dtype=np.quad)
        with np.errstate(over="raise"):
            with pytest.raises(FloatingPointError, match="overflow"):
                huge * 2
            with pytest.raises(FloatingPointError, match="overflow"):
                huge[0] * np.quad(2)
        with np.errstate(divide="raise"):
            with pytest.raises(FloatingPointError, match="divide by zero"):
                np.array([1], dtype=np.quad) / np.quad(0)
        with np.errstate(invalid="raise"):
            with pytest.raises(FloatingPointError, match="invalid"):
                np.sqrt(np.array([-1], dtype=np.quad))
        with np.errstate(under="raise"):
            with pytest.raises(FloatingPointError, match="underflow"):
                np.array([np.finfo(np.quad).smallest_normal], dtype=np.quad) / 3
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert np.isnan(np.quad("nan") + 1)
            assert not (np.array([np.quad("nan")]) < 1)[0]

    def test_mixed_operands_promote_to_quad(self):
        q = np.quad("0.1")
        for other in [1, 2.5, np.int8(3), np.uint64(2**64 - 1), np.float32(0.5),
                      np.float64(0.1), np.longdouble(3), True]:
            assert type(q + other) is np.quad
            assert type(other * q) is np.quad
            result = np.add(np.array([q]), np.array([other]))
            assert result.dtype == np.quad
        assert bits_of(q + 0.1) == nearest(exact(q) + Fraction(0.1))

    @pytest.mark.parametrize("function, reference", [
        (np.floor, math.floor), (np.ceil, math.ceil), (np.trunc, math.trunc),
        (np.rint, round)])
    @given(finite_quads())
    def test_rounding_to_integers(self, function, reference, bits):
        value = decode(bits)
        expected = nearest(Fraction(reference(value)), negative=bool(bits >> 127))
        assert bits_of(function(np.array([quad_of(bits)]))[0]) == expected

    @given(a=finite_quads(), b=finite_quads())
    def test_floor_divide_and_remainder(self, a, b):
        x, y = decode(a), decode(b)
        assume(y != 0)
        with np.errstate(all="ignore"):
            quotient, remainder = np.divmod(
                np.array([quad_of(a)]), np.array([quad_of(b)]))
        with np.errstate(all="ignore"):
            expected = nearest(Fraction(math.floor(x / y)),
                               negative=(x / y) < 0 or (x == 0 and (a >> 127) != (b >> 127)))
        if abs(x / y) < 2 ** 100:
            assert bits_of(quotient[0]) == expected
        # the remainder is rounded once (x - n*y, sign of y, may need more bits)
        mod = x - math.floor(x / y) * y
        assert bits_of(remainder[0]) == nearest(mod, negative=bool(b >> 127))
        with np.errstate(all="ignore"):
            assert_equal(np.floor_divide(quad_of(a), quad_of(b)), quotient[0])
            assert_equal(np.remainder(quad_of(a), quad_of(b)), remainder[0])

    @VALGRIND_HAS_NO_FP_FLAGS
    def test_scalar_floor_divide_remainder_power_divmod(self):
        """//, %, ** and divmod of two scalars (or a scalar and a Python or
        NumPy number) have their own number methods, with the ufuncs' bits
        and np.errstate's warnings."""
        values = [np.quad(v) for v in ("7.3", "-7.3", "0.3", "-0.3", "0", "-0", "inf",
                                       "-inf", "nan", "1e4000", "3")]
        pairs = [(x, y) for x in values for y in values]
        with np.errstate(all="ignore"):
            for x, y in pairs:
                for scalar_op, ufunc in ((operator.floordiv, np.floor_divide),
                                         (operator.mod, np.remainder),
                                         (operator.pow, np.power)):
                    result = scalar_op(x, y)
                    assert type(result) is np.quad
                    assert bits_of(result) == bits_of(ufunc(np.array(x), np.array(y))[()])
                quotient, remainder = divmod(x, y)
                expected = np.divmod(np.array(x), np.array(y))
                assert type(quotient) is type(remainder) is np.quad
                assert bits_of(quotient) == bits_of(expected[0][()])
                assert bits_of(remainder) == bits_of(expected[1][()])
        # np.quad's own number methods, not np.floating's (through 0-d arrays)
        for method in ("__floordiv__", "__mod__", "__divmod__", "__pow__"):
            assert method in vars(np.quad), method
        assert np.quad(7) // 2 == 3 and 7 % np.quad(2) == 1 and 2 ** np.quad(10) == 1024
        assert divmod(np.quad("7.5"), np.float64(2)) == (3, np.quad("1.5"))
        with pytest.warns(RuntimeWarning, match="divide by zero"):
            np.quad(1) // np.quad(0)
        with np.errstate(divide="raise"), pytest.raises(FloatingPointError):
            divmod(np.quad(1), np.quad(0))
        with np.errstate(over="raise"), pytest.raises(FloatingPointError):
            np.quad(10) ** np.quad(5000)
        with pytest.raises(TypeError):
            pow(np.quad(2), np.quad(3), 5)

    @given(a=finite_quads(), b=finite_quads())
    def test_fmod_exact(self, a, b):
        x, y = decode(a), decode(b)
        assume(y != 0)
        result = np.fmod(np.array([quad_of(a)]), np.array([quad_of(b)]))[0]
        expected = x - math.trunc(x / y) * y
        assert exact(result) == expected
        assert bool(np.signbit(result)) == bool(a >> 127)

    def test_unary(self):
        values = np.array(["-2.5", "0", "-0", "3", "nan", "-inf"], dtype=np.quad)
        assert_array_equal(np.negative(values)[:4], np.array(["2.5", "-0", "0", "-3"], dtype=np.quad))
        assert_array_equal(np.absolute(values)[[0, 3, 5]],
                           np.array(["2.5", "3", "inf"], dtype=np.quad))
        assert_array_equal(np.sign(values)[[0, 1, 3, 5]], np.array([-1, 0, 1, -1], dtype=np.quad))
        assert np.isnan(np.sign(values)[4])
        assert_array_equal(np.square(values[:1]), np.array(["6.25"], dtype=np.quad))
        assert bits_of(np.reciprocal(np.array([3], dtype=np.quad))[0]) == nearest(Fraction(1, 3))
        assert_array_equal(np.isnan(values), [False] * 4 + [True, False])
        assert_array_equal(np.isinf(values), [False] * 5 + [True])
        assert_array_equal(np.isfinite(values), [True] * 4 + [False, False])
        assert_array_equal(np.signbit(values), [True, False, True, False, False, True])

    def test_copysign_nextafter_spacing(self):
        one = np.quad(1)
        assert exact(np.nextafter(one, np.quad(2))) == 1 + Fraction(1, 1 << 112)
        assert exact(np.nextafter(one, np.quad(0))) == 1 - Fraction(1, 1 << 113)
        assert exact(np.spacing(one)) == Fraction(1, 1 << 112)
        assert np.copysign(one, np.quad("-0")) == -1
        assert np.finfo(np.quad).eps == np.spacing(one)

    def test_maximum_minimum_nan(self):
        a = np.array(["1", "nan", "3"], dtype=np.quad)
        b = np.array(["2", "0", "nan"], dtype=np.quad)
        assert_array_equal(np.isnan(np.maximum(a, b)), [False, True, True])
        assert_array_equal(np.fmax(a, b), np.array(["2", "0", "3"], dtype=np.quad))
        assert_array_equal(np.fmin(a, b), np.array(["1", "0", "3"], dtype=np.quad))

    def test_comparisons(self):
        a = np.array(["0.1", "nan", "-0"], dtype=np.quad)
        b = np.array(["0.1", "nan", "0"], dtype=np.quad)
        assert_array_equal(a == b, [True, False, True])
        assert_array_equal(a != b, [False, True, False])
        assert_array_equal(a < np.quad(1), [True, False, True])
        # 0.1 as a double is not 0.1 as a quad
        assert not np.quad("0.1") == 0.1
        assert np.quad(0.1) == 0.1
        assert np.quad(2**100) == 2**100


class TestPromotionAndCasts:
    @pytest.mark.parametrize("other", [
        np.bool, np.int8, np.uint8, np.int16, np.uint16, np.int32, np.uint32,
        np.int64, np.uint64, np.float16, np.float32, np.float64, np.longdouble])
    def test_real_types_promote_to_quad(self, other):
        assert np.result_type(np.quad, other) == np.quad
        assert np.result_type(other, np.quad) == np.quad
        assert np.can_cast(other, np.quad)
        assert not np.can_cast(np.quad, other)

    @pytest.mark.parametrize("other", [np.complex64, np.complex128, np.clongdouble])
    def test_complex_has_no_common_type(self, other):
        with pytest.raises(TypeError):
            np.result_type(np.quad, other)
        with pytest.raises(TypeError):
            np.array([1], dtype=np.quad) + np.array([1j], dtype=other)

    def test_python_scalars_are_weak(self):
        assert (np.array([1], dtype=np.quad) + 1.5).dtype == np.quad
        assert (np.array([1], dtype=np.quad) * 3).dtype == np.quad

    @pytest.mark.parametrize("other", [np.quad, np.float64, np.int64, float])
    @pytest.mark.parametrize("dtype", [np.float64, np.float32, np.longdouble])
    def test_dtype_of_another_type_casts_the_inputs(self, other, dtype):
        """dtype= (or a signature's output) of another type computes in it,
        the quad inputs cast to it, as for long double."""
        q = np.array(["0.1", "2.5", "-3"], dtype=np.quad)
        x = np.array([3, 1, 2], dtype=other)
        expected = np.add(q.astype(dtype), x.astype(dtype))
        for result in (np.add(q, x, dtype=dtype), np.add(x, q, dtype=dtype),
                       np.add(q, x, signature=(None, None, dtype))):
            assert result.dtype == dtype
            assert_array_equal(result, expected)
        product = np.matmul(q[:, None], x[None, :], dtype=dtype)
        assert product.dtype == dtype
        assert_array_equal(product, np.multiply.outer(q.astype(dtype), x.astype(dtype)))

    def test_several_quad_inputs_with_others(self):
        """Every mix of quad and other inputs finds one promoter: clip with
        two quads and a float, quad with quad into a bool comparison."""
        q = np.array(["0.1", "2.5", "-3"], dtype=np.quad)
        low, high = np.quad("0.25"), np.quad(2)
        for result in (np.clip(q, low, 2.0), np.clip(q, 0.25, high), np.clip(q, low, high),
                       np.clip(q.astype(np.float64), low, high)):
            assert result.dtype == np.quad
            assert_array_equal(result, np.array(["0.25", "2", "0.25"], dtype=np.quad))
        assert np.less(q, q[::-1], dtype=bool).tolist() == [False, False, True]
        assert np.equal(q, np.float64(2.5)).tolist() == [False, True, False]
        assert np.divmod(q, 2.0)[0].dtype == np.quad

    def test_casting_levels(self):
        assert np.can_cast(np.quad, np.float64, "same_kind")
        assert not np.can_cast(np.quad, np.float64, "safe")
        assert not np.can_cast(np.quad, np.int64, "same_kind")
        assert np.can_cast(np.quad, np.int64, "unsafe")
        assert np.can_cast(np.quad, np.complex128, "same_kind")
        assert not np.can_cast(np.complex128, np.quad, "same_kind")

    @pytest.mark.parametrize("dtype, layout", [
        (np.float64, DOUBLE_FORMAT), (np.float32, SINGLE_FORMAT),
        (np.float16, HALF_FORMAT)])
    @given(bits=finite_quads())
    def test_cast_to_float_correctly_rounded(self, dtype, layout, bits):
        with np.errstate(all="ignore"):
            got = np.array([quad_of(bits)]).astype(dtype)
        uint = {8: np.uint64, 4: np.uint32, 2: np.uint16}[np.dtype(dtype).itemsize]
        expected = nearest(decode(bits), layout, negative=bool(bits >> 127))
        assert int(got.view(uint)[0]) == expected

    @VALGRIND_HAS_NO_X87
    @given(bits=finite_quads())
    def test_cast_to_longdouble_correctly_rounded(self, bits):
        with np.errstate(all="ignore"):
            got = np.array([quad_of(bits)]).astype(np.longdouble)[0]
        # an IEEE-like layout with long double's range and precision; x87
        # (64 significand bits, the leading one explicit) has the subnormal
        # scale of a 63-bit-fraction IEEE format
        info = np.finfo(np.longdouble)
        layout = (int(math.log2(info.maxexp)) + 1, info.nmant)
        expected = decode(nearest(decode(bits), layout,
                                  negative=bool(bits >> 127)), layout)
        if isinstance(expected, float):          # decode's +-inf
            assert np.isinf(got) and (got < 0) == (expected < 0)
        else:
            assert Fraction(*got.as_integer_ratio()) == expected

    def test_quad_to_float32_not_double_rounded(self):
        # 1 + 2**-24 + 2**-80 is just above the float32 midpoint 1 + 2**-24;
        # through a double it becomes the midpoint and rounds to even (1.0).
        value = np.array([1 + Fraction(1, 2**24) + Fraction(1, 2**80)], dtype=object)
        quad = value.astype(np.quad)
        assert quad.astype(np.float32)[0] == np.float32(1 + 2**-23)

    @VALGRIND_HAS_NO_X87
    def test_longdouble_converts_values(self):
        x87 = np.array([np.longdouble(1) / 3, np.longdouble("1e4000")])
        quad = x87.astype(np.quad)
        assert exact(quad[0]) == Fraction(*x87[0].as_integer_ratio())
        assert exact(quad[1]) == Fraction(*x87[1].as_integer_ratio())
        assert_array_equal(quad.astype(np.longdouble), x87)

    @given(st.integers(-2**63, 2**63 - 1))
    def test_int64_round_trip(self, value):
        array = np.array([value], dtype=np.int64)
        assert_array_equal(array.astype(np.quad).astype(np.int64), array)
        assert int(array.astype(np.quad)[0]) == value

    @pytest.mark.parametrize("dtype", np.typecodes["AllInteger"])
    def test_to_integers_as_float64_does(self, dtype):
        # truncation toward zero; narrow types wrap as a C cast does
        values = np.array([-1, 300.5, 2.5, -7.9, 127, 65535.25])
        with np.errstate(invalid="ignore"):
            expected = values.astype(dtype)
            got = values.astype(np.quad).astype(dtype)
        assert_array_equal(got, expected)

    @pytest.mark.parametrize("dtype", np.typecodes["AllInteger"])
    def test_from_integers_exact(self, dtype):
        info = np.iinfo(dtype)
        values = np.array([info.min, info.max, 0, 1, info.max // 3], dtype=dtype)
        assert [int(v) for v in values.astype(np.quad)] == [int(v) for v in values]

    def test_uint64_exact(self):
        array = np.array([2**64 - 1, 2**63 + 1], dtype=np.uint64)
        assert [int(v) for v in array.astype(np.quad)] == [2**64 - 1, 2**63 + 1]

    def test_complex_to_quad_warns(self):
        with pytest.warns(np.exceptions.ComplexWarning):
            np.array([1 + 2j]).astype(np.quad)

    def test_quad_to_complex(self):
        result = np.array(["0.5"], dtype=np.quad).astype(np.complex128)
        assert result[0] == 0.5 + 0j

    def test_bool(self):
        values = np.array([0, 2, "nan", "-0"], dtype=np.quad)
        assert_array_equal(values.astype(bool), [False, True, True, False])
        assert_array_equal(np.array([True, False]).astype(np.quad), [1, 0])

    def test_strings(self):
        values = np.array(["0.1", "-1e-4000", "inf"], dtype=np.quad)
        as_unicode = values.astype("U")
        assert_array_equal(as_unicode, ["0.1", "-1e-4000", "inf"])
        assert_array_equal(as_unicode.astype(np.quad), values)
        assert_array_equal(values.astype("S").astype(np.quad), values)
        with pytest.raises(ValueError, match="could not convert string to quad"):
            np.array(["x"]).astype(np.quad)

    def test_stringdtype(self):
        values = np.array(["0.1", "-1e-4000", "inf"], dtype=np.quad)
        as_strings = values.astype(np.dtypes.StringDType())
        assert as_strings.tolist() == ["0.1", "-1e-4000", "inf"]
        back = as_strings.astype(np.quad)
        assert [bits_of(v) for v in back] == [bits_of(v) for v in values]
        long_text = np.array(["0." + "3" * 60], dtype=np.dtypes.StringDType())
        assert bits_of(long_text.astype(np.quad)[0]) == nearest(Fraction("0." + "3" * 60))
        with pytest.raises(ValueError, match="could not convert string to quad"):
            np.array(["1.5x"], dtype=np.dtypes.StringDType()).astype(np.quad)

    # Texts the casts parse without a Python object, and texts they hand to
    # np.quad(text) (not numbers, non-ASCII, a NUL, over 127 characters,
    # overflow): both must give np.quad(text)'s value, error or warning.
    CAST_TEXTS = ["1.5", " -2_5.0e+1 ", "0.1", "1e-5000", "-0", "nan", "-inf",
                  "Infinity", "1e4933", "0." + "3" * 150, "9" * 40,
                  "abc", "1.5x", "", " ", "1\x002", "\u0661", "\xa01", "0x1p3"]

    @staticmethod
    def _quad_or_error(text):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                value = bits_of(np.quad(text))
            except ValueError as e:
                value = str(e)
        return value, [str(w.message) for w in caught]

    @pytest.mark.parametrize("text", CAST_TEXTS)
    @pytest.mark.parametrize("dtype", ["U160", ">U160", "S160", "T"])
    def test_string_casts_parse_as_np_quad_does(self, text, dtype):
        if dtype == "S160":
            text = text.encode()    # UTF-8: non-ASCII bytes are no number
        expected = self._quad_or_error(text)
        strings = np.array([text, "7" if dtype != "S160" else b"7"], dtype=dtype)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                cast = strings.astype(np.quad)
                got = bits_of(cast[0])
                assert cast[1] == 7
            except ValueError as e:
                got = str(e)
        assert (got, [str(w.message) for w in caught]) == expected

    @pytest.mark.parametrize("dtype", ["U", ">U50", "S", "S50", "U3", "S3", "T"])
    def test_string_casts_write_str(self, dtype):
        values = np.array(["0.1", "-1e-05", "1e+300", "-0.0", "inf", "nan",
                           np.quad(2) ** 0.5], dtype=np.quad)
        texts = [str(v) for v in values]
        size = int(dtype.lstrip("<>SUT") or 0)
        if size:
            texts = [t[:size] for t in texts]
        if "S" in dtype:
            texts = [t.encode() for t in texts]
        assert values.astype(dtype).tolist() == texts
        assert values.astype(">Y").astype(dtype).tolist() == texts

    def test_stringdtype_nan_stays_text(self):
        # as for float32 and long double: only float64's NaN, a Python
        # float, is StringDType's NaN missing value
        na = np.dtypes.StringDType(na_object=np.nan)
        strings = np.array(["1.5", "nan"], dtype=np.quad).astype(na)
        assert strings.tolist() == ["1.5", "nan"]
        assert strings.tolist() == np.array([1.5, "nan"], dtype=np.longdouble).astype(na).tolist()
        with pytest.raises(ValueError, match="missing data"):
            np.array(["1.5", None], dtype=np.dtypes.StringDType(na_object=None)).astype(np.quad)

    def test_byteswapped(self):
        values = np.array(["0.1", "-3"], dtype=np.quad)
        swapped = values.astype(">Y")
        assert swapped.dtype.str == ">Y"
        assert_array_equal(swapped, values)
        assert swapped[0] == values[0]
        assert_array_equal(swapped.byteswap().view("<Y"), values)

    def test_object(self):
        values = np.array([np.quad("0.1"), 2**100], dtype=object).astype(np.quad)
        assert bits_of(values[0]) == nearest(Fraction(1, 10))
        assert type(values.astype(object)[0]) is np.quad


class TestArrays:
    def test_creation(self):
        assert_array_equal(np.zeros(3, dtype=np.quad), [0, 0, 0])
        assert_array_equal(np.ones(2, dtype="Y"), [1, 1])
        assert np.empty(4, dtype=np.quad).dtype == np.quad
        full = np.full(3, np.quad("0.1"))
        assert full.dtype == np.quad
        assert all(bits_of(v) == nearest(Fraction(1, 10)) for v in full)
        assert_array_equal(np.arange(5, dtype=np.quad), [0, 1, 2, 3, 4])
        steps = np.arange(np.quad(0), np.quad(1), np.quad("0.1"))
        assert len(steps) == 10
        assert bits_of(steps[3]) == nearest(3 * exact(np.quad("0.1")))
        space = np.linspace(np.quad(0), np.quad(1), 4)
        assert space.dtype == np.quad
        assert bits_of(space[1]) == nearest(Fraction(1, 3))

    def test_sum_is_pairwise(self):
        # 2**17 copies of 0.1: summed in order, every addition rounds at the
        # scale of the growing total; pairwise, the error stays near one ulp
        tenth = np.quad("0.1")
        values = np.full(2**17, tenth)
        exact_sum = 2**17 * exact(tenth)
        ulp = Fraction(2) ** (exact_sum.numerator.bit_length()
                              - exact_sum.denominator.bit_length() - 112)
        pairwise_error = abs(exact(values.sum()) - exact_sum)
        sequential_error = abs(exact(np.cumsum(values)[-1]) - exact_sum)
        assert pairwise_error <= ulp
        assert sequential_error > 100 * ulp

    def test_reductions(self):
        values = np.array(["0.1", "0.2", "0.3", "-0.4"], dtype=np.quad)
        exact_values = [exact(v) for v in values]
        assert values.sum().dtype == np.quad
        assert bits_of(values.prod()) != 0
        assert values.max() == values[2]
        assert values.min() == values[3]
        assert values.argmax() == 2
        assert values.argmin() == 3
        assert values.mean().dtype == np.quad
        assert abs(exact(values.mean()) - sum(exact_values) / 4) < Fraction(1, 2**110)
        assert_array_equal(np.cumsum(values)[-1], values.sum())
        assert np.sum(np.array([], dtype=np.quad)) == 0
        assert np.prod(np.array([], dtype=np.quad)) == 1
        var = values.var()
        assert var.dtype == np.quad
        assert abs(exact(values.std()) ** 2 - exact(var)) < Fraction(1, 2**100)

    def test_argmax_nan_first(self):
        values = np.array(["1", "nan", "5", "nan"], dtype=np.quad)
        assert values.argmax() == 1
        assert values.argmin() == 1

    def test_sort_nans_last(self):
        values = np.array(["3", "nan", "-1", "inf", "-inf", "0"], dtype=np.quad)
        for kind in ["quicksort", "mergesort", "heapsort", "stable"]:
            result = np.sort(values, kind=kind)
            assert_array_equal(result[:5], np.array(["-inf", "-1", "0", "3", "inf"], dtype=np.quad))
            assert np.isnan(result[5])
        assert_array_equal(np.argsort(values)[:5], [4, 2, 5, 0, 3])
        assert np.searchsorted(np.sort(values), np.quad(2)) == 3

    def test_partition_and_unique(self):
        values = np.array(["3", "nan", "-1", "0.5", "-1", "nan"], dtype=np.quad)
        parted = np.partition(values, 2)
        assert_array_equal(parted[:2], np.array(["-1", "-1"], dtype=np.quad))
        assert parted[2] == np.quad("0.5")
        assert np.argpartition(values, 0)[0] in (2, 4)
        unique = np.unique(values)
        assert_array_equal(unique[:3], np.array(["-1", "0.5", "3"], dtype=np.quad))
        assert len(unique) == 4 and np.isnan(unique[3])
        assert len(np.unique(values, equal_nan=False)) == 5

    def test_fill_copy_byteswap(self):
        values = np.empty(3, dtype=np.quad)
        values.fill(np.quad("0.1"))
        assert all(bits_of(v) == nearest(Fraction(1, 10)) for v in values)
        copy = values.copy()
        copy[0] = 2
        assert bits_of(values[0]) == nearest(Fraction(1, 10))
        swapped = values.byteswap()
        assert swapped.tobytes()[:16] == values.tobytes()[:16][::-1]
        assert_array_equal(swapped.view(">Y"), values)

    def test_dot(self):
        a = np.array(["0.1", "0.2", "0.3"], dtype=np.quad)
        expected = sum(exact(x) * exact(y) for x, y in zip(a, a))
        assert abs(exact(np.dot(a, a)) - expected) < Fraction(1, 2**110)

    def test_nonzero_and_where(self):
        values = np.array(["0", "-0", "1e-4960", "nan"], dtype=np.quad)
        assert_array_equal(np.nonzero(values)[0], [2, 3])
        assert_array_equal(np.where(values == 0, np.quad(5), values)[:2], [5, 5])

    def test_take_put_concatenate_clip(self):
        values = np.array(["0.1", "0.2", "0.3"], dtype=np.quad)
        assert_array_equal(values.take([2, 0]), values[[2, 0]])
        copy = values.copy()
        copy.put([0], [np.quad(7)])
        assert copy[0] == 7
        joined = np.concatenate([values, values])
        assert joined.dtype == np.quad and len(joined) == 6
        clipped = np.clip(values, np.quad("0.15"), np.quad("0.25"))
        assert_array_equal(clipped, np.array(["0.15", "0.2", "0.25"], dtype=np.quad))


class TestFinfo:
    def test_values(self):
        info = np.finfo(np.quad)
        assert info.dtype == np.quad
        assert exact(info.eps) == Fraction(1, 2**112)
        assert exact(info.epsneg) == Fraction(1, 2**113)
        assert exact(info.tiny) == Fraction(1, 2**16382)
        assert exact(info.smallest_subnormal) == Fraction(1, 2**16494)
        assert exact(info.max) == (2 - Fraction(1, 2**112)) * 2**16383
        assert exact(info.min) == -exact(info.max)
        assert info.nmant == 112
        assert info.minexp == -16382
        assert info.maxexp == 16384
        assert info.precision == 33
        assert info.bits == 128
        assert bits_of(info.resolution) == nearest(Fraction(1, 10**33))

    def test_masked_arrays(self):
        import numpy.ma as ma
        values = ma.masked_array(np.array(["1", "2", "nan"], dtype=np.quad),
                                 mask=[False, False, True])
        assert values.sum() == 3
        assert values.dtype == np.quad


class TestPersistence:
    @pytest.mark.parametrize("protocol", range(2, pickle.HIGHEST_PROTOCOL + 1))
    def test_pickle(self, protocol):
        values = np.array(["0.1", "-inf", "1e-4960"], dtype=np.quad)
        for obj in [values, values.astype(">Y"), values[0], np.dtype(np.quad)]:
            loaded = pickle.loads(pickle.dumps(obj, protocol=protocol))
            assert_array_equal(loaded, obj)
            # arrays come back in native byte order, as for float64
            assert np.asarray(loaded).dtype.type is np.asarray(obj).dtype.type
        assert bits_of(pickle.loads(pickle.dumps(values[0], protocol))) == bits_of(values[0])

    def test_npy_header_is_native(self, tmp_path):
        values = np.array(["0.1", "nan"], dtype=np.quad)
        path = tmp_path / "quad.npy"
        np.save(path, values)
        header = path.read_bytes()[:128]
        assert b"'descr': '<Y'" in header
        loaded = np.load(path, allow_pickle=False)
        assert loaded.dtype == np.quad
        assert bits_of(loaded[0]) == bits_of(values[0])

    def test_text(self, tmp_path):
        text = "0.1, -2e-4000 ,inf, 1000.5"
        expected = np.array(["0.1", "-2e-4000", "inf", "1000.5"], dtype=np.quad)
        assert_array_equal(np.fromstring(text, dtype=np.quad, sep=","), expected)
        path = tmp_path / "quad.txt"
        path.write_text(text.replace(",", " ") + "\n")
        assert_array_equal(np.fromfile(path, dtype=np.quad, sep=" "), expected)
        path.write_text("0.1 2\n-3 " + "1" * 60 + "\n")
        loaded = np.loadtxt(path, dtype=np.quad)
        assert loaded.dtype == np.quad and loaded.shape == (2, 2)
        assert bits_of(loaded[1, 1]) == nearest(Fraction("1" * 60))
        expected[:2].tofile(path, sep=" ")          # str(q): every digit
        assert_array_equal(np.fromfile(path, dtype=np.quad, sep=" "), expected[:2])

    def test_tofile_fromfile_frombuffer(self, tmp_path):
        values = np.array(["0.1", "-2"], dtype=np.quad)
        path = tmp_path / "quad.bin"
        values.tofile(path)
        assert_array_equal(np.fromfile(path, dtype=np.quad), values)
        assert_array_equal(np.frombuffer(values.tobytes(), dtype=np.quad), values)


class TestExponentFunctions:
    @given(finite_quads(), st.integers(-40000, 40000))
    def test_ldexp_correctly_rounded(self, bits, exponent):
        with np.errstate(all="ignore"):
            result = np.ldexp(np.array([quad_of(bits)]), np.array([exponent]))[0]
        expected = nearest(decode(bits) * Fraction(2) ** exponent,
                           negative=bool(bits >> 127))
        assert bits_of(result) == expected

    def test_ldexp_exponent_types(self):
        one = np.array([1], dtype=np.quad)
        for exponent in [3, np.int8(3), np.array([3], dtype=np.int32),
                         np.array([3], dtype=np.uint16)]:
            assert np.ldexp(one, exponent)[0] == 8
        with pytest.raises(TypeError, match="integer exponent"):
            np.ldexp(one, 1.5)

    @given(finite_quads())
    def test_frexp_and_modf_exact(self, bits):
        value = quad_of(bits)
        mantissa, exponent = np.frexp(np.array([value]))
        assert exponent.dtype == np.intc
        assert exact(mantissa[0]) * Fraction(2) ** int(exponent[0]) == decode(bits)
        if decode(bits) != 0:
            assert Fraction(1, 2) <= abs(exact(mantissa[0])) < 1
        fraction, integral = np.modf(np.array([value]))
        assert exact(integral[0]) == math.trunc(decode(bits))
        assert exact(fraction[0]) + exact(integral[0]) == decode(bits)

    def test_integral_powers(self):
        base = np.array(["1.1", "-3", "0", "2"], dtype=np.quad)
        cubes = base ** 3
        for b, c in zip(base, cubes):
            assert bits_of(c) == nearest(exact(b) ** 3)
        assert bits_of(np.quad(10) ** -33) == nearest(Fraction(1, 10**33))
        assert bits_of(np.quad(2) ** -16494) == 1
        with np.errstate(divide="ignore"):
            assert np.power(np.quad(0), -1) == np.inf


class TestNumpyQuaddtypeIssues:
    """Each known problem of numpy-quaddtype 1.0 (reference/quad-anchors.md)."""

    def test_int_does_not_saturate(self):                      # quaddtype #97
        assert int(np.quad("1e30")) == 10**30
        assert int(np.quad(-(2**100))) == -(2**100)

    def test_matmul_and_vdot(self):                            # quaddtype #55
        a = np.array([["0.1", "0.2"], ["0.3", "0.4"]], dtype=np.quad)
        product = a @ a
        assert product.dtype == np.quad
        for i in range(2):
            for j in range(2):
                expected = sum(exact(a[i, k]) * exact(a[k, j]) for k in range(2))
                assert abs(exact(product[i, j]) - expected) < Fraction(1, 2**110)
        assert bits_of(np.vdot(a[0], a[0])) == bits_of(np.dot(a[0], a[0]))

    def test_einsum(self):                                     # quaddtype 1.0
        # numpy-quaddtype crashes on the first and gives zeros for the second
        a = np.array(["0.1", "0.2", "0.3"], dtype=np.quad)
        assert bits_of(np.einsum("i,i", a, a)) == bits_of(np.dot(a, a))
        m = np.array([["0.1", "0.2", "0.3"], ["0.4", "0.5", "0.6"]], dtype=np.quad)
        assert_array_equal(np.einsum("ij,j->i", m, a), m @ a)
        assert np.einsum("ij,j->i", m, a).dtype == np.quad

    def test_average_with_weights(self):                       # quaddtype #106
        values = np.array(["1", "2", "4"], dtype=np.quad)
        weights = np.array([1, 1, 2])
        result = np.average(values, weights=weights)
        assert result.dtype == np.quad
        assert result == np.quad("2.75")

    def test_histogram(self):                                  # PINT #71
        values = np.array(["0.1", "0.2", "0.25", "0.9"], dtype=np.quad)
        counts, edges = np.histogram(values, bins=2)
        assert_array_equal(counts, [3, 1])
        assert edges.dtype == np.quad

    def test_array_printing_keeps_every_digit(self):          # quaddtype #29
        third = np.array([np.quad(1) / np.quad(3)])
        digits = "0.3333333333333333333333333333333333"
        assert str(third) == "[0.33333333]"         # the default precision, 8
        with np.printoptions(floatmode="unique"):
            assert str(third) == f"[{digits}]"
        with np.printoptions(precision=40):
            assert str(third) == f"[{digits}]"
        with np.printoptions(precision=50, floatmode="fixed"):
            rounded = format(Decimal(exact_decimal(exact(third[0]))), ".50f")
            assert str(third) == f"[{rounded}]"
        assert repr(np.array([np.quad("1e-4000")])) == "array([1.e-4000], dtype=quad)"

    def test_view_as_words(self):                              # quaddtype #54
        words = np.array([np.quad(1)]).view(np.uint64)
        assert int(words[0]) | int(words[1]) << 64 == 0x3fff << 112

    def test_place(self):                                      # quaddtype #7
        values = np.zeros(4, dtype=np.quad)
        np.place(values, [True, False, True, False], [np.quad("0.1")])
        assert bits_of(values[2]) == nearest(Fraction(1, 10))
        assert values[1] == 0

    def test_scalar_byteswap(self):                            # quaddtype #13
        swapped = np.quad(1).byteswap()
        assert np.array(swapped).tobytes() == np.array(np.quad(1)).tobytes()[::-1]

    def test_no_promoter_leakage(self):                        # quaddtype #57
        floats = np.array([0.0, 1.0])
        assert np.logical_or.reduce(floats).dtype == np.bool
        assert (floats + floats).dtype == np.float64
        assert np.maximum.reduce(floats) == 1.0

    def test_no_spurious_cast_warnings(self):                  # quaddtype #25
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            values = np.linspace(np.quad(-3), np.quad(3), 61)
            for dtype in [np.float16, np.float32, np.float64, np.longdouble]:
                values.astype(dtype)


class TestTypedSort:
    """quad_sort.c: (key, index) records sorted by introsort or merge sort."""

    KINDS = ["quicksort", "heapsort", "stable", "mergesort"]

    @pytest.mark.parametrize("n", [0, 1, 2, 15, 16, 17, 100, 5000])
    def test_matches_float64_order(self, n):
        # random values, many duplicates, the extremes of the range
        rng = np.random.default_rng(n)
        x = np.round(rng.standard_normal(n) * 4, 1)
        q = x.astype(np.quad)
        q[::7] = np.quad("1e4000") * np.where(np.arange(0, n, 7) % 2, 1, -1)
        x[::7] = np.where(np.arange(0, n, 7) % 2, np.inf, -np.inf)
        for kind in self.KINDS:
            with np.errstate(over="ignore"):    # +-1e4000 become +-inf
                assert_array_equal(np.sort(q, kind=kind).astype(float),
                                   np.sort(x, kind=kind))
                # the stable kind's indices are unique: float64's
                order = np.argsort(q, kind=kind)
                assert_array_equal(q[order].astype(float), np.sort(x))
            if kind in ("stable", "mergesort"):
                assert_array_equal(order, np.argsort(x, kind="stable"))

    def test_nans_last_with_their_payloads(self):
        # a NaN with its sign bit set (x86's default NaN) goes last too
        payloads = [0x7fff8000000000000000000000000001,
                    0xffff8000000000000000000000000002,
                    0x7fff0000000000000000000000000003]
        values = np.array([quad_of(payloads[0]), np.quad(2), quad_of(payloads[1]),
                           np.quad(-1), quad_of(payloads[2])])
        for kind in self.KINDS:
            result = np.sort(values, kind=kind)
            assert_array_equal(result[:2], np.array([-1, 2], dtype=np.quad))
            kept = sorted(bits_of(v) for v in result[2:])
            assert kept == sorted(payloads)
        assert_array_equal(np.argsort(values, kind="stable"), [3, 1, 0, 2, 4])

    def test_signed_zeros_are_equal(self):
        values = np.array(["0", "-0", "-1", "0", "-0"], dtype=np.quad)
        result = np.sort(values, kind="stable")
        signs = [np.signbit(v) for v in result[1:]]
        assert signs == [False, True, False, True]   # the original order
        assert_array_equal(np.argsort(values, kind="stable"), [2, 0, 1, 3, 4])

    def test_axes_layouts_and_byte_order(self):
        rng = np.random.default_rng(3)
        q = rng.standard_normal((6, 40)).astype(np.quad)
        for axis in (0, 1, -1, None):
            expected = np.sort(q.astype(float), axis=axis)
            assert_array_equal(np.sort(q, axis=axis).astype(float), expected)
            assert_array_equal(np.sort(q.astype(">Y"), axis=axis).astype(float), expected)
            assert_array_equal(np.sort(q[:, ::-3], axis=axis).astype(float),
                               np.sort(q[:, ::-3].astype(float), axis=axis))
        in_place = q.copy()
        in_place.sort(axis=0)
        assert_array_equal(in_place, np.sort(q, axis=0))

    @pytest.mark.parametrize("kth", [0, 7, [3, 50], [0, 99, 40, 41], -1])
    def test_partition_and_argpartition(self, kth):
        rng = np.random.default_rng(6)
        q = np.round(rng.standard_normal(100) * 3).astype(np.quad)
        q[[5, 60]] = np.nan
        q[[6, 61]] = np.array(["-0", "0"], dtype=np.quad)
        expected = np.sort(q)
        for result in (np.partition(q, kth), q[np.argpartition(q, kth)]):
            for k in np.atleast_1d(kth):
                assert bits_of(result[k]) == bits_of(expected[k]) or result[k] == expected[k]
                below, above = result[:k], result[k + 1:] if k != -1 else result[:0]
                assert (below <= result[k]).all() or np.isnan(result[k])
                assert ((above >= result[k]) | np.isnan(above)).all()
        assert_array_equal(np.sort(np.partition(q, kth)), expected)

    def test_searchsorted(self):
        sorted_values = np.array(["-inf", "-1", "0", "0", "0.5", "inf", "nan"], dtype=np.quad)
        keys = np.array(["0", "-0", "0.25", "nan", "-2", "inf", "1e4000"], dtype=np.quad)
        assert_array_equal(np.searchsorted(sorted_values, keys), [2, 2, 4, 6, 1, 5, 5])
        assert_array_equal(np.searchsorted(sorted_values, keys, side="right"),
                           [4, 4, 4, 7, 1, 6, 5])
        shuffled = sorted_values[::-1].copy()
        sorter = np.argsort(shuffled)
        assert_array_equal(np.searchsorted(shuffled, keys, sorter=sorter),
                           [2, 2, 4, 6, 1, 5, 5])
        with pytest.raises(ValueError, match="Sorter index out of range"):
            np.searchsorted(shuffled, keys, sorter=sorter + 10)
        rng = np.random.default_rng(7)
        many = np.sort(rng.standard_normal(1000))
        probes = rng.standard_normal(300)
        for side in ("left", "right"):
            assert_array_equal(np.searchsorted(many.astype(np.quad), probes.astype(np.quad),
                                               side=side),
                               np.searchsorted(many, probes, side=side))

    def test_lexsort_and_unique(self):
        first = np.array([2, 1, 2, 1, 0], dtype=np.quad)
        second = np.array(["0.5", "0.25", "0.25", "0.5", "9"], dtype=np.quad)
        # the last key is the primary one
        assert_array_equal(np.lexsort((second, first)), [4, 1, 3, 2, 0])
        values = np.array(["0.1", "0.3", "0.1", "nan", "-0", "0"], dtype=np.quad)
        unique, counts = np.unique(values, return_counts=True)
        assert_array_equal(unique[:3], np.array(["0", "0.1", "0.3"], dtype=np.quad))
        assert_array_equal(counts, [2, 2, 1, 1])


def full_precision(rng, shape):
    """Quads near 1 with all 113 significand bits used."""
    coarse = np.array(rng.uniform(0.5, 2, shape), dtype=np.quad)
    return coarse * (1 + np.array(rng.uniform(-1, 1, shape), dtype=np.quad) * np.quad(2) ** -60)


def chained_sum_of_products(a, b):
    """The bits of the sum of products a[k] * b[k] of finite quads, from
    exact rationals: product k added to chain k % 8 and rounded once (a fused
    multiply-add), then the chains added pairwise, as NumPy's sum adds its
    eight accumulators: ((0 + 1) + (2 + 3)) + ((4 + 5) + (6 + 7))."""
    chains = [Fraction(0)] * 8
    for k, (x, y) in enumerate(zip(a, b)):
        chains[k % 8] = decode(nearest(chains[k % 8] + exact(x) * exact(y)))
    while len(chains) > 1:
        chains = [decode(nearest(x + y)) for x, y in zip(chains[::2], chains[1::2])]
    return nearest(chains[0])


class TestProducts:
    """matmul, the gufuncs vecdot, matvec and vecmat, and einsum: each sum of
    products rounds once per step (a fused multiply-add), as np.dot does."""

    @pytest.mark.parametrize("n", [0, 1, 2, 7, 8, 9, 16, 23, 37])
    def test_every_sum_of_products_in_eight_chains(self, n):
        """np.dot, matmul, vecdot, matvec, vecmat and einsum's "k,k" give the
        bits of chained_sum_of_products, on every dispatch target: AVX-512
        steps the eight chains at once, the others one product at a time."""
        rng = np.random.default_rng(n)
        a = full_precision(rng, (3, n)) * rng.choice([-1, 1], (3, n))
        b = full_precision(rng, (n, 10)) * rng.choice([-1, 1], (n, 10))
        expected = [[chained_sum_of_products(a[i], b[:, j]) for j in range(10)]
                    for i in range(3)]
        for result in (np.dot(a, b), a @ b, np.asfortranarray(a) @ b,
                       np.matvec(b.T, a), np.vecmat(a, b),
                       np.vecdot(a[:, None, :], b.T)):
            assert [[bits_of(v) for v in row] for row in result] == expected
        # fewer than eight outputs a row: one dot each
        assert [[bits_of(v) for v in row] for row in a @ b[:, :5]] == [
            row[:5] for row in expected]
        for i, j in ((0, 0), (1, 4), (2, 9)):
            assert bits_of(np.dot(a[i], b[:, j])) == expected[i][j]
            assert bits_of(np.einsum("k,k", a[i], b[:, j])) == expected[i][j]
            assert bits_of(np.vdot(a[i], b[:, j])) == expected[i][j]

    def test_quad_precision_beyond_float64(self):
        # 1 + 2**-100 - 1 is 2**-100 in quad, 0 in float64
        x = np.array([1, 2.0**-100, -1], dtype=np.quad)
        ones = np.ones(3, dtype=np.quad)
        tiny = np.quad(2) ** -100
        for result in (np.vecdot(x, ones), np.linalg.vecdot(x, ones),
                       np.einsum("i,i", x, ones), np.einsum("i->", x),
                       np.matvec(x[None], ones)[0], np.vecmat(x, ones[:, None])[0],
                       x @ ones):
            assert type(result) is np.quad and result == tiny

    def test_exact_to_a_rounding_per_step(self):
        rng = np.random.default_rng(5)
        a = (np.array(rng.random((4, 30)), dtype=np.quad) / 7).astype(np.quad)
        v = np.array(rng.random(30), dtype=np.quad) / 3
        exact_rows = [sum(exact(a[i, k]) * exact(v[k]) for k in range(30))
                      for i in range(4)]
        for result in (np.matvec(a, v), np.vecdot(a, v), np.vecmat(v, a.T),
                       np.einsum("ij,j->i", a, v), a @ v):
            assert result.dtype == np.quad
            for got, expected in zip(result, exact_rows):
                # positive terms: at most one rounding per step
                assert abs(exact(got) - expected) <= 30 * expected / 2**112

    def test_fma_lanes_match_dot(self):
        """matmul, matvec and vecmat step eight outputs at a time through
        quad_arith.dispatch.c's vector fused multiply-add; every output has
        np.dot's bits, with special operands, cancellations deep enough to
        lose every leading bit, underflow and overflow among the lanes."""
        rng = np.random.default_rng(14)
        a = full_precision(rng, (6, 37))
        b = full_precision(rng, (37, 29))
        # ones * ones rounded, then ones * -ones exactly added in the same
        # chain (k and k + 8): what is left is the first product's rounding
        # error, 2**-224 (226 bits cancel)
        ones = quad_of((0x3fff << 112) | ((1 << 112) - 1))
        a[0, [0, 8]] = [ones, ones]
        b[:, 3] = 0
        b[[0, 8], 3] = [ones, -ones]
        a[1, 4] = np.quad("1e4000")
        b[4, 5] = np.quad("1e4000")           # overflow in (1, 5)
        a[2, 6] = np.quad("1e-4000")
        b[6, 7] = np.quad("1e-900")           # underflow to a subnormal product
        for i, j, special in ((3, 8, "nan"), (4, 9, "inf"), (5, 10, "-0"), (2, 11, "1e-4940")):
            a[i, j] = np.quad(special)
            b[j, j] = np.quad(special)
        b[:, 12] = 0
        with np.errstate(all="ignore"):
            assert (a @ b)[0, 3] == -np.quad(2) ** -224
            expected = [[bits_of(np.dot(a[i], b[:, j])) for j in range(29)] for i in range(6)]
            assert [[bits_of(v) for v in row] for row in a @ b] == expected
            assert [[bits_of(v) for v in row] for row in np.matvec(b.T, a)] == expected
            assert [[bits_of(v) for v in row] for row in np.vecmat(a, b)] == expected
            # strided outputs and columns (the same order along k)
            reversed_columns = np.asfortranarray(a) @ b[:, ::-1]
            assert [[bits_of(v) for v in row[::-1]] for row in reversed_columns] == expected

    def test_stacks_broadcast_and_mixed_types(self):
        a = np.arange(24, dtype=np.quad).reshape(2, 3, 4)
        v = np.arange(4)
        assert_array_equal(np.matvec(a, v), np.matvec(a.astype(float), v))
        assert np.matvec(a, v).dtype == np.quad
        assert_array_equal(np.vecmat(v[:3], a), np.vecmat(v[:3], a.astype(float)))
        halves = np.full(4, 1.5)
        assert_array_equal(np.vecdot(a, halves), np.vecdot(a.astype(float), halves))
        assert np.vecdot(np.arange(3.0), a[0, :, 0]).dtype == np.quad
        assert_array_equal(np.einsum("kij,j->ki", a, v),
                           np.einsum("kij,j->ki", a.astype(float), v))
        assert_array_equal(np.einsum("ij,jk", a[0], a[1].T, optimize=True),
                           a[0] @ a[1].T)
        assert_array_equal(np.einsum("i,i,i", v, a[0, 0], a[1, 0]),
                           np.sum(v * a[0, 0] * a[1, 0]))
        assert_array_equal(np.einsum("ijk->kj", a), a.sum(axis=0).T)

    def test_empty_and_strided(self):
        empty = np.zeros((3, 0), dtype=np.quad)
        assert_array_equal(np.matvec(empty, np.zeros(0, np.quad)), np.zeros(3))
        assert np.vecdot(np.zeros(0, np.quad), np.zeros(0, np.quad)) == 0
        a = np.arange(40, dtype=np.quad).reshape(8, 5)
        assert_array_equal(np.vecdot(a[::2, ::-2], a[1::2, ::2]),
                           np.vecdot(a[::2, ::-2].astype(float),
                                     a[1::2, ::2].astype(float)))



def exact_products(a, b):
    """The exact sums of products of a @ b, as Fractions (rows of lists)."""
    A = [[exact(x) for x in row] for row in a]
    B = [[exact(x) for x in column] for column in b.T]
    return [[sum(x * y for x, y in zip(row, column)) for column in B] for row in A]


class TestMatmulOnTheBlas:
    """matmul of 16 or more rows, columns and products goes through the
    float64 BLAS (quad_matmul_blas.c): each entry the exact sum of its
    products correctly rounded, where the dot products round once a step."""

    @pytest.mark.parametrize("m, k, n", [(16, 16, 16), (20, 33, 17), (17, 300, 19)])
    def test_every_entry_correctly_rounded(self, m, k, n):
        """Rows and columns scaled up to 2**+-300 apart, random signs (so
        sums cancel), and k beyond one dgemm block (256)."""
        rng = np.random.default_rng(m + k + n)
        a = full_precision(rng, (m, k)) * rng.choice([-1, 1], (m, k))
        b = full_precision(rng, (k, n)) * rng.choice([-1, 1], (k, n))
        a *= np.quad(2) ** rng.integers(-300, 300, (m, 1))
        b *= np.quad(2) ** rng.integers(-300, 300, (1, n))
        result = a @ b
        expected = exact_products(a, b)
        assert [[bits_of(v) for v in row] for row in result] == [
            [nearest(x) for x in row] for row in expected]
        # and more accurate than the chains of the dot products
        assert [[bits_of(v) for v in row] for row in np.dot(a, b)] != [
            [nearest(x) for x in row] for row in expected]

    def test_strides_and_orders_give_the_same_bits(self):
        rng = np.random.default_rng(1)
        a = full_precision(rng, (24, 40)) * rng.choice([-1, 1], (24, 40))
        b = full_precision(rng, (40, 18))
        expected = (a @ b).tobytes()
        assert (np.asfortranarray(a) @ np.asfortranarray(b)).tobytes() == expected
        assert np.ascontiguousarray((b.T @ a.T).T).tobytes() == expected
        assert (a[:, ::-1] @ b[::-1]).tobytes() == expected
        out = np.zeros((18, 24), dtype=np.quad).T
        np.matmul(a, b, out=out)
        assert np.ascontiguousarray(out).tobytes() == expected
        stack = np.stack([a, -a])
        assert (stack @ b)[1].tobytes() == (-(a @ b)).tobytes()

    def test_what_it_declines_the_dot_products_compute(self):
        """Entries that are not finite, or a row spanning more bits than
        eight slices hold: the dot products' bits."""
        rng = np.random.default_rng(2)
        a = full_precision(rng, (16, 16))
        b = full_precision(rng, (16, 16))
        for i, j, value in ((3, 4, "inf"), (5, 6, "nan"), (7, 0, "1e-60")):
            declined = a.copy()
            declined[i, j] = np.quad(value)
            with np.errstate(invalid="ignore"):
                assert (declined @ b).tobytes() == np.dot(declined, b).tobytes()
        small = a[:15]
        assert (small @ b).tobytes() == np.dot(small, b).tobytes()

    def test_zeros_and_subnormals(self):
        rng = np.random.default_rng(3)
        a = full_precision(rng, (16, 16))
        b = full_precision(rng, (16, 16))
        zero = np.zeros((16, 16), dtype=np.quad)
        assert (zero @ b == 0).all() and not np.signbit(zero @ b).any()
        a[3] = 0
        assert ((a @ b)[3] == 0).all()
        tiny = np.ones((16, 16), dtype=np.quad) * np.quad(2) ** -8000
        tiny[0, 0] = np.quad(2) ** -7990 * 3
        result = tiny @ tiny
        exact_result = exact_products(tiny, tiny)
        assert [[bits_of(v) for v in row] for row in result] == [
            [nearest(x) for x in row] for row in exact_result]
        assert result[1, 1] == 16 * np.quad(2) ** -16000

    @VALGRIND_HAS_NO_FP_FLAGS
    def test_overflow_warns(self):
        huge = full_precision(np.random.default_rng(3), (16, 16)) * np.quad("1e4000")
        with pytest.warns(RuntimeWarning, match="overflow"):
            assert np.isinf(huge @ huge).all()


class TestNaNs:
    PAYLOAD_A = 0x7fff8000000000000000000000000123
    PAYLOAD_B = 0xffff8000000000000000000000000456
    SIGNALING = 0x7fff0000000000000000000000000789

    @pytest.mark.parametrize("operation", [operator.add, operator.sub,
                                           operator.mul, operator.truediv])
    def test_first_nan_operand_propagates(self, operation):
        a, b = quad_of(self.PAYLOAD_A), quad_of(self.PAYLOAD_B)
        assert bits_of(operation(a, b)) == self.PAYLOAD_A
        assert bits_of(operation(b, a)) == self.PAYLOAD_B
        assert bits_of(operation(np.quad(1), b)) == self.PAYLOAD_B
        arrays = operation(np.array([a, np.quad(2)]), np.array([np.quad(3), b]))
        assert [bits_of(v) for v in arrays] == [self.PAYLOAD_A, self.PAYLOAD_B]

    @VALGRIND_HAS_NO_FP_FLAGS
    def test_signaling_nan_is_quieted_with_invalid(self):
        signaling = np.array([quad_of(self.SIGNALING)])
        with np.errstate(invalid="raise"):
            with pytest.raises(FloatingPointError, match="invalid"):
                signaling + np.quad(1)
        with np.errstate(invalid="ignore"):
            result = signaling + np.quad(1)
        assert bits_of(result[0]) == self.SIGNALING | (1 << 111)

    def test_payload_survives_casts_and_copies(self):
        values = np.array([quad_of(self.PAYLOAD_A)])
        assert bits_of(values.astype(">Y").astype(np.quad)[0]) == self.PAYLOAD_A
        assert bits_of(np.negative(values)[0]) == self.PAYLOAD_A ^ (1 << 127)
        assert bits_of(pickle.loads(pickle.dumps(values))[0]) == self.PAYLOAD_A


def outcome(operation):
    """What an operation gives: its values (NaN as the string "nan", so that
    outcomes compare equal), or the type of what it raises."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            result = operation()
    except Exception as error:  # noqa: BLE001 - the type is the outcome
        return type(error)
    values = np.asarray(result).astype(object).ravel().tolist()
    return ["nan" if v != v else float(v) if not isinstance(v, (bool, np.bool))
            else bool(v) for v in values]


class TestReliability:
    """Bad or extreme input gives float64's answer or a clear error
    (issue 11): each test failed before its fix."""

    @pytest.mark.parametrize("text", ["a", "10.0", b"10.0"])
    def test_strings_have_no_arithmetic_or_order_with_quad(self, text):
        quad, double = np.array([10.0], np.quad), np.array([10.0])
        other = np.array([text])
        for operation in (np.add, np.less, np.equal, np.not_equal):
            assert outcome(lambda: operation(quad, other)) == outcome(
                lambda: operation(double, other)), operation
        assert outcome(lambda: quad + text) == outcome(lambda: double + text)
        assert (quad == other).tolist() == [False]
        assert outcome(lambda: np.quad(10) == text) == outcome(
            lambda: np.float64(10) == text) == [False]
        assert np.isin(quad, [text]).tolist() == np.isin(double, [text]).tolist()

    def test_nonzero_of_the_other_byte_order(self):
        values = np.array(["-0.0", "1e-4940", "0", "1", "-2"], dtype=np.quad)
        swapped = values.astype(">Y" if sys.byteorder == "little" else "<Y")
        assert np.count_nonzero(swapped) == 3
        assert np.nonzero(swapped)[0].tolist() == [1, 3, 4]
        assert swapped.astype(bool).tolist() == [False, True, False, True, True]

    @VALGRIND_HAS_NO_FP_FLAGS
    @pytest.mark.parametrize("target", ["b", "B", "h", "H", "i", "I", "l", "L"])
    def test_integer_casts_behave_like_float64s(self, target):
        values = [3e9, -3e9, 300.0, -300.0, 70000.0, 2.0**31, -2.0**31,
                  2.0**32, 2.0**63, -2.0**63, 2.0**64, 1e20, -1.5, -0.5,
                  65535.9, np.nan, np.inf, -np.inf]
        for value in values:
            quad = np.array([value], np.quad)
            double = np.array([value])
            assert outcome(lambda: quad.astype(target)) == outcome(
                lambda: double.astype(target)), (target, value)
        # beyond the intermediate int32 or int64
        too_large = 3e9 if target in "bBhHi" else 1e20
        with np.errstate(invalid="raise"), pytest.raises(FloatingPointError):
            np.array([too_large], np.quad).astype(target)

    def test_construction_overflow(self):
        for value in [2**20000, -(10**5000), Fraction(10**5000, 3)]:
            with pytest.raises(OverflowError):
                np.quad(value)
        with pytest.raises(OverflowError):
            np.array([10**5000], dtype=np.quad)
        with pytest.warns(RuntimeWarning, match="overflow"):
            assert np.quad("1e5000") == np.inf
        with pytest.warns(RuntimeWarning, match="overflow"):
            assert np.quad("-1e5000") == -np.inf
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert np.quad("inf") == np.inf
            assert np.quad(2**16383) == np.quad(2) ** 16383

    @pytest.mark.parametrize("value, other", [
        ("0.1", 0.1), ("1", 1), ("1", 1.0), ("1e60", 10**60), ("0.25", Fraction(1, 4)),
        ("0.5", Decimal("0.5")), ("nan", 10**60), ("0.5", np.float64(0.5)),
    ])
    def test_comparisons_give_the_types_float64_gives(self, value, other):
        for op in (operator.eq, operator.ne, operator.lt, operator.ge):
            assert type(op(np.quad(value), other)) is type(op(np.float64(value), other))

    def test_comparisons_with_python_numbers_are_exact(self):
        q = np.quad
        assert q("0.25") == Fraction(1, 4)
        assert q("0.1") > Fraction(1, 10)
        assert Fraction(1, 10) < q("0.1")
        assert q("0.1") != Decimal("0.1") and q("0.1") > Decimal("0.1")
        assert q("0.5") == Decimal("0.5")
        assert not q(2**113) == 2**113 + 1
        assert q(2**113) < 2**113 + 1
        assert q(2**113) == 2**113
        assert not q("1e300") == 10**300
        assert q("inf") > 10**5000
        assert q("-inf") < -(10**5000)
        assert not q("nan") == 10**5000 and q("nan") != 10**5000
        assert q("inf") == Decimal("inf")
        assert q("0.25") in {Fraction(1, 4)}
        assert 2**113 + 1 > q(2**113)

    def test_as_integer_ratio_with_a_negative_denominator(self):
        class Ratio:
            def __init__(self, num, den):
                self.pair = (num, den)

            def as_integer_ratio(self):
                return self.pair

        assert np.quad(Ratio(1, -2)) == -0.5
        assert np.quad(Ratio(-3, -4)) == 0.75
        with pytest.raises(ZeroDivisionError):
            np.quad(Ratio(1, 0))

    @pytest.mark.parametrize("use", [
        lambda number: np.quad(number) == 0.5,
        lambda number: np.quad("0.5") == number,
    ], ids=["construct", "compare"])
    def test_each_new_ratio_class_leaves_no_memory_behind(self, use):
        # A lookup by a name string made per call leaves that string in
        # CPython's method cache, one slot per class, up to 4096 of them
        def with_new_classes(count):
            for _ in range(count):
                ratio = type("Ratio", (), {"as_integer_ratio": lambda s: (1, 2)})
                assert use(ratio())

        with_new_classes(100)
        gc.collect()
        before = sys.getallocatedblocks()
        with_new_classes(1000)
        gc.collect()
        assert sys.getallocatedblocks() - before < 200

    @pytest.mark.parametrize("make", [
        lambda t: t(None),
        lambda t: np.array([None], t),
        lambda t: t(np.complex128(1.5 + 2j)),
        lambda t: t(np.complex64(-2 + 1j)),
        lambda t: t(1 + 2j),
        lambda t: t(np.timedelta64(5, "s")),
        lambda t: t(np.datetime64(7, "D")),
        lambda t: t(np.timedelta64("NaT")),
        lambda t: np.fromstring("1_0", t, sep=" "),
        lambda t: np.fromstring("1 2.5 -3e2", t, sep=" "),
    ])
    def test_construction_matches_float64(self, make):
        assert outcome(lambda: make(np.quad)) == outcome(lambda: make(np.float64))

    def test_complex_scalars_warn(self):
        with pytest.warns(np.exceptions.ComplexWarning):
            assert np.quad(np.complex128(1.5 + 2j)) == 1.5

    @pytest.mark.parametrize("spec", ["#.3g", "#g", "#.0f", "#.0e", "#10.2g",
                                      "_", ",", "_.2f", "+_.1f", "x<#12.3g",
                                      "#012.3g", "0=+12.4g", ".3g", "e", "%",
                                      "G", ".2", "z.1f"])
    @pytest.mark.parametrize("value", [1.5, 1234567.5, -0.000123456,
                                       100.0, 0.0, -0.0, 1e22, -2.5e-7])
    def test_format_specs_as_float(self, spec, value):
        quad = np.quad(value)
        if not re.search(r"[eEfFgG%]$", spec):
            # with no type, float writes its shortest digits, a quad its own:
            # -0.000123456 as a double is not that decimal, but as text it is
            quad = np.quad(repr(value))
        expected = format(value, spec)
        if spec == "%":
            # float multiplies by 100 in double (1e22 -> ...83222784%)
            expected = format(DECIMAL_EXACT.multiply(Decimal(value), 100), ".6f") + "%"
        assert format(quad, spec) == expected

    def test_any_number_of_digits(self):
        """Beyond CPython's 4300-digit limit for int(), and near halfway
        points where every digit decides (the slow path)."""
        def expected(text):
            return nearest(Fraction(Decimal(text)))

        long_third = "0." + "3" * 5000
        assert bits_of(np.quad(long_third)) == expected(long_third)
        assert bits_of(np.array([long_third]).astype(np.quad)[0]) == expected(long_third)
        assert bits_of(np.fromstring(long_third + " 1", np.quad, sep=" ")[0]) \
            == expected(long_third)
        # halfway between two quads near 2**-300: the exact decimal has
        # about 300 significant digits
        low = Fraction(2**112 + 12345, 2**412)
        half_ulp = Fraction(1, 2**413)
        midpoint = exact_decimal(low + half_ulp)
        assert bits_of(np.quad(midpoint)) == nearest(low + half_ulp)
        above = midpoint + "0" * 6000 + "1"
        below = format(DECIMAL_EXACT.subtract(Decimal(midpoint), Decimal("1e-6500")), "f")
        assert bits_of(np.quad(above)) == nearest(low + 2 * half_ulp)
        assert bits_of(np.quad(below)) == nearest(low)


def _quads():
    return np.array(["0.1", "2", "-3.5"], dtype=np.quad)


# (feature, call on quad data, what to expect: a checker of the result, or
# the exception class a clear refusal raises)
FORK_FEATURES = [
    ("kurtosis", lambda q: np.arange(6, dtype=np.quad).kurtosis(),
     lambda r: isinstance(r, np.quad) and abs(r + np.quad("1.268571428571428571428571428571428")) < 1e-30),
    ("ma.mean", lambda q: np.ma.masked_array(q, [0, 1, 0]).mean(),
     lambda r: isinstance(r, np.quad) and r == (np.quad("0.1") + np.quad("-3.5")) / 2),
    ("ma.kurtosis", lambda q: np.ma.masked_array(np.arange(6, dtype=np.quad), [0, 1, 0, 0, 0, 0]).kurtosis(),
     lambda r: isinstance(r, np.quad)
     and r == np.array([0, 2, 3, 4, 5], dtype=np.quad).kurtosis()),
    ("ma.exp", lambda q: np.ma.exp(np.ma.masked_array(q, [0, 1, 0])),
     lambda r: r.dtype == np.quad and r[0] == np.exp(np.quad("0.1")) and r.mask[1]),
    ("testing.assert_allclose", lambda q: np.testing.assert_allclose(q, q + np.quad("1e-30")),
     lambda r: r is None),
    ("testing.assert_array_almost_equal_nulp",
     lambda q: np.testing.assert_array_almost_equal_nulp(q, q), lambda r: r is None),
    ("testing.assert_array_max_ulp", lambda q: np.testing.assert_array_max_ulp(q, q),
     ValueError),   # np.testing's own refusal of types it has no integer view of
    ("recfunctions.structured_to_unstructured",
     lambda q: np.lib.recfunctions.structured_to_unstructured(
         np.array([(q[0], q[1])], dtype=[("a", np.quad), ("b", np.quad)])),
     lambda r: r.dtype == np.quad and r[0, 0] == np.quad("0.1")),
    ("recfunctions.append_fields",
     lambda q: np.lib.recfunctions.append_fields(
         np.array([(1,)], dtype=[("a", int)]), "q", q[:1], usemask=False),
     lambda r: r["q"].dtype == np.quad and r["q"][0] == np.quad("0.1")),
    ("char.str_len", lambda q: np.char.str_len(q), TypeError),
    ("strings.upper", lambda q: np.strings.upper(q), TypeError),
    ("printers", lambda q: np.array2string(q, precision=40),
     lambda r: r == "[ 0.1  2.  -3.5]"),
    ("format_float_scientific",
     lambda q: np.format_float_scientific(q[0], precision=40, unique=False),
     lambda r: r == format(np.quad("0.1"), ".40e")),
    ("linalg.solve", lambda q: np.linalg.solve(np.eye(2, dtype=np.quad), q[:2]),
     lambda r: r.dtype == np.quad and bits_of(r) == bits_of(_quads()[:2])),
    ("linalg.svd", lambda q: np.linalg.svd(np.diag(q)).S,
     lambda r: r.dtype == np.quad and bits_of(r) == bits_of(np.sort(abs(_quads()))[::-1])),
    ("fft", lambda q: np.fft.fft(q), TypeError),
    ("einsum", lambda q: np.einsum("i,i", q, q),
     lambda r: type(r) is np.quad and bits_of(r) == bits_of(np.dot(_quads(), _quads()))),
    ("vecdot", lambda q: np.vecdot(q, q),
     lambda r: type(r) is np.quad and bits_of(r) == bits_of(np.dot(_quads(), _quads()))),
    ("interp", lambda q: np.interp(q, np.sort(q), np.sort(q)),
     lambda r: r.dtype == np.quad and bits_of(r) == bits_of(_quads())),
]


@pytest.mark.parametrize("name, call, expect", FORK_FEATURES,
                         ids=[f[0] for f in FORK_FEATURES])
def test_fork_features_accept_quad_or_refuse_clearly(name, call, expect):
    """Every feature either computes on quad (in quad) or raises a clear
    error; none rounds quad through float64 or runs a string loop on it."""
    if isinstance(expect, type):
        with pytest.raises(expect):
            call(_quads())
    else:
        assert expect(call(_quads())), name
