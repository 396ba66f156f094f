"""`numpy.kurtosis`: the function form of `ndarray.kurtosis` (computed in C)."""
import numpy as np
from numpy._core import overrides
from numpy._core.multiarray import asanyarray

__all__ = ["kurtosis"]

array_function_dispatch = overrides.array_function_dispatch


def _kurtosis_dispatcher(a, axis=None, dtype=None, out=None, keepdims=None, *,
                         fisher=None, bias=None, where=None):
    return (a, where, out)


@array_function_dispatch(_kurtosis_dispatcher, module="numpy")
def kurtosis(a, axis=None, dtype=None, out=None, keepdims=np._NoValue, *,
             fisher=True, bias=True, where=np._NoValue):
    r"""
    Compute the kurtosis (Fisher or Pearson) along the specified axis.

    Kurtosis is the fourth central moment divided by the square of the
    variance. With ``fisher=True`` (the default) 3.0 is subtracted, so that
    normally distributed data give 0.0 (the "excess" kurtosis). The formulas
    are those of `scipy.stats.kurtosis`.

    Parameters
    ----------
    a : array_like
        Data. Boolean, integer and real floating point types are accepted.
    axis : None or int or tuple of ints, optional
        Axis or axes along which the kurtosis is computed. The default is to
        compute it over the flattened array.
    dtype : data-type, optional
        Floating point type of the result. By default it is `float64` for
        boolean and integer input and the input's type for floating point
        input. The computation always uses at least `float64` (`longdouble`
        for `longdouble`).
    out : ndarray, optional
        Alternative output array of the result's shape; the result is cast
        into it (``casting='unsafe'``).
    keepdims : bool, optional
        If True, the reduced axes are kept with size one, so that the result
        broadcasts against the input.
    fisher : bool, optional, keyword-only
        If True (default), Fisher's definition (excess kurtosis, normal ==>
        0.0); if False, Pearson's (normal ==> 3.0).
    bias : bool, optional, keyword-only
        If False, the result is corrected for statistical bias (the "G2"
        estimator of SAS, SPSS, Excel and pandas).
    where : array_like of bool, optional
        Elements to include in the kurtosis. See `~numpy.ufunc.reduce`.

    Returns
    -------
    kurtosis : ndarray or scalar
        The kurtosis, or a reference to `out` if given.

    See Also
    --------
    var, std, mean
    scipy.stats.kurtosis : the same statistic, with ``axis=0`` by default.

    Notes
    -----
    With the biased central moments :math:`m_k = \frac{1}{n}\sum_i
    (x_i - \bar{x})^k`, Pearson's kurtosis is :math:`b_2 = m_4 / m_2^2` and
    Fisher's is :math:`g_2 = b_2 - 3`. With ``bias=False`` the result is

    .. math:: G_2 = \frac{(n + 1) g_2 + 6}{(n - 2)(n - 3)} (n - 1).

    The result is NaN for a slice that is empty (with a RuntimeWarning, like
    `mean`), that contains NaN or infinity, or whose values are all equal
    (including a single value; tested exactly, with no tolerance), and with
    ``bias=False`` for a slice of fewer than four values (with a
    RuntimeWarning; `scipy.stats.kurtosis` returns the biased value there
    instead). Subclasses of `ndarray` get the result types `var` gives them:
    their own type back through ``__array_wrap__`` (a NumPy scalar for a
    full reduction of a `memmap`), and `matrix` results along an axis
    shaped as `matrix.var` shapes them (the whole matrix's is a 1x1
    matrix). Objects that are not arrays are computed on
    their values, even when they have a ``kurtosis`` method of their own
    (pandas' is another estimator).

    The moments come from a shifted two-pass algorithm with the correction of
    Pebay et al. (2016), run in C without array-sized temporaries, so data
    with a large offset relative to their spread keep their accuracy, and
    rescaling by powers of two keeps the fourth powers from overflowing.

    Examples
    --------
    >>> import numpy as np
    >>> a = np.array([1., 2., 3., 4.])
    >>> np.kurtosis(a)
    np.float64(-1.36)
    >>> a.kurtosis(fisher=False)
    np.float64(1.64)
    >>> np.kurtosis([1, 2, 2, 3], bias=False)
    np.float64(1.5)
    >>> b = np.array([[1., 2., 3., 4.], [2., 4., 4., 8.]])
    >>> b.kurtosis(axis=1)
    array([-1.36      , -0.90304709])
    >>> b.kurtosis(axis=1, keepdims=True).shape
    (2, 1)

    """
    kwargs = {}
    if keepdims is not np._NoValue:
        kwargs["keepdims"] = keepdims
    if where is not np._NoValue:
        kwargs["where"] = where
    # An ndarray subclass's own method (MaskedArray's skips masked values);
    # other objects' kurtosis methods are not this statistic (pandas' kurt is
    # the bias-corrected G2 and has no `bias`), so those get NumPy's on their
    # values.
    if type(a) is not np.ndarray and isinstance(a, np.ndarray):
        return a.kurtosis(axis=axis, dtype=dtype, out=out, fisher=fisher,
                          bias=bias, **kwargs)
    return asanyarray(a).kurtosis(axis=axis, dtype=dtype, out=out, fisher=fisher,
                                  bias=bias, **kwargs)


def _document_methods():
    from numpy._core.function_base import add_newdoc

    signature = ("axis=None, dtype=None, out=None, keepdims=False, *, fisher=True, "
                 "bias=True, where=True")
    add_newdoc("numpy._core.multiarray", "ndarray", ("kurtosis", f"""
    a.kurtosis({signature})

    Returns the kurtosis of the array elements along the given axis.

    Refer to `numpy.kurtosis` for full documentation.

    See Also
    --------
    numpy.kurtosis : equivalent function

    """))
    add_newdoc("numpy._core.numerictypes", "generic", ("kurtosis", f"""
    kurtosis({signature})

    Scalar method identical to `numpy.ndarray.kurtosis` (a 0-d array's
    kurtosis is NaN: a single value has no spread).

    """))


_document_methods()
