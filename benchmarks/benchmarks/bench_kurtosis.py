"""asv benchmarks for ndarray.kurtosis, beside a.sum() and a.var() on the same data."""
import numpy as np

from . import require_kurtosis


class Kurtosis1D:
    params = [[1_000, 1_000_000, 10_000_000], ["float64", "float32", "int64"]]
    param_names = ["size", "dtype"]

    def setup(self, size, dtype):
        require_kurtosis()
        rng = np.random.default_rng(0)
        self.a = (rng.standard_normal(size) * 100).astype(dtype)

    def time_kurtosis(self, size, dtype):
        self.a.kurtosis()

    def time_sum(self, size, dtype):
        self.a.sum()

    def time_var(self, size, dtype):
        self.a.var()


class KurtosisAxis:
    params = [[0, -1, None]]
    param_names = ["axis"]

    def setup(self, axis):
        require_kurtosis()
        self.a = np.random.default_rng(0).standard_normal((1000, 10000))

    def time_kurtosis(self, axis):
        self.a.kurtosis(axis=axis)

    def time_sum(self, axis):
        self.a.sum(axis=axis)

    def time_kurtosis_unbiased(self, axis):
        self.a.kurtosis(axis=axis, bias=False)
