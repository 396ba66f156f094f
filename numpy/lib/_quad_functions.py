"""np.quad in numpy.lib's Python-level functions (numpy-dive).

`sinc`, `angle(deg=True)` and `unwrap` use the float64 constant `pi`, and
`i0` float64 Chebyshev coefficients: for np.quad data they would give
float64's precision silently, and `interp`'s C code knows only float64 and
complex128.  _function_base_impl.py calls these hooks, which change nothing
for the other dtypes.
"""
import numpy as np

__all__ = ["pi_like", "to_degrees", "full_turn_like", "is_quad", "i0", "any_quad", "interp"]

# i0's power series serves below this; the asymptotic series above, whose
# smallest term, about exp(-2x), is then below 2**-129
_I0_ASYMPTOTIC_FROM = 45
# a series stops once its terms are below this fraction of the sum
_SERIES_TOLERANCE = np.quad(2) ** -118


def is_quad(x):
    return np.asarray(x).dtype == np.quad


def any_quad(*values):
    return any(is_quad(value) for value in values)


def _quad_pi():
    return np.arccos(np.quad(-1))


def pi_like(x):
    """pi in x's precision: np.quad's for quad data, else float64's."""
    return _quad_pi() if is_quad(x) else np.pi


def to_degrees(radians):
    """radians * 180/pi: rounded once for quad data, as upstream otherwise."""
    if is_quad(radians):
        return np.rad2deg(radians)
    return radians * (180 / np.pi)


def full_turn_like(p, period):
    """unwrap's period: 2*pi in quad precision for quad data when the period
    is float64's 2*pi (the default)."""
    if is_quad(p) and isinstance(period, float) and period == 2 * np.pi:
        return 2 * _quad_pi()
    return period


def _power_series(x):
    """sum ((x/2)**2)**k / k!**2: all terms positive."""
    quarter_square = (x / 2) ** 2
    term = np.ones_like(x)
    total = np.ones_like(x)
    k = 1
    while np.any(term > total * _SERIES_TOLERANCE):
        term = term * quarter_square / (k * k)
        total = total + term
        k += 1
    return total


def _asymptotic(x):
    """exp(x) / sqrt(2 pi x) * sum ((2k-1)!!)**2 / (k! (8x)**k), without
    overflowing before I0 does: exp(x/2) * (exp(x/2) / sqrt(2 pi x))."""
    term = np.ones_like(x)
    total = np.ones_like(x)
    k = 1
    while np.any(abs(term) > total * _SERIES_TOLERANCE):
        term = term * (2 * k - 1) ** 2 / (8 * k * x)
        total = total + term
        k += 1
    half = np.exp(x / 2)
    return half * (half / np.sqrt(2 * _quad_pi() * x)) * total


def i0(x):
    """The modified Bessel function I0 of quad data, to quad precision
    (overflowing, with np.exp's or np.multiply's warning, beyond 11361)."""
    x = np.abs(np.asarray(x))
    result = np.empty_like(x)
    small = x < _I0_ASYMPTOTIC_FROM
    large = ~small & np.isfinite(x)
    result[small] = _power_series(x[small])
    result[large] = _asymptotic(x[large])
    result[np.isinf(x)] = np.inf
    result[np.isnan(x)] = x[np.isnan(x)]
    return result


def _as_quad(value, name):
    value = np.asarray(value)
    if value.dtype.kind == "c":
        raise TypeError(f"np.interp cannot mix quad with {value.dtype.name} {name}: "
                        "numpy-dive has no complex quad")
    return value.astype(np.quad)


def _periodic(x, xp, fp, period):
    """interp's periodic case as upstream reduces it: x and xp taken modulo
    the period, and xp sorted and extended by one point at each end."""
    if period == 0:
        raise ValueError("period must be a non-zero value")
    period = abs(_as_quad(period, "period"))
    if xp.ndim != 1 or fp.ndim != 1:
        raise ValueError("Data points must be 1-D sequences")
    if xp.shape[0] != fp.shape[0]:
        raise ValueError("fp and xp are not of the same length")
    x = x % period
    xp = xp % period
    order = np.argsort(xp)
    xp, fp = xp[order], fp[order]
    xp = np.concatenate((xp[-1:] - period, xp, xp[0:1] + period))
    fp = np.concatenate((fp[-1:], fp, fp[0:1]))
    return x, xp, fp


def interp(x, xp, fp, left=None, right=None, period=None):
    """np.interp when x, xp or fp is quad: all three in quad, and the
    result as np.interp's C loop computes it for float64 (the slope from
    the left point, from the right one if that gives NaN, and the sample
    itself at a sample point)."""
    x, xp, fp = _as_quad(x, "x"), _as_quad(xp, "xp"), _as_quad(fp, "fp")
    if period is not None:
        x, xp, fp = _periodic(x, xp, fp, period)
        left = right = None
    if xp.ndim != 1 or fp.ndim != 1:
        raise ValueError("xp and fp must be 1-D sequences")
    if xp.size == 0:
        raise ValueError("array of sample points is empty")
    if fp.size != xp.size:
        raise ValueError("fp and xp are not of the same length.")
    below = fp[0] if left is None else _as_quad(left, "left")
    above = fp[-1] if right is None else _as_quad(right, "right")
    if xp.size == 1:
        result = np.where(x < xp[0], below, np.where(x > xp[0], above, fp[0]))
        return result[()]
    # xp[j] <= x < xp[j + 1], clipped to the intervals that exist
    j = np.clip(np.searchsorted(xp, x, side="right") - 1, 0, xp.size - 2)
    x0, x1, y0, y1 = xp[j], xp[j + 1], fp[j], fp[j + 1]
    # the C loop raises no floating-point warnings (equal samples in xp
    # divide by zero), and neither does this
    with np.errstate(all="ignore"):
        slope = (y1 - y0) / (x1 - x0)
        result = slope * (x - x0) + y0
        from_right = slope * (x - x1) + y1
    result = np.where(np.isnan(result), from_right, result)
    result = np.where(np.isnan(result) & (y0 == y1), y0, result)
    result = np.where(x == x0, y0, result)
    result = np.where(x == xp[-1], fp[-1], result)
    result = np.where(x < xp[0], below, np.where(x > xp[-1], above, result))
    return np.where(np.isnan(x), x, result)[()]
