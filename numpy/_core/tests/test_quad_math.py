"""np.quad's elementary functions (numpy-dive) against MPFR.

MPFR (gmpy2) evaluates each function at 400 bits; rounding that once in
gmpy2's binary128 context (`gmpy2.ieee(128)`: subnormals, ties to even)
gives the correctly rounded result, which is compared bit for bit, and
the distance to the 400-bit value gives the error in units in the last
place (ulp of the exact value's binade, 2**-16494 below the normal range).

The bar is that no result is more than 0.501 ulp off and that at least
99.9% of them are correctly rounded (doc/quad.rst).  The default run
checks a few hundred points per function across its whole domain; the
sweeps under `-m slow` check 20000.
"""
import math
import random

import gmpy2
import pytest
from hypothesis import given, settings

import numpy as np
from numpy._core.tests.test_quad import bits_of, finite_quads, quad_of

REFERENCE = gmpy2.context(precision=400, emin=-(1 << 20), emax=1 << 20)
BINARY128 = gmpy2.ieee(128)
# the bar: 0.5 ulp plus the 2**-124 relative error of the working precision
MAX_ULP = 0.501
SIGN = 1 << 127
EXPONENT_BIAS = 16383


def to_mpfr(bits):
    """The exact value of binary128 bits (400-bit context)."""
    negative = bits >> 127
    exponent = (bits >> 112) & 0x7fff
    fraction = bits & ((1 << 112) - 1)
    with gmpy2.context(REFERENCE):
        if exponent == 0x7fff:
            if fraction:
                return gmpy2.mpfr("nan")
            return gmpy2.mpfr("-inf" if negative else "inf")
        if exponent == 0:
            value = gmpy2.mul_2exp(gmpy2.mpfr(fraction), -16494)
        else:
            value = gmpy2.mul_2exp(gmpy2.mpfr(fraction | (1 << 112)),
                                   exponent - EXPONENT_BIAS - 112)
        return -value if negative else value


def to_bits(value):
    """The bits of an mpfr that is already a binary128 value."""
    negative = int(gmpy2.is_signed(value))
    if gmpy2.is_infinite(value):
        return (negative << 127) | (0x7fff << 112)
    if value == 0:
        return negative << 127
    exponent, mantissa = gmpy2.frexp(abs(value))   # value = mantissa * 2**exponent
    if exponent - 1 < -16382:
        significand = int(gmpy2.mul_2exp(abs(value), 16494))
        return (negative << 127) | significand
    significand = int(gmpy2.mul_2exp(mantissa, 113))
    return ((negative << 127) | ((exponent - 1 + EXPONENT_BIAS) << 112)
            | (significand - (1 << 112)))


def correctly_rounded(exact):
    with gmpy2.context(BINARY128):
        return to_bits(gmpy2.mpfr(exact))


def ulp_error(bits, exact):
    """|result - exact| in ulps of the exact value's binade."""
    result = to_mpfr(bits)
    with gmpy2.context(REFERENCE):
        if gmpy2.is_nan(exact) or gmpy2.is_infinite(exact) or exact == 0:
            same = (gmpy2.is_nan(exact) and gmpy2.is_nan(result)) or result == exact
            return 0.0 if same else math.inf
        if gmpy2.is_infinite(result):
            return math.inf
        exponent = max(gmpy2.frexp(exact)[0] - 1, -16382)
        return float(abs(result - exact) / gmpy2.mul_2exp(gmpy2.mpfr(1), exponent - 112))


def power_exact(x, y):
    return x ** y


def logaddexp_exact(a, b):
    return max(a, b) + gmpy2.log1p(gmpy2.exp(-abs(a - b)))


def logaddexp2_exact(a, b):
    return max(a, b) + gmpy2.log2(1 + gmpy2.exp2(-abs(a - b)))


def quad_bits(sign, exponent, fraction):
    return (sign << 127) | ((exponent + EXPONENT_BIAS) << 112) | fraction


def random_bits(rng, low_exponent, high_exponent, sign=None):
    """A quad with a uniformly drawn binary exponent and significand
    (exponents below -16382 give subnormals)."""
    if sign is None:
        sign = rng.getrandbits(1)
    exponent = rng.randint(low_exponent, high_exponent)
    fraction = rng.getrandbits(112)
    if exponent < -16382:
        return (sign << 127) | (((1 << 112) | fraction) >> (-16382 - exponent))
    return quad_bits(sign, exponent, fraction)


def near_one(rng, below):
    """1 plus or minus a random number of ulps, up to 2**100."""
    ulps = rng.getrandbits(rng.randint(1, 100)) + 1
    if below:
        return quad_bits(0, -1, (1 << 112) - ulps)
    return quad_bits(0, 0, ulps)


# name: (ufunc, MPFR function, [(low exponent, high exponent, sign), ...]);
# sign None draws both.  The ranges cover each function's whole domain
# where the result is finite and not trivially 0, 1 or x.
UNARY = {
    "exp": (np.exp, gmpy2.exp, [(-130, 13, None), (-5, 3, None)]),
    "exp2": (np.exp2, gmpy2.exp2, [(-130, 13, None), (-5, 3, None)]),
    "expm1": (np.expm1, gmpy2.expm1, [(-130, 13, None), (-20, 0, None)]),
    "log": (np.log, gmpy2.log, [(-16494, 16383, 0), "near one"]),
    "log2": (np.log2, gmpy2.log2, [(-16494, 16383, 0), "near one"]),
    "log10": (np.log10, gmpy2.log10, [(-16494, 16383, 0), "near one"]),
    "log1p": (np.log1p, gmpy2.log1p, [(-130, 16383, 0), (-130, -1, 1)]),
    "sin": (np.sin, gmpy2.sin, [(-60, 16383, None), (-5, 5, None)]),
    "cos": (np.cos, gmpy2.cos, [(-60, 16383, None), (-5, 5, None)]),
    "tan": (np.tan, gmpy2.tan, [(-60, 16383, None), (-5, 5, None)]),
    "arcsin": (np.arcsin, gmpy2.asin, [(-60, -1, None), "near one"]),
    "arccos": (np.arccos, gmpy2.acos, [(-130, -1, None), "near one"]),
    "arctan": (np.arctan, gmpy2.atan, [(-60, 200, None), (-5, 5, None)]),
    "sinh": (np.sinh, gmpy2.sinh, [(-120, 13, None), (-5, 3, None)]),
    "cosh": (np.cosh, gmpy2.cosh, [(-60, 13, None), (-5, 3, None)]),
    "tanh": (np.tanh, gmpy2.tanh, [(-120, 6, None), (-5, 3, None)]),
    "arcsinh": (np.arcsinh, gmpy2.asinh, [(-120, 16383, None), (-5, 5, None)]),
    "arccosh": (np.arccosh, gmpy2.acosh, [(0, 16383, 0), "near one"]),
    "arctanh": (np.arctanh, gmpy2.atanh, [(-120, -1, None), "near one"]),
    "cbrt": (np.cbrt, gmpy2.cbrt, [(-16494, 16383, None), (-12, 12, None)]),
    "deg2rad": (np.deg2rad, lambda x: x * gmpy2.const_pi() / 180,
                [(-16382, 16383, None)]),
    "rad2deg": (np.rad2deg, lambda x: x * 180 / gmpy2.const_pi(),
                [(-16382, 16375, None)]),
}

# name: (ufunc, MPFR function, [((x range), (y range)), ...]), each range
# (low exponent, high exponent, sign)
BINARY = {
    "arctan2": (np.arctan2, gmpy2.atan2, [((-20, 20, None), (-20, 20, None)),
                                         ((-16000, 16000, None),) * 2]),
    "hypot": (np.hypot, gmpy2.hypot, [((-20, 20, None), (-20, 20, None)),
                                     ((-8000, 8000, None),) * 2]),
    "logaddexp": (np.logaddexp, logaddexp_exact,
                  [((-20, 13, None), (-20, 13, None)), ((-3, 3, None),) * 2]),
    "logaddexp2": (np.logaddexp2, logaddexp2_exact,
                   [((-20, 13, None), (-20, 13, None)), ((-3, 3, None),) * 2]),
    # x**y over the whole range of x, with y from where the result is
    # barely off 1 to where it overflows, and x near 1 with huge y
    "power": (np.power, power_exact, [((-1, 1, 0), (-4, 6, None)),
                                      ((-16382, 16383, 0), (-30, 0, None)),
                                      ((-3, 3, 0), (-3, 12, None)),
                                      ((-40, 40, 0), (-120, -40, None))]),
    "float_power": (np.float_power, power_exact,
                    [((-1, 1, 0), (-4, 6, None)),
                     ((-16382, 16383, 0), (-30, 0, None))]),
}


def unary_points(name, count, seed):
    rng = random.Random(f"{name}-{seed}")
    ranges = UNARY[name][2]
    points = []
    for i in range(count):
        spec = ranges[i % len(ranges)]
        if spec == "near one":
            # inside the domain: |x| < 1 for arcsin, arccos and arctanh,
            # x > 1 for arccosh, either side for the logarithms
            inverse = name in ("arcsin", "arccos", "arctanh")
            below = inverse or (name != "arccosh" and bool(rng.getrandbits(1)))
            bits = near_one(rng, below)
            if inverse and rng.getrandbits(1):
                bits |= SIGN
        else:
            bits = random_bits(rng, *spec)
        points.append(bits)
    return points


def binary_points(name, count, seed):
    rng = random.Random(f"{name}-{seed}")
    ranges = BINARY[name][2]
    points = []
    for i in range(count):
        x_range, y_range = ranges[i % len(ranges)]
        points.append((random_bits(rng, *x_range), random_bits(rng, *y_range)))
    return points


def negative_base_points(count, seed):
    """x < 0 with integral y (exact in binary128)."""
    rng = random.Random(f"negative-base-{seed}")
    points = []
    for _ in range(count):
        y = rng.randint(-400, 400) or 1
        with gmpy2.context(BINARY128):
            y_bits = to_bits(gmpy2.mpfr(y))
        points.append((random_bits(rng, -3, 3, 1), y_bits))
    return points


def grade(ufunc, reference, arguments):
    """(correctly rounded count, worst ulp error, worst arguments)."""
    arrays = [np.array([quad_of(b) for b in column], dtype=np.quad)
              for column in zip(*arguments)]
    with np.errstate(all="ignore"):
        results = ufunc(*arrays)
    correct, worst, worst_at = 0, 0.0, None
    for args, result in zip(arguments, results):
        with gmpy2.context(REFERENCE):
            exact = reference(*[to_mpfr(b) for b in args])
        bits = bits_of(result)
        expected = correctly_rounded(exact)
        if bits == expected:
            correct += 1
        # an overflow or underflow to the correctly rounded inf or 0 is exact
        beyond_range = bits == expected and (bits & ~SIGN) in (0, 0x7fff << 112)
        error = 0.0 if beyond_range else ulp_error(bits, exact)
        if error > worst:
            worst, worst_at = error, [hex(b) for b in args]
    return correct, worst, worst_at


def check_accuracy(ufunc, reference, arguments, min_share):
    correct, worst, worst_at = grade(ufunc, reference, arguments)
    assert worst <= MAX_ULP, f"{worst} ulp at {worst_at}"
    assert correct >= min_share * len(arguments), (
        f"{correct} of {len(arguments)} correctly rounded")


class TestAccuracy:
    @pytest.mark.parametrize("name", sorted(UNARY))
    def test_unary(self, name):
        ufunc, reference, _ = UNARY[name]
        check_accuracy(ufunc, reference,
                       [(b,) for b in unary_points(name, 400, 0)], 0.995)

    @pytest.mark.parametrize("name", sorted(BINARY))
    def test_binary(self, name):
        ufunc, reference, _ = BINARY[name]
        check_accuracy(ufunc, reference, binary_points(name, 400, 0), 0.995)

    def test_power_of_negative_base(self):
        check_accuracy(np.power, power_exact, negative_base_points(300, 0), 0.995)

    def test_power_near_one_with_huge_exponent(self):
        """(1 + 2**-k)**y with y up to 2**120: the product y * log2(x)
        needs log2(x) to 150 bits, far beyond the working precision."""
        rng = random.Random(3)
        arguments = [(quad_bits(0, 0, rng.getrandbits(rng.randint(1, 60))),
                      random_bits(rng, 40, 120, rng.getrandbits(1)))
                     for _ in range(300)]
        check_accuracy(np.power, power_exact, arguments, 0.995)

    @pytest.mark.slow
    @pytest.mark.parametrize("name", sorted(UNARY))
    def test_unary_sweep(self, name):
        ufunc, reference, _ = UNARY[name]
        check_accuracy(ufunc, reference,
                       [(b,) for b in unary_points(name, 20000, 1)], 0.999)

    @pytest.mark.slow
    @pytest.mark.parametrize("name", sorted(BINARY))
    def test_binary_sweep(self, name):
        ufunc, reference, _ = BINARY[name]
        check_accuracy(ufunc, reference, binary_points(name, 20000, 1), 0.999)

    @settings(max_examples=30, deadline=None)
    @given(finite_quads())
    def test_any_finite_argument(self, bits):
        """Every unary function, anywhere in its domain (or with the right
        NaN, inf or zero outside it)."""
        for name, (ufunc, reference, _) in UNARY.items():
            with gmpy2.context(REFERENCE):
                exact = reference(to_mpfr(bits))
            with np.errstate(all="ignore"):
                result = ufunc(np.array([quad_of(bits)]))[0]
            if gmpy2.is_nan(exact):
                assert np.isnan(result), name
                continue
            with gmpy2.context(BINARY128):
                rounded = gmpy2.mpfr(exact)
            if gmpy2.is_infinite(rounded) or rounded == 0:
                assert bits_of(result) == to_bits(rounded), name
                continue
            assert ulp_error(bits_of(result), exact) <= MAX_ULP, (name, hex(bits))

    def test_huge_arguments_near_multiples_of_half_pi(self):
        """Exact reduction: x near k*pi/2 for huge k, where sin or cos of x
        is tiny and a rounded pi/2 would leave no correct digit."""
        rng = random.Random(7)
        arguments = []
        for exponent in (60, 200, 1000, 5000, 16000):
            for _ in range(4):
                k = (1 << exponent) + rng.getrandbits(exponent)
                with gmpy2.context(precision=exponent + 300):
                    near = gmpy2.mpfr(k) * gmpy2.const_pi() / 2
                with gmpy2.context(BINARY128):
                    arguments.append((to_bits(gmpy2.mpfr(near)),))
        for ufunc, reference in ((np.sin, gmpy2.sin), (np.cos, gmpy2.cos),
                                 (np.tan, gmpy2.tan)):
            with gmpy2.context(precision=17000):
                # the reference needs pi to as many bits as the argument
                exacts = [reference(to_mpfr(b)) for (b,) in arguments]
            results = ufunc(np.array([quad_of(b) for (b,) in arguments]))
            for (b,), result, exact in zip(arguments, results, exacts):
                with gmpy2.context(REFERENCE):
                    exact = gmpy2.mpfr(exact)
                assert bits_of(result) == correctly_rounded(exact), hex(b)

    def test_near_small_multiples_of_half_pi(self):
        """k*pi/2 rounded to binary128 for k up to 2**20: the reduction
        cancels up to 113 bits there, more than anywhere else."""
        rng = random.Random(11)
        arguments = []
        for k in [1, 2, 3, 4, 5, 6, 7, 8, 100, 1001] + [rng.randint(9, 1 << 20)
                                                       for _ in range(20)]:
            with gmpy2.context(REFERENCE):
                near = gmpy2.const_pi() * k / 2
            for neighbour in (-1, 0, 1):
                with gmpy2.context(BINARY128):
                    bits = to_bits(gmpy2.mpfr(near)) + neighbour
                arguments.append((bits,))
                arguments.append((bits | SIGN,))
        for ufunc, reference in ((np.sin, gmpy2.sin), (np.cos, gmpy2.cos),
                                 (np.tan, gmpy2.tan)):
            correct, worst, worst_at = grade(ufunc, reference, arguments)
            assert worst <= MAX_ULP, (ufunc.__name__, worst, worst_at)
            assert correct == len(arguments), ufunc.__name__

    @pytest.mark.parametrize("exponent", [10, 100, 1000, 16000, -10, -100,
                                          -1000, -16000])
    def test_cbrt_at_extreme_exponents(self, exponent):
        """numpy-quaddtype 1.0 takes cbrt as pow(x, 1/3): 1800 ulp off at
        2**+-16000.  Here it is correctly rounded."""
        rng = random.Random(exponent)
        arguments = [(random_bits(rng, exponent - 2, exponent + 2),)
                     for _ in range(50)]
        correct, worst, _ = grade(np.cbrt, gmpy2.cbrt, arguments)
        assert worst <= MAX_ULP
        assert correct == len(arguments)


def q(text):
    return np.quad(text)


def pi_times(fraction):
    """pi * fraction, correctly rounded."""
    with gmpy2.context(REFERENCE):
        return quad_of(correctly_rounded(gmpy2.const_pi() * fraction))


NAN, INF = q("nan"), q("inf")

# (ufunc, arguments, expected, the floating-point error it signals or None)
SPECIAL_VALUES = [
    (np.exp, (-INF,), q(0), None),
    (np.exp, (INF,), INF, None),
    (np.exp, (q(0),), q(1), None),
    (np.exp, (q(-0.0),), q(1), None),
    (np.exp, (q(20000),), INF, "overflow"),
    (np.exp, (q(-20000),), q(0), "underflow"),
    (np.exp2, (q(-16494),), quad_of(1), None),
    (np.exp2, (q(16383),), quad_of(0x7ffe << 112), None),
    (np.exp2, (q(16384),), INF, "overflow"),
    (np.expm1, (-INF,), q(-1), None),
    (np.expm1, (q(-0.0),), q(-0.0), None),
    (np.expm1, (q(-500),), q(-1), None),
    (np.log, (q(0),), -INF, "divide"),
    (np.log, (q(-0.0),), -INF, "divide"),
    (np.log, (q(-1),), NAN, "invalid"),
    (np.log, (-INF,), NAN, "invalid"),
    (np.log, (INF,), INF, None),
    (np.log, (q(1),), q(0), None),
    (np.log2, (q(2) ** 1000,), q(1000), None),
    (np.log2, (quad_of(1),), q(-16494), None),
    (np.log10, (q(10) ** 30,), q(30), None),
    (np.log10, (q("1e-4000"),), q(-4000), None),
    (np.log1p, (q(-1),), -INF, "divide"),
    (np.log1p, (q(-2),), NAN, "invalid"),
    (np.log1p, (q(-0.0),), q(-0.0), None),
    (np.sin, (INF,), NAN, "invalid"),
    (np.cos, (-INF,), NAN, "invalid"),
    (np.tan, (INF,), NAN, "invalid"),
    (np.sin, (q(-0.0),), q(-0.0), None),
    (np.tan, (q(-0.0),), q(-0.0), None),
    (np.cos, (q(-0.0),), q(1), None),
    (np.arcsin, (q(2),), NAN, "invalid"),
    (np.arccos, (q(-2),), NAN, "invalid"),
    (np.arccos, (q(1),), q(0), None),
    (np.arcsin, (q(-0.0),), q(-0.0), None),
    (np.arctan, (-INF,), pi_times(-0.5), None),
    (np.sinh, (-INF,), -INF, None),
    (np.sinh, (q(20000),), INF, "overflow"),
    (np.cosh, (-INF,), INF, None),
    (np.cosh, (q(-20000),), INF, "overflow"),
    (np.tanh, (-INF,), q(-1), None),
    (np.tanh, (q(-0.0),), q(-0.0), None),
    (np.arcsinh, (-INF,), -INF, None),
    (np.arccosh, (q(1),), q(0), None),
    (np.arccosh, (q("0.5"),), NAN, "invalid"),
    (np.arctanh, (q(1),), INF, "divide"),
    (np.arctanh, (q(-1),), -INF, "divide"),
    (np.arctanh, (q(2),), NAN, "invalid"),
    (np.cbrt, (-INF,), -INF, None),
    (np.cbrt, (q(-27),), q(-3), None),
    (np.cbrt, (q(-0.0),), q(-0.0), None),
    (np.arctan2, (q(0), q(-0.0)), pi_times(1), None),
    (np.arctan2, (q(-0.0), q(0)), q(-0.0), None),
    (np.arctan2, (INF, -INF), pi_times(0.75), None),
    (np.arctan2, (q(-1), q(0)), pi_times(-0.5), None),
    (np.arcsin, (q(-1),), pi_times(-0.5), None),
    (np.arccos, (q(-1),), pi_times(1), None),
    (np.hypot, (INF, NAN), INF, None),
    (np.hypot, (NAN, -INF), INF, None),
    (np.hypot, (q(3), q(4)), q(5), None),
    (np.logaddexp, (-INF, -INF), -INF, None),
    (np.logaddexp, (INF, q(1)), INF, None),
    (np.logaddexp, (-INF, q(1)), q(1), None),
    (np.logaddexp2, (q(3), q(3)), q(4), None),
    (np.power, (NAN, q(0)), q(1), None),
    (np.power, (q(1), NAN), q(1), None),
    (np.power, (q(-1), INF), q(1), None),
    (np.power, (q("0.5"), INF), q(0), None),
    (np.power, (q("0.5"), -INF), INF, None),
    (np.power, (q(2), -INF), q(0), None),
    (np.power, (q(-0.0), q(-3)), -INF, "divide"),
    (np.power, (q(-0.0), q("-0.5")), INF, "divide"),
    (np.power, (q(-0.0), q(3)), q(-0.0), None),
    (np.power, (q(-0.0), q("0.5")), q(0), None),
    (np.power, (-INF, q(-3)), q(-0.0), None),
    (np.power, (-INF, q(3)), -INF, None),
    (np.power, (-INF, q("0.5")), INF, None),
    (np.power, (q(-8), q("0.5")), NAN, "invalid"),
    (np.power, (q(-2), q(3)), q(-8), None),
    (np.power, (q(2), q(-16494)), quad_of(1), None),
    (np.power, (q(2), q(16384)), INF, "overflow"),
    (np.power, (q("0.5"), q("20000.5")), q(0), "underflow"),
    (np.power, (q(4), q("0.5")), q(2), None),
    (np.power, (q(9), q("1.5")), q(27), None),
    (np.heaviside, (q(-0.0), q("0.5")), q("0.5"), None),
    (np.heaviside, (q(-2), q("0.5")), q(0), None),
    (np.heaviside, (NAN, q("0.5")), NAN, None),
]


class TestSpecialValues:
    @pytest.mark.parametrize("ufunc, args, expected, error", SPECIAL_VALUES)
    def test_value_and_signal(self, ufunc, args, expected, error):
        arrays = [np.array([a], dtype=np.quad) for a in args]
        with np.errstate(all="ignore"):
            result = ufunc(*arrays)[0]
        if np.isnan(expected):
            assert np.isnan(result)
        else:
            assert bits_of(result) == bits_of(expected), (result, expected)
        with np.errstate(all="raise"):
            if error is None:
                ufunc(*arrays)
            else:
                with pytest.raises(FloatingPointError, match=error):
                    ufunc(*arrays)

    def test_nan_payload_is_kept(self):
        payload = quad_of((0x7fff << 112) | (1 << 111) | 12345)
        for ufunc in (np.exp, np.log, np.sin, np.arctan, np.cbrt, np.tanh):
            assert bits_of(ufunc(np.array([payload]))[0]) == bits_of(payload)
        assert bits_of(np.hypot(np.array([payload]), q(1))[0]) == bits_of(payload)

    def test_signalling_nan_is_quieted_with_invalid(self):
        signalling = quad_of((0x7fff << 112) | 1)
        with np.errstate(invalid="raise"):
            with pytest.raises(FloatingPointError):
                np.exp(np.array([signalling]))
        with np.errstate(invalid="ignore"):
            result = np.sin(np.array([signalling]))[0]
        assert bits_of(result) == (0x7fff << 112) | (1 << 111) | 1


class TestUfuncIntegration:
    def test_scalars_give_quad_scalars(self):
        value = np.exp(q(1))
        assert type(value) is np.quad
        with gmpy2.context(REFERENCE):
            assert bits_of(value) == correctly_rounded(gmpy2.exp(1))

    def test_scalar_power(self):
        root = np.quad(2) ** np.quad("0.5")
        assert type(root) is np.quad
        with gmpy2.context(REFERENCE):
            assert bits_of(root) == correctly_rounded(gmpy2.sqrt(2))
        assert bits_of(np.quad(2) ** 0.5) == bits_of(root)
        assert bits_of(2 ** np.quad("0.5")) == bits_of(root)

    def test_every_float_ufunc_with_a_longdouble_loop_takes_quad(self):
        """No elementwise float ufunc refuses quad or rounds it through
        another type (the product gufuncs are in test_quad.TestProducts)."""
        checked = 0
        for name in dir(np):
            ufunc = getattr(np, name)
            if not isinstance(ufunc, np.ufunc) or ufunc.signature:
                continue
            if not any(t.split("->")[0] == "g" * ufunc.nin for t in ufunc.types):
                continue
            args = [np.array([q("0.5")])] * ufunc.nin
            with np.errstate(all="ignore"):
                results = ufunc(*args)
            for result in results if isinstance(results, tuple) else (results,):
                assert result.dtype in (np.dtype(np.quad), np.bool, np.intc), name
            checked += 1
        assert checked >= 70

    def test_mixed_operands_promote_to_quad(self):
        assert np.arctan2(q(1), 2.0).dtype == np.quad
        assert np.hypot(np.array([3], dtype=np.int64), q(4)) == 5
        assert np.exp(np.array([1], dtype=np.quad)).dtype == np.quad

    def test_degrees_and_radians_are_the_same_loops(self):
        x = np.array(["0.5", "-7", "1e300"], dtype=np.quad)
        assert np.array_equal(np.degrees(x), np.rad2deg(x))
        assert np.array_equal(np.radians(x), np.deg2rad(x))

    def test_logaddexp_reduction(self):
        x = np.array(["1", "2", "3"], dtype=np.quad)
        assert np.logaddexp.reduce(x[:0]) == -np.inf
        with gmpy2.context(REFERENCE):
            exact = gmpy2.log(gmpy2.exp(1) + gmpy2.exp(2) + gmpy2.exp(3))
        assert ulp_error(bits_of(np.logaddexp.reduce(x)), exact) < 1.5

    def test_strided_and_unaligned_inputs(self):
        x = np.linspace(0, 10, 40).astype(np.quad)
        buffer = np.zeros(len(x) * 16 + 1, dtype=np.uint8)
        unaligned = buffer[1:].view(np.quad)
        unaligned[...] = x
        assert np.array_equal(np.sin(unaligned), np.sin(x))
        assert np.array_equal(np.exp(x[::3]), np.exp(x)[::3])
