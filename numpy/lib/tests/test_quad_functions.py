"""numpy.lib's Python-level functions keep np.quad's precision (numpy-dive):
sinc, angle(deg=True), unwrap and i0 against MPFR (gmpy2), and interp."""
from fractions import Fraction

import gmpy2
import numpy as np
import pytest

REFERENCE = gmpy2.context(precision=400)
BINARY128 = gmpy2.ieee(128)
# a few units in the last place of a quad
RTOL = 2.0 ** -108


def exact(value):
    """An np.quad as an exact mpfr."""
    numerator, denominator = np.quad(value).as_integer_ratio()
    with gmpy2.context(REFERENCE):
        return gmpy2.mpfr(numerator) / denominator


def assert_close(result, reference):
    with gmpy2.context(REFERENCE):
        error = abs(exact(result) - reference)
        assert error <= abs(reference) * RTOL, (result, reference)


def test_sinc_near_an_integer():
    """sin(pi x) / (pi x) with pi x rounded once in quad: about 1e-25 near
    1 (float64's pi gave 3.9e-17), to the precision that rounding leaves."""
    x = 1 + np.array([1, -3, 7], dtype=np.quad) * np.quad("1e-25")
    result = np.sinc(x)
    assert result.dtype == np.quad
    pi = np.arccos(np.quad(-1))
    for value, r in zip(x, result):
        with gmpy2.context(REFERENCE):
            y = exact(pi * value)
            assert_close(r, gmpy2.sin(y) / y)
            true_pi_x = gmpy2.const_pi() * exact(value)
            assert abs(exact(r) / (gmpy2.sin(true_pi_x) / true_pi_x) - 1) < 1e-8


def test_angle_in_degrees():
    z = np.array(["1.5", "-2", "0.25"], dtype=np.quad)
    result = np.angle(z[1:], deg=True)
    assert result.dtype == np.quad
    assert result[0] == 180
    assert np.angle(z[0], deg=True) == 0
    with gmpy2.context(REFERENCE):
        expected = gmpy2.atan2(exact(z[0]), exact(z[2])) * 180 / gmpy2.const_pi()
    assert_close(np.rad2deg(np.arctan2(z[0], z[2])), expected)


def test_unwrap_with_the_default_period():
    two_pi = 2 * np.arccos(np.quad(-1))
    phase = np.array(["0.1", "3", "-3", "-2.9"], dtype=np.quad)
    result = np.unwrap(phase)
    assert result.dtype == np.quad
    # from -3 on, the phase is unwrapped by one full turn, in quad precision
    assert result[2] == phase[2] + two_pi
    assert result[3] == phase[3] + two_pi


def reference_i0(x):
    """sum ((x/2)**2)**k / k!**2 at 400 bits."""
    with gmpy2.context(REFERENCE):
        quarter_square = (exact(x) / 2) ** 2
        term = total = gmpy2.mpfr(1)
        k = 1
        while term > total * gmpy2.mpfr(2) ** -300:
            term = term * quarter_square / (k * k)
            total += term
            k += 1
        return total


@pytest.mark.parametrize("x", ["0", "1e-30", "0.5", "-3.25", "44.9", "45",
                               "100.5", "2000", "11000"])
def test_i0(x):
    result = np.i0(np.array([x], dtype=np.quad))
    assert result.dtype == np.quad
    assert_close(result[0], reference_i0(x))


def test_i0_beyond_the_range():
    with np.errstate(over="raise"):
        with pytest.raises(FloatingPointError, match="overflow"):
            np.i0(np.array([12000], dtype=np.quad))
    result = np.i0(np.array([np.inf, np.nan], dtype=np.quad))
    assert result[0] == np.inf and np.isnan(result[1])


def test_other_dtypes_unchanged():
    x = np.linspace(-2, 2, 9)
    assert np.array_equal(np.sinc(x), np.sin(np.pi * np.where(x == 0, 1e-20, x))
                          / (np.pi * np.where(x == 0, 1e-20, x)))
    assert np.unwrap(np.array([0.1, 3.0, -3.0])).dtype == np.float64


class TestInterp:
    def test_in_quad_precision(self):
        """Each point one rounded slope and one fused step from the exact
        line: float64 would leave 2**-53."""
        xp = np.array([0, 3, 7], dtype=np.quad)
        fp = np.array([1, 2, -5], dtype=np.quad)
        x = np.array([1, 4, 6.5], dtype=np.quad) / 3
        result = np.interp(x, xp, fp)
        assert result.dtype == np.quad
        for value, point in zip(result, x):
            t = Fraction(*point.item().as_integer_ratio())
            want = 1 + t / 3 if t < 3 else 2 - 7 * (t - 3) / 4
            assert abs(Fraction(*value.item().as_integer_ratio()) - want) <= 2**-110

    @pytest.mark.parametrize("left, right", [(None, None), (-7, 9.5)])
    def test_as_the_float64_loop_at_every_special_point(self, left, right):
        """Outside xp, at its points, repeated points, infinities and NaN:
        the values of the C loop (exactly representable here)."""
        xp = np.array([0, 1, 1, 2, 3, 5, 6])
        fp = np.array([1, 2, 3, np.inf, 4, 4, -np.inf])
        x = np.concatenate([np.linspace(-1, 7, 33), [np.nan, np.inf, -np.inf]])
        expected = np.interp(x, xp, fp, left, right)
        for args in ((x.astype(np.quad), xp, fp), (x, xp.astype(np.quad), fp),
                     (x, xp, fp.astype(np.quad))):
            result = np.interp(*args, left, right)
            assert result.dtype == np.quad
            np.testing.assert_array_equal(result.astype(np.float64), expected)

    def test_one_point_scalars_and_period(self):
        assert np.interp(np.quad(2), [1], [5], left=0, right=9) == 9
        assert np.interp(np.array([0, 1, 2]), np.array([1], dtype=np.quad), [5]).tolist() \
            == [5, 5, 5]
        assert type(np.interp(np.quad("2.5"), [2, 3], [0, 1])) is np.quad
        x = np.array([-180, -170, -185, 185, -10, -5, 0, 365], dtype=np.quad)
        result = np.interp(x, [190, -190, 350, -350], [5, 10, 3, 4], period=360)
        expected = np.interp(x.astype(np.float64), [190, -190, 350, -350],
                             [5, 10, 3, 4], period=360)
        assert result.dtype == np.quad
        np.testing.assert_array_equal(result.astype(np.float64), expected)

    def test_errors_as_numpys(self):
        q = np.arange(3, dtype=np.quad)
        with pytest.raises(ValueError, match="array of sample points is empty"):
            np.interp(q, np.array([], dtype=np.quad), [])
        with pytest.raises(ValueError, match="fp and xp are not of the same length"):
            np.interp(q, q, q[:2])
        with pytest.raises(ValueError, match="period must be a non-zero value"):
            np.interp(q, q, q, period=0)
        with pytest.raises(TypeError, match="cannot mix quad with complex128 fp: "
                                            "numpy-dive has no complex quad"):
            np.interp(q, q, np.ones(3, dtype=complex))

    def test_float64_unchanged(self):
        result = np.interp([0.5], [0, 1], [0, 1])
        assert result.dtype == np.float64 and result[0] == 0.5
