"""np.quad in numpy.lib's Python-level functions (numpy-dive).

`sinc`, `angle(deg=True)` and `unwrap` use the float64 constant `pi`, and
`i0` float64 Chebyshev coefficients: for np.quad data they would give
float64's precision silently.  _function_base_impl.py calls these hooks,
which change nothing for the other dtypes.
"""
import numpy as np

__all__ = ["pi_like", "to_degrees", "full_turn_like", "is_quad", "i0"]

# i0's power series serves below this; the asymptotic series above, whose
# smallest term, about exp(-2x), is then below 2**-129
_I0_ASYMPTOTIC_FROM = 45
# a series stops once its terms are below this fraction of the sum
_SERIES_TOLERANCE = np.quad(2) ** -118


def is_quad(x):
    return np.asarray(x).dtype == np.quad


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
