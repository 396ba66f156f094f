"""asv benchmarks of stock NumPy operations, which the fork must not slow
down: `runtests.py --bench-compare` times them on stock NumPy 2.4.6 and on
the fork in one session and checks every ratio is within ±5%."""
import numpy as np

DTYPES = ["float64", "float32", "int64"]


def values(dtype, shape):
    return (np.random.default_rng(0).standard_normal(shape) * 100).astype(dtype)


class Elementwise:
    params = [DTYPES]
    param_names = ["dtype"]

    def setup(self, dtype):
        self.x = values(dtype, 1_000_000)
        self.y = self.x[::-1].copy()
        self.out = np.empty_like(self.x)

    def time_add(self, dtype):
        np.add(self.x, self.y, out=self.out)

    def time_multiply(self, dtype):
        np.multiply(self.x, self.y, out=self.out)

    def time_add_small(self, dtype):
        # ufunc dispatch and promotion, not the loop: where a hook would show
        np.add(self.x[:10], self.y[:10])


class Reductions:
    params = [DTYPES]
    param_names = ["dtype"]

    def setup(self, dtype):
        self.x = values(dtype, 1_000_000)
        self.m = self.x.reshape(1000, 1000)

    def time_sum(self, dtype):
        self.x.sum()

    def time_sum_axis0(self, dtype):
        self.m.sum(axis=0)

    def time_var(self, dtype):
        self.x.var()


class Products:
    params = [DTYPES]
    param_names = ["dtype"]

    def setup(self, dtype):
        self.m = values(dtype, (300, 300))
        self.v = values(dtype, 100_000)

    def time_matmul(self, dtype):
        self.m @ self.m

    def time_dot(self, dtype):
        np.dot(self.v, self.v)


class Sorting:
    params = [DTYPES]
    param_names = ["dtype"]

    def setup(self, dtype):
        self.x = values(dtype, 1_000_000)

    def time_sort(self, dtype):
        np.sort(self.x)

    def time_argsort(self, dtype):
        np.argsort(self.x)


class Casts:
    params = [DTYPES, DTYPES + ["float16", "U32"]]
    param_names = ["from", "to"]

    def setup(self, source, target):
        if source == target:
            raise NotImplementedError("not a cast")
        self.x = values(source, 100_000 if target == "U32" else 1_000_000)
        self.out = np.empty(self.x.shape, dtype=target)

    def time_cast(self, source, target):
        # into memory already touched: astype's fresh 8 MB output would time
        # the kernel's page faults, which vary with the machine, not NumPy
        np.copyto(self.out, self.x, casting="unsafe")
