"""asv benchmarks for np.quad's arithmetic, sums, products, sorts and string
casts, beside long double and float64 on the same values
(benchmarks/quad_arith_ratios.py and benchmarks/quad_sort_ratios.py compare
with numpy-quaddtype and long double in one run)."""
import numpy as np

from . import dtype_of

DTYPES = ["quad", "longdouble", "float64"]


def values(dtype, n=100_000):
    return np.random.default_rng(0).uniform(0.5, 2, n).astype(dtype_of(dtype))


class QuadArithmetic:
    params = [["add", "subtract", "multiply", "divide", "square"], DTYPES]
    param_names = ["ufunc", "dtype"]

    def setup(self, ufunc, dtype):
        self.x = values(dtype)
        self.y = self.x[::-1].copy()
        self.out = np.empty_like(self.x)
        self.ufunc = getattr(np, ufunc)

    def time_ufunc(self, ufunc, dtype):
        if self.ufunc.nin == 1:
            self.ufunc(self.x, out=self.out)
        else:
            self.ufunc(self.x, self.y, out=self.out)


class QuadReductionsAndProducts:
    params = [DTYPES]
    param_names = ["dtype"]

    def setup(self, dtype):
        self.x = values(dtype)
        self.m = values(dtype, 200 * 200).reshape(200, 200)

    def time_sum(self, dtype):
        self.x.sum()

    def time_dot(self, dtype):
        np.dot(self.x, self.x)

    def time_vecdot(self, dtype):
        np.vecdot(self.m, self.m)

    def time_einsum(self, dtype):
        np.einsum("ij,j->i", self.m, self.m[0])

    def time_matmul(self, dtype):
        self.m @ self.m


class QuadSorting:
    params = [DTYPES]
    param_names = ["dtype"]

    def setup(self, dtype):
        self.x = np.random.default_rng(0).standard_normal(100_000).astype(dtype_of(dtype))
        self.sorted = np.sort(self.x)

    def time_sort(self, dtype):
        np.sort(self.x)

    def time_sort_stable(self, dtype):
        np.sort(self.x, kind="stable")

    def time_argsort(self, dtype):
        np.argsort(self.x)

    def time_partition(self, dtype):
        np.partition(self.x, 50_000)

    def time_searchsorted(self, dtype):
        np.searchsorted(self.sorted, self.x)

    def time_unique(self, dtype):
        np.unique(self.x)


class QuadStringCasts:
    """Parsing and writing text, U, S and StringDType (benchmarks/quad_ratios.py)"""
    params = [["U", "S", "T"], DTYPES]
    param_names = ["text", "dtype"]

    def setup(self, text, dtype):
        self.numbers = np.random.default_rng(0).standard_normal(100_000).astype(dtype_of(dtype))
        self.text = self.numbers.astype(text)

    def time_parse(self, text, dtype):
        self.text.astype(dtype)

    def time_write(self, text, dtype):
        self.numbers.astype(text)
