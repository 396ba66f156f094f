"""numpy-dive's asv suite: kurtosis, np.quad, and stock operations that the
fork must not slow down. `runtests.py --bench-compare` runs it on stock NumPy
too, where the fork's features are missing: their setups raise
NotImplementedError, which asv reports as skipped."""
import numpy as np


def dtype_of(name):
    """np.dtype(name), skipped where this NumPy has no such dtype (quad)."""
    try:
        return np.dtype(name)
    except TypeError:
        raise NotImplementedError(f"this NumPy has no {name!r} dtype") from None


def require_kurtosis():
    if not hasattr(np.ndarray, "kurtosis"):
        raise NotImplementedError("this NumPy has no ndarray.kurtosis")
