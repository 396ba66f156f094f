"""MaskedArray.kurtosis: the kurtosis of the unmasked values (numpy-dive)."""
import warnings

import numpy as np


def kurtosis(self, axis=None, dtype=None, out=None, keepdims=np._NoValue, *,
             fisher=True, bias=True):
    """
    Compute the kurtosis of the unmasked values along the specified axis.

    Masked values are left out, as if they were not there; a slice whose
    values are all masked gives a masked result. See `numpy.kurtosis` for the
    parameters and the statistic.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.ma.array([1., 2., 3., 4., 100.], mask=[0, 0, 0, 0, 1])
    >>> x.kurtosis()
    np.float64(-1.36)

    """
    from .core import MaskedArray, getmaskarray, masked

    kwargs = {} if keepdims is np._NoValue else {"keepdims": keepdims}
    mask = getmaskarray(self)
    if mask.any():
        kwargs["where"] = ~mask
    with warnings.catch_warnings():
        # An all-masked slice is masked in the result, not a warning.
        warnings.filterwarnings("ignore", "Kurtosis of empty slice",
                                RuntimeWarning)
        data = self.view(np.ndarray).kurtosis(
            axis=axis, dtype=dtype, fisher=fisher, bias=bias, **kwargs)
    result_mask = mask.all(axis=axis, keepdims=bool(kwargs.get("keepdims", False)))
    if out is not None:
        out[...] = data
        if isinstance(out, MaskedArray):
            out.__setmask__(result_mask)
        return out
    if np.ndim(data) == 0:
        return masked if result_mask else data
    result = data.view(type(self))
    result.__setmask__(result_mask)
    return result
