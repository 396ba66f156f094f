"""asv benchmarks for np.quad's elementary functions, beside long double and
float64 on the same values (benchmarks/quad_math_ratios.py compares with
numpy-quaddtype)."""
import numpy as np

from . import dtype_of


class QuadMath:
    params = [["exp", "log", "sin", "cos", "tan", "arctan", "tanh", "cbrt",
               "expm1", "log1p", "arcsin"],
              ["quad", "longdouble", "float64"]]
    param_names = ["function", "dtype"]

    def setup(self, function, dtype):
        values = np.random.default_rng(0).uniform(0.5, 0.99, 100_000)
        self.x = values.astype(dtype_of(dtype))
        self.out = np.empty_like(self.x)
        self.ufunc = getattr(np, function)

    def time_ufunc(self, function, dtype):
        self.ufunc(self.x, out=self.out)


class QuadPower:
    params = [["quad", "longdouble", "float64"]]
    param_names = ["dtype"]

    def setup(self, dtype):
        values = np.random.default_rng(0).uniform(0.5, 2, 100_000)
        self.x = values.astype(dtype_of(dtype))
        self.y = np.array(0.37).astype(dtype_of(dtype))
        self.out = np.empty_like(self.x)

    def time_power(self, dtype):
        np.power(self.x, self.y, out=self.out)


class QuadKurtosis:
    def setup(self):
        self.x = np.random.default_rng(0).standard_normal(100_000).astype(dtype_of("quad"))

    def time_kurtosis(self):
        self.x.kurtosis()

    def time_var(self):
        self.x.var()
