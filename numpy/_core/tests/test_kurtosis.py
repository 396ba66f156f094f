"""ndarray.kurtosis / np.kurtosis (numpy-dive): semantics, accuracy, edge cases."""
import math
import threading
import time
import tracemalloc
import warnings
from fractions import Fraction

import pytest

import numpy as np
from numpy.exceptions import AxisError
from numpy.testing import assert_allclose, assert_array_equal, assert_equal


def exact_kurtosis(values, fisher=True, bias=True):
    """The statistic in exact arithmetic, rounded once at the end.

    Every float is an integer over a power of two: over their common
    denominator the deviations n*x - sum(x) are integers, and
    b2 = n * sum(d**4) / sum(d**2)**2 needs no fractions until the end.
    """
    ratios = [float(v).as_integer_ratio() for v in values]
    denominator = max(den for _, den in ratios)
    xs = [num * (denominator // den) for num, den in ratios]
    n, total = len(xs), sum(xs)
    deviations = [n * x - total for x in xs]
    m2 = sum(d * d for d in deviations)
    m4 = sum(d ** 4 for d in deviations)
    g2 = Fraction(n * m4, m2 * m2) - 3
    if not bias:
        g2 = ((n + 1) * g2 + 6) * (n - 1) / ((n - 2) * (n - 3))
    return float(g2 + (0 if fisher else 3))


def reference_along(a, axis, **kwargs):
    """exact_kurtosis applied to every 1-D slice along ``axis``."""
    return np.apply_along_axis(lambda v: exact_kurtosis(v, **kwargs), axis, a)


class TestKnownValues:
    def test_scipy_values(self):
        assert_equal(np.kurtosis([1., 2., 3., 4.]), -1.36)
        assert_equal(np.array([1., 2., 3., 4.]).kurtosis(fisher=False), 1.64)
        mathworks = [1.165, 0.6268, 0.0751, 0.3516, -0.6965]
        assert_allclose(np.kurtosis(mathworks, fisher=False), 2.1658856802973,
                        rtol=1e-13)
        assert_allclose(np.kurtosis(mathworks, fisher=False, bias=False),
                        3.663542721189047, rtol=1e-13)

    def test_unbiased(self):
        assert_allclose(np.kurtosis([1, 2, 3, 4, 5], bias=False), -1.2, rtol=1e-14)
        assert_allclose(np.kurtosis([1, 2, 2, 3], bias=False), 1.5, rtol=1e-14)
        excel = [3, 4, 5, 2, 3, 4, 5, 6, 4, 7]
        assert_allclose(np.kurtosis(excel, bias=False), exact_kurtosis(excel, bias=False),
                        rtol=1e-14)

    @pytest.mark.parametrize("fisher", [True, False])
    @pytest.mark.parametrize("bias", [True, False])
    def test_matches_exact_on_random_data(self, fisher, bias):
        x = np.random.default_rng(1).standard_normal(1000)
        assert_allclose(x.kurtosis(fisher=fisher, bias=bias),
                        exact_kurtosis(x, fisher=fisher, bias=bias), rtol=1e-13)

    def test_matches_scipy(self):
        stats = pytest.importorskip("scipy.stats")
        x = np.random.default_rng(2).gamma(2.0, size=(4, 5, 60))
        for axis in (0, 1, -1):
            for bias in (True, False):
                assert_allclose(x.kurtosis(axis=axis, bias=bias),
                                stats.kurtosis(x, axis=axis, bias=bias), rtol=1e-12)


class TestAccuracy:
    @pytest.mark.parametrize("offset", [1e6, 1e8, 1e12])
    def test_large_offset(self, offset):
        x = np.random.default_rng(3).standard_normal(1000) + offset
        assert_allclose(x.kurtosis(), exact_kurtosis(x), rtol=1e-12)

    def test_uniform_with_offset(self):
        x = np.random.default_rng(4).random(4096) + 1e6
        assert_allclose(x.kurtosis(), exact_kurtosis(x), rtol=1e-12)

    def test_near_constant(self):
        x = np.array([5.] * 7 + [5 + 1e-13])
        assert_allclose(x.kurtosis(bias=False), exact_kurtosis(x, bias=False),
                        rtol=1e-12)
        y = np.array([1, 1 + 2.**-52] * 8)
        assert_equal(y.kurtosis(), -2.0)

    @pytest.mark.parametrize("k", [-1000, -900, -500, 500, 900, 1000])
    def test_scale_invariance(self, k):
        x = np.random.default_rng(5).standard_normal(500)
        assert_allclose(np.ldexp(x, k).kurtosis(), x.kurtosis(), rtol=1e-14)

    def test_values_near_overflow(self):
        x = np.random.default_rng(6).random(100) * 1.7e308
        x[::2] *= -1
        assert_allclose(x.kurtosis(), exact_kurtosis(x), rtol=1e-12)

    def test_longdouble(self):
        x = np.random.default_rng(7).standard_normal(300).astype(np.longdouble)
        assert x.kurtosis().dtype == np.longdouble
        assert_allclose(x.kurtosis(), exact_kurtosis(x), rtol=1e-13)


class TestAxes:
    a = np.random.default_rng(8).standard_normal((3, 4, 50))

    @pytest.mark.parametrize("axis", [0, 1, 2, -1, -3])
    def test_single_axis(self, axis):
        assert_allclose(self.a.kurtosis(axis=axis), reference_along(self.a, axis),
                        rtol=1e-12)

    def test_axis_none_and_tuples(self):
        assert_allclose(self.a.kurtosis(), exact_kurtosis(self.a.ravel()), rtol=1e-12)
        assert_allclose(self.a.kurtosis(axis=(0, 1, 2)), self.a.kurtosis(), rtol=1e-14)
        moved = np.moveaxis(self.a, 1, -1).reshape(3, -1)
        assert_allclose(self.a.kurtosis(axis=(1, 2)), reference_along(moved, 1),
                        rtol=1e-12)

    def test_keepdims(self):
        r = self.a.kurtosis(axis=(0, 2), keepdims=True)
        assert r.shape == (1, 4, 1)
        assert_allclose(r.ravel(), self.a.kurtosis(axis=(0, 2)), rtol=1e-15)
        assert np.kurtosis(self.a, keepdims=True).shape == (1, 1, 1)

    def test_axis_errors(self):
        with pytest.raises(AxisError):
            self.a.kurtosis(axis=3)
        with pytest.raises(AxisError):
            self.a.kurtosis(axis=-4)
        with pytest.raises(ValueError, match="duplicate"):
            self.a.kurtosis(axis=(0, 0))
        with pytest.raises(TypeError):
            self.a.kurtosis(axis=1.5)

    def test_fisher_and_bias_are_keyword_only(self):
        with pytest.raises(TypeError):
            np.kurtosis(self.a, 0, False, None, False, False)
        with pytest.raises(TypeError):
            self.a.kurtosis(0, None, None, False, True)


class TestLayout:
    def test_layouts_agree(self):
        base = np.random.default_rng(9).standard_normal((40, 30))
        expected = reference_along(base, 0)
        for view in (base, np.asfortranarray(base), base[::-1], base[:, ::-1][:, ::-1]):
            assert_allclose(view.kurtosis(axis=0), expected, rtol=1e-12)
        assert_allclose(base[::2, ::3].kurtosis(axis=1),
                        reference_along(base[::2, ::3], 1), rtol=1e-12)

    def test_deterministic(self):
        x = np.random.default_rng(10).standard_normal((300, 7))
        assert_array_equal(x.kurtosis(axis=0), x.kurtosis(axis=0))

    def test_non_native_byte_order(self):
        x = np.random.default_rng(11).standard_normal(100)
        assert_equal(x.astype(">f8").kurtosis(), x.kurtosis())


class TestDtypes:
    @pytest.mark.parametrize("dtype", ["?", "b", "B", "h", "i", "l", "q", "Q"])
    def test_bool_and_integers_give_float64(self, dtype):
        x = (np.arange(20) % 7).astype(dtype)
        r = x.kurtosis()
        assert r.dtype == np.float64
        assert_allclose(r, exact_kurtosis(x.astype(float)), rtol=1e-13)

    def test_float16_result_computed_wide(self):
        x = np.array([0., 1000., 2000., 60000.], dtype=np.float16)
        r = x.kurtosis()
        assert r.dtype == np.float16
        assert_equal(r, np.float16(exact_kurtosis(x.astype(float))))

    def test_float32_accumulates_in_float64(self):
        x = (np.random.default_rng(12).standard_normal(10000) + 1e4).astype(np.float32)
        r = x.kurtosis()
        assert r.dtype == np.float32
        assert_allclose(r, exact_kurtosis(x), rtol=1e-6)

    def test_dtype_argument(self):
        x = np.arange(10.)
        assert x.kurtosis(dtype=np.float32).dtype == np.float32
        with pytest.raises(TypeError, match="real floating point dtype"):
            x.kurtosis(dtype=np.int64)

    @pytest.mark.parametrize("value", [np.zeros(3, complex), np.zeros(3, "M8[s]"),
                                       np.zeros(3, "m8[s]"), np.array(["a", "b"]),
                                       np.array([1.0, 2.0], dtype=object)])
    def test_unsupported_dtypes(self, value):
        with pytest.raises(TypeError, match="kurtosis"):
            value.kurtosis()


class TestBlocks:
    """The one-pass kernel: blocks of 2048 values along the inner axis, groups
    of 128 rows over tiles of 256 outputs along an outer axis, merged."""

    def test_many_blocks_with_trend_and_offset(self):
        rng = np.random.default_rng(19)
        x = 1e8 + np.linspace(0, 50, 3 * 2048 + 77) + rng.standard_normal(3 * 2048 + 77)
        assert_allclose(x.kurtosis(), exact_kurtosis(x), rtol=1e-12)

    def test_blocks_of_different_spreads(self):
        # the merged scale changes from block to block, by up to 2**600
        rng = np.random.default_rng(20)
        x = np.concatenate([rng.standard_normal(2048) * 2.0**k for k in (-300, 0, 300)])
        assert_allclose(x.kurtosis(), exact_kurtosis(x), rtol=1e-12)
        assert_allclose(x[::-1].kurtosis(), exact_kurtosis(x), rtol=1e-12)

    def test_constant_blocks_then_varying(self):
        x = np.concatenate([np.full(5000, 3.0), np.random.default_rng(21).random(3000)])
        assert_allclose(x.kurtosis(), exact_kurtosis(x), rtol=1e-12)
        tiny = np.concatenate([np.zeros(4096), np.full(7, 5e-324)])
        assert_allclose(tiny.kurtosis(), exact_kurtosis(tiny), rtol=1e-12)

    def test_outer_axis_row_groups_and_tiles(self):
        # 259 rows (groups of 128 and a remainder), 261 columns (a tile of 256
        # and a remainder); spreads that grow down the rows, a large offset,
        # and columns that stay constant for the first row groups
        rng = np.random.default_rng(22)
        x = rng.standard_normal((259, 261)) * np.logspace(0, 12, 259)[:, None] + 1e9
        x[:200, :5] = 7.0
        assert_allclose(x.kurtosis(axis=0), reference_along(x, 0), rtol=1e-12)

    def test_nan_and_inf_in_one_column_of_the_outer_loops(self):
        x = np.random.default_rng(23).standard_normal((300, 6))
        x[150, 2] = np.nan
        x[299, 4] = -np.inf
        r = x.kurtosis(axis=0)
        assert np.isnan(r[[2, 4]]).all()
        keep = [0, 1, 3, 5]
        assert_allclose(r[keep], reference_along(x[:, keep], 0), rtol=1e-12)

    @pytest.mark.parametrize("axis", [None, 0, 1])
    def test_one_pass_and_two_passes_both_exact(self, axis):
        # a `where` mask takes the two-pass reductions
        # Pearson's b2: among 3000 slices, some have an excess b2 - 3 so near
        # 0 that its last subtraction alone costs relative digits
        x = np.random.default_rng(24).gamma(3.0, size=(200, 3000)) + 1e3
        expected = (exact_kurtosis(x.ravel(), fisher=False) if axis is None
                    else reference_along(x, axis, fisher=False))
        assert_allclose(x.kurtosis(axis=axis, fisher=False), expected, rtol=1e-12)
        everywhere = np.ones(x.shape, dtype=bool)
        assert_allclose(x.kurtosis(axis=axis, fisher=False, where=everywhere),
                        expected, rtol=1e-12)

    @pytest.mark.parametrize("axis", [None, 0])
    def test_values_too_large_for_one_pass(self, axis):
        # |x| > max / 8192: the blocks' sums could overflow, the two passes run
        x = np.random.default_rng(25).random((300, 4)) * 1.7e308
        x[::2] *= -1
        assert_allclose(x.kurtosis(axis=axis),
                        exact_kurtosis(x.ravel()) if axis is None
                        else reference_along(x, 0), rtol=1e-12)

    @pytest.mark.parametrize("dtype", ["?", "u1", "i2", "i8", "e", "f", ">f8"])
    def test_inputs_cast_a_block_at_a_time(self, dtype):
        x = (np.random.default_rng(26).standard_normal(9000) * 20).astype(dtype)
        wide = x.astype(np.float64)
        for axis, shape in [(None, -1), (1, (90, 100)), (0, (90, 100))]:
            assert_allclose(x.reshape(shape).kurtosis(axis=axis, fisher=False,
                                                      dtype=np.float64),
                            wide.reshape(shape).kurtosis(axis=axis, fisher=False),
                            rtol=1e-14)

    def test_unaligned_input(self):
        x = np.random.default_rng(27).standard_normal(5000)
        raw = np.zeros(x.nbytes + 1, dtype=np.uint8)
        unaligned = raw[1:].view(np.float64)
        unaligned[...] = x
        assert not unaligned.flags.aligned
        assert_allclose(unaligned.kurtosis(), x.kurtosis(), rtol=1e-15)


class TestOuterAxisSweeps:
    """Along an outer axis, rows after the first 16 are taken in one sweep
    (groups of 128 rows over tiles of up to 4096 outputs), centred on the
    first rows' mean; an output for which that centring does not hold takes
    its rows again on its own, and a tile with many such outputs takes two
    passes."""

    def test_few_outputs_drift(self):
        # columns 3 and 7 step far from their first rows' mean: 2 of 300
        # outputs redo their rows, the others stay in the sweep
        rng = np.random.default_rng(40)
        x = rng.standard_normal((500, 300)) + 1e6
        x[16:, 3] += 50
        x[200:, 7] -= 1e4
        assert_allclose(x.kurtosis(axis=0), reference_along(x, 0), rtol=1e-12)

    @pytest.mark.parametrize("columns", [300, 4096 + 5])
    def test_every_output_drifts(self, columns):
        # sorted columns: every sweep is off centre, the tiles take two passes
        x = np.sort(np.random.default_rng(41).gamma(2.0, size=(300, columns)), axis=0)
        expected = (reference_along(x, 0) if columns < 1000 else
                    np.array([exact_kurtosis(x[:, j]) for j in (0, 4095, 4096, 4100)]))
        result = x.kurtosis(axis=0)
        assert_allclose(result if columns < 1000 else result[[0, 4095, 4096, 4100]],
                        expected, rtol=1e-12)

    def test_spread_grows_past_the_scale(self):
        # rows after the first grow by 2**k: the running scale is refitted,
        # and where the fourth powers overflow the output takes its rows again
        # (among 300 outputs that stay in the sweep)
        rng = np.random.default_rng(42)
        x = rng.standard_normal((400, 306))
        x[:, 2:4] *= 1e-200
        x[16:, 1] *= 2.0**60
        x[160:, 3] *= 1e100
        x[300:, 5] *= 2.0**-500
        assert_allclose(x.kurtosis(axis=0), reference_along(x, 0), rtol=1e-12)

    def test_constant_outputs_in_the_sweep(self):
        # constant so far: the scale is arbitrary, so a value that leaves the
        # constant, even by the least subnormal, sends the output back (among
        # 300 others that stay in the sweep)
        x = np.random.default_rng(44).standard_normal((300, 305))
        x[:, :5] = 0
        x[:, 1] = 7.0
        x[150, 2] = 5e-324
        x[250, 3] = 1.0
        x[200:, 4] = np.nan
        result = x.kurtosis(axis=0)
        assert np.isnan(result[[0, 1, 4]]).all()
        assert_allclose(result[[2, 3]], reference_along(x[:, [2, 3]], 0), rtol=1e-12)
        assert_equal(result[2], result[3])
        assert_allclose(result[5:], reference_along(x[:, 5:], 0), rtol=1e-12)

    @pytest.mark.parametrize("dtype", [np.float64, np.longdouble])
    @pytest.mark.parametrize("rows", [16, 17, 23, 144, 145, 1000])
    def test_row_counts_around_the_groups(self, rows, dtype):
        x = np.random.default_rng(43).standard_normal((rows, 37)) * 3 - 11
        x[16:, 5] += 40
        assert_allclose(x.astype(dtype).kurtosis(axis=0), reference_along(x, 0),
                        rtol=1e-12)


class TestDegenerate:
    def test_empty(self):
        with pytest.warns(RuntimeWarning, match="empty slice"):
            assert np.isnan(np.array([]).kurtosis())
        with pytest.warns(RuntimeWarning, match="empty slice"):
            r = np.zeros((0, 3)).kurtosis(axis=0)
        assert r.shape == (3,) and np.isnan(r).all()
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert np.zeros((0, 3)).kurtosis(axis=1).shape == (0,)

    @pytest.mark.parametrize("x", [[7.], [-0.27829495] * 10, [1e300] * 3,
                                   [5e-324] * 4])
    def test_constant_is_nan_exactly(self, x):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert np.isnan(np.kurtosis(x))
            assert np.isnan(np.kurtosis(x, bias=False, fisher=False))

    def test_broadcast_constant(self):
        x = np.broadcast_to(np.arange(3.)[:, None], (3, 1000))
        assert np.isnan(x.kurtosis(axis=1)).all()
        assert_allclose(x.kurtosis(axis=0), np.full(1000, -1.5), rtol=1e-14)

    def test_bias_false_needs_four(self):
        with pytest.warns(RuntimeWarning, match="at least 4"):
            assert np.isnan(np.kurtosis([1., 2., 3.], bias=False))

    def test_nan_and_inf_affect_only_their_slice(self):
        x = np.random.default_rng(13).standard_normal((4, 20))
        x[1, 3] = np.nan
        x[2, 5] = np.inf
        r = x.kurtosis(axis=1)
        assert np.isnan(r[1]) and np.isnan(r[2])
        assert_allclose(r[[0, 3]], reference_along(x[[0, 3]], 1), rtol=1e-12)
        # the same slices reduced along an outer axis (the tiled loops)
        assert_allclose(np.ascontiguousarray(x.T).kurtosis(axis=0), r, rtol=1e-12)


class TestWhereAndOut:
    def test_where(self):
        x = np.random.default_rng(14).standard_normal((5, 30))
        mask = np.random.default_rng(15).random((5, 30)) > 0.3
        r = x.kurtosis(axis=1, where=mask)
        expected = [exact_kurtosis(row[m]) for row, m in zip(x, mask)]
        assert_allclose(r, expected, rtol=1e-12)
        column_mask = np.arange(30) < 20
        assert_allclose(x.kurtosis(axis=1, where=column_mask),
                        x[:, :20].kurtosis(axis=1), rtol=1e-13)

    @pytest.mark.parametrize("dtype", [np.float64, np.longdouble, np.float32, ">f8"])
    def test_where_along_the_reduced_axis(self, dtype):
        # float64 and long double gather the kept values in one pass (blocks
        # of 1024, several per row here); other dtypes take the two passes
        rng = np.random.default_rng(17)
        x = (rng.standard_normal((3, 5000)) * 20 + 1e3).astype(np.float32)
        mask = rng.random(x.shape) > 0.4
        mask[0, :2500] = False
        mask[1] = False
        x[1, 7] = np.nan                # masked out: no effect
        x[2, ~mask[2]] = np.inf
        with pytest.warns(RuntimeWarning, match="empty slice"):
            r = x.astype(dtype).kurtosis(axis=1, where=mask)
        assert np.isnan(r[1])
        expected = [exact_kurtosis(x[i][mask[i]]) for i in (0, 2)]
        assert_allclose(r[[0, 2]], expected, rtol=1e-12 if dtype != np.float32 else 1e-6)

    def test_where_kept_values_constant_nan_or_too_large(self):
        rng = np.random.default_rng(18)
        x = rng.standard_normal((4, 3000))
        mask = np.ones(x.shape, bool)
        mask[:, ::3] = False
        x[0, mask[0]] = 2.5             # constant where kept
        x[1, 4] = np.nan                # kept
        x[2] = rng.uniform(-1, 1, 3000) * 1.7e308  # the one pass's sums may overflow
        r = x.kurtosis(axis=1, where=mask)
        assert np.isnan(r[:2]).all()
        assert_allclose(r[2:], [exact_kurtosis(x[i][mask[i]]) for i in (2, 3)],
                        rtol=1e-12)

    def test_where_broadcast_and_whole_array(self):
        x = np.random.default_rng(19).standard_normal((40, 700))
        columns = np.random.default_rng(20).random(700) > 0.5
        assert_allclose(x.kurtosis(axis=1, where=columns, fisher=False),
                        reference_along(x[:, columns], 1, fisher=False), rtol=1e-13)
        assert_allclose(x.kurtosis(where=columns, fisher=False),
                        exact_kurtosis(x[:, columns].ravel(), fisher=False), rtol=1e-13)

    def test_where_must_broadcast(self):
        with pytest.raises(ValueError, match="broadcast"):
            np.ones((3, 4)).kurtosis(where=np.ones((2, 4), bool))

    def test_out(self):
        x = np.random.default_rng(16).standard_normal((3, 50))
        out = np.empty(3)
        assert x.kurtosis(axis=1, out=out) is out
        assert_allclose(out, x.kurtosis(axis=1), rtol=0)
        out32 = np.empty(3, np.float32)
        x.kurtosis(axis=1, out=out32)
        assert_allclose(out32, x.kurtosis(axis=1), rtol=1e-6)
        with pytest.raises(ValueError, match="wrong shape"):
            x.kurtosis(axis=1, out=np.empty(4))
        with pytest.raises(ValueError, match="wrong shape"):
            x.kurtosis(axis=1, out=np.empty((3, 1)))
        with pytest.raises(TypeError, match="out"):
            x.kurtosis(axis=1, out=[0, 0, 0])


class TestInterfaces:
    def test_returns_scalar_for_full_reduction(self):
        r = np.arange(10.).kurtosis()
        assert isinstance(r, np.float64)

    def test_generic_scalar_method(self):
        assert np.isnan(np.float64(3.0).kurtosis())
        assert np.isnan(np.int8(3).kurtosis())

    def test_subclasses_keep_their_type(self):
        class Sub(np.ndarray):
            pass
        s = np.arange(10.).view(Sub)
        assert type(s.kurtosis()) is Sub and s.kurtosis().shape == ()
        assert type(s.reshape(2, 5).kurtosis(axis=1)) is Sub
        assert_allclose(s.kurtosis(), np.arange(10.).kurtosis(), rtol=0)

    def test_matrix_results_are_shaped_as_var(self):
        m = np.matrix([[1., 2., 3., 4.], [1., 2., 2., 3.]])
        # the whole matrix's is a 1x1 matrix, not var's scalar: upstream's
        # TestMatrixReturn.test_instance_methods wants a matrix from every
        # method but the older reductions
        assert type(m.kurtosis()) is np.matrix and m.kurtosis().shape == (1, 1)
        assert m.kurtosis()[0, 0] == pytest.approx(-0.88, rel=1e-14)
        for axis in (0, 1):
            result = m.kurtosis(axis=axis)
            assert type(result) is np.matrix
            assert result.shape == m.var(axis=axis).shape
        assert_allclose(np.asarray(m.kurtosis(axis=1)), [[-1.36], [-1.0]],
                        rtol=1e-14)
        assert type(np.kurtosis(m, axis=1)) is np.matrix

    def test_memmap_results_are_typed_as_var(self, tmp_path):
        m = np.memmap(tmp_path / "data", dtype=float, mode="w+", shape=(2, 5))
        m[:] = np.arange(10.).reshape(2, 5) ** 2
        assert type(m.kurtosis()) is type(m.var()) is np.float64
        assert type(m.kurtosis(axis=1)) is type(m.var(axis=1))

    def test_objects_with_another_kurtosis_get_numpys(self):
        """pandas' kurt is the bias-corrected G2 and takes no `bias`:
        np.kurtosis computes NumPy's statistic on the values instead."""
        pandas = pytest.importorskip("pandas")
        values = [1., 2., 3., 10., -4.]
        series = pandas.Series(values)
        assert np.kurtosis(series) == np.kurtosis(values)
        assert np.kurtosis(series, bias=False) == np.kurtosis(values, bias=False)
        assert np.kurtosis(series, bias=False) == pytest.approx(series.kurt())

    def test_array_function_dispatch(self):
        class Duck:
            def __array_function__(self, func, types, args, kwargs):
                return ("dispatched", func.__name__)
        assert np.kurtosis(Duck()) == ("dispatched", "kurtosis")

    def test_function_accepts_lists(self):
        assert_equal(np.kurtosis([[1, 2, 3, 4]], axis=1), [-1.36])

    @pytest.mark.valgrind_error(reason="valgrind runs one thread at a time, so the "
                                "main thread cannot run while the worker computes")
    def test_releases_the_gil(self):
        # While a worker thread is inside the kernel, the main thread runs
        # Python code only if the kernel released the GIL.
        x = np.random.default_rng(28).standard_normal(20_000_000)
        window = []

        def worker():
            start = time.perf_counter()
            x.kurtosis()
            window.extend([start, time.perf_counter()])

        thread = threading.Thread(target=worker)
        ticks = []
        thread.start()
        while thread.is_alive():
            ticks.append(time.perf_counter())
            time.sleep(0)
        thread.join()
        inside = sum(window[0] < t < window[1] for t in ticks)
        assert inside > 100

    def test_no_array_sized_temporaries(self):
        x = np.random.default_rng(17).standard_normal(1_000_000)
        x.kurtosis()
        tracemalloc.start()
        try:
            x.kurtosis()
            x.reshape(1000, 1000).kurtosis(axis=0)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert peak < x.nbytes / 20


class TestThreads:
    """Kurtosis computed in several threads at once, the GIL released inside
    the kernels, gives each thread what one thread alone gets (runtests.py
    --profile tsan runs these under ThreadSanitizer)."""

    @staticmethod
    def in_threads(jobs, copies=4):
        """Each job run by `copies` threads at once: {job index: results}."""
        barrier = threading.Barrier(copies * len(jobs))
        results = {index: [] for index in range(len(jobs))}

        def run(index, job):
            barrier.wait()
            results[index].append(job())
        threads = [threading.Thread(target=run, args=(index, job))
                   for index, job in enumerate(jobs) for _ in range(copies)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return results

    def test_shared_inputs_and_separate_outputs(self):
        rng = np.random.default_rng(50)
        x = rng.standard_normal((300, 700))
        q = rng.standard_normal(5000).astype(np.quad)
        jobs = [lambda: x.kurtosis(), lambda: x.kurtosis(axis=0),
                lambda: x.kurtosis(axis=1), lambda: x.astype(np.longdouble).kurtosis(axis=0),
                lambda: x.kurtosis(where=x > -1), lambda: q.kurtosis()]
        expected = [job() for job in jobs]
        for index, results in self.in_threads(jobs).items():
            for result in results:
                assert_array_equal(result, expected[index])

    def test_quad_arithmetic_in_threads(self):
        q = np.random.default_rng(51).standard_normal(20000).astype(np.quad)
        jobs = [lambda: q * q + q, lambda: np.sort(q), lambda: q.sum(), lambda: q / 3]
        expected = [job() for job in jobs]
        for index, results in self.in_threads(jobs).items():
            for result in results:
                assert_array_equal(result, expected[index])


def test_matches_naive_formula_for_many_shapes():
    rng = np.random.default_rng(18)
    for shape in [(1, 5), (7, 3), (2, 3, 4), (129, 2), (1000,)]:
        x = rng.standard_normal(shape)
        d = x - x.mean(axis=0)
        with np.errstate(invalid="ignore"):
            naive = (d ** 4).mean(axis=0) / (d ** 2).mean(axis=0) ** 2 - 3
        assert_allclose(x.kurtosis(axis=0), naive, rtol=1e-10)
    assert math.isnan(float(np.kurtosis([np.nan, 1.0, 2.0])))


def test_docstring_examples():
    import doctest

    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    for func in (np.kurtosis, np.ma.MaskedArray.kurtosis):
        tests = finder.find(func, func.__name__, globs={})
        assert sum(len(test.examples) for test in tests) > 0
        for test in tests:
            runner.run(test)
    assert runner.failures == 0


@pytest.mark.slow
def test_more_than_2_31_elements():
    # Bernoulli data: the exact excess kurtosis is (1 - 6 p q) / (p q).
    x = np.zeros(2**31 + 7, dtype=np.uint8)
    x[::3] = 1
    p = Fraction(int(x.sum(dtype=np.int64)), x.size)
    pq = p * (1 - p)
    assert_allclose(x.kurtosis(), float((1 - 6 * pq) / pq), rtol=1e-12)


def quad_fraction(value):
    """The exact value of a finite np.quad, as a Fraction."""
    return Fraction(*np.quad(value).as_integer_ratio())


def exact_kurtosis_fraction(fractions, fisher=True, bias=True):
    """The statistic of exact values, exactly."""
    n = len(fractions)
    mean = sum(fractions) / n
    m2 = sum((x - mean) ** 2 for x in fractions)
    m4 = sum((x - mean) ** 4 for x in fractions)
    g2 = n * m4 / (m2 * m2) - 3
    if not bias:
        g2 = ((n + 1) * g2 + 6) * (n - 1) / ((n - 2) * (n - 3))
    return g2 + (0 if fisher else 3)


class TestQuad:
    """np.quad data: computed in quad arithmetic, to quad precision."""

    # 2**-100 relative: a few hundred quad ulps, 10**15 times finer than
    # float64 could give
    RTOL = Fraction(1, 2 ** 100)

    def check(self, values, result, **kwargs):
        exact = exact_kurtosis_fraction([quad_fraction(v) for v in values], **kwargs)
        assert isinstance(result, np.quad)
        assert abs(quad_fraction(result) - exact) <= self.RTOL * abs(exact), (
            result, float(exact))

    @pytest.mark.parametrize("kwargs", [{}, {"fisher": False}, {"bias": False}])
    def test_matches_exact_rationals(self, kwargs):
        rng = np.random.default_rng(3)
        x = (rng.standard_normal(500).astype(np.quad)
             + rng.standard_normal(500).astype(np.quad) * np.quad(2) ** -60)
        self.check(x, x.kurtosis(**kwargs), **kwargs)

    def test_spread_below_float64_resolution(self):
        """1 + k * 1e-20: float64 sees a constant (NaN); quad does not."""
        x = 1 + np.arange(1, 40, dtype=np.quad) ** 2 * np.quad("1e-20")
        self.check(x, x.kurtosis())
        assert np.isnan(x.astype(np.float64).kurtosis())

    @pytest.mark.parametrize("scale", ["1e400", "1e-400", "1e4900"])
    def test_magnitudes_beyond_float64(self, scale):
        x = np.array([1, 2, 3, 10, -7, 4], dtype=np.quad) * np.quad(scale)
        self.check(x, x.kurtosis())

    def test_axis_where_and_masked(self):
        x = np.arange(24, dtype=np.quad).reshape(4, 6) ** 3 / 7
        for axis in (0, 1):
            result = x.kurtosis(axis=axis)
            assert result.dtype == np.quad
            for i, slice_ in enumerate(np.moveaxis(x, axis, -1)):
                self.check(slice_, result[i])
        mask = (np.arange(24).reshape(4, 6) % 5) != 0
        result = x.kurtosis(axis=1, where=mask)
        for row, keep, value in zip(x, mask, result):
            self.check(row[keep], value)
        masked = np.ma.masked_array(x[0], ~mask[0])
        self.check(x[0][mask[0]], masked.kurtosis())

    def test_dtype_quad_for_float64_data(self):
        x = np.array([1.0, 2.0, 3.0, 10.0, 1e-300])
        result = x.kurtosis(dtype=np.quad)
        self.check(x.astype(np.quad), result)

    def test_degenerate_slices(self):
        with pytest.warns(RuntimeWarning, match="empty slice"):
            assert np.isnan(np.array([], dtype=np.quad).kurtosis())
        assert np.isnan(np.full(5, np.quad("0.1")).kurtosis())
        assert np.isnan(np.array([1, np.inf], dtype=np.quad).kurtosis())


def test_quad_mean_var_median_percentile_stay_in_quad():
    """No statistic of quad data goes through float64: a spread of 1e-20
    around 1 keeps its digits in every one of them."""
    x = 1 + np.array([1, 2, 3, 10], dtype=np.quad) * np.quad("1e-20")
    values = [quad_fraction(v) for v in x]
    mean = sum(values) / 4
    assert quad_fraction(np.mean(x)) == quad_fraction(np.quad(mean.numerator) / mean.denominator)
    # var and std are np.var's algorithm in quad arithmetic, bit for bit
    # (float64 would see no spread at all)
    deviations = x - np.mean(x)
    assert np.var(x) == np.mean(deviations * deviations)
    assert np.std(x) == np.sqrt(np.var(x))
    assert np.var(x.astype(np.float64)) == 0
    assert quad_fraction(np.median(x)) == (values[1] + values[2]) / 2
    assert np.percentile(x, 100) == x[3]
    assert quad_fraction(np.percentile(x, 50)) == (values[1] + values[2]) / 2


def test_where_and_masked_as_accurate_as_the_plain_path():
    """where= and MaskedArray gather the kept values a block at a time and
    sum them pairwise, as the plain path does: no error growing with n (one
    at a time, this differed by 1.5e-9 at 1e7 elements)."""
    a = np.full(2 * 10**6, 1000.0)
    a[::7] = 1003
    a[1::11] = 998
    keep = np.ones(a.size, bool)
    keep[5::13] = False
    expected = exact_kurtosis(a[keep])
    assert abs(a.kurtosis(where=keep) - expected) < 1e-13
    assert abs(np.ma.masked_array(a, ~keep).kurtosis() - expected) < 1e-13
    assert abs(a[keep].kurtosis() - expected) < 1e-13


@pytest.mark.parametrize("values, dtype", [
    ([2**63 - 1, 2**63 - 2, 2**63 - 3, 2**63 - 10], np.int64),
    ([-2**63, -2**63 + 5, -2**63 + 1, -2**63 + 100], np.int64),
    ([2**64 - 1, 2**64 - 5, 2**64 - 2, 2**64 - 100, 2**64 - 7], np.uint64),
])
def test_64_bit_integers_keep_their_exactness(values, dtype):
    """Integers are exact data: beyond 2**53, where double would round them
    alike (NaN, 'constant'), the kurtosis is computed in quad."""
    a = np.array(values, dtype=dtype)
    exact = exact_kurtosis_fraction([Fraction(v) for v in values])
    assert a.kurtosis() == pytest.approx(float(exact), rel=1e-15)
    assert a.kurtosis().dtype == np.float64
    both = np.stack([a, a])
    assert_allclose(both.kurtosis(axis=1), [float(exact)] * 2, rtol=1e-15)
    keep = np.ones(len(values), bool)
    keep[1] = False
    sub = [v for v, k in zip(values, keep) if k]
    assert a.kurtosis(where=keep) == pytest.approx(
        float(exact_kurtosis_fraction([Fraction(v) for v in sub])), rel=1e-15)
    # and an int64 constant is still a constant
    assert np.isnan(np.full(5, 2**62, dtype=dtype).kurtosis())


class TestLargeOutputs:
    """An output larger than KURTOSIS_PIECE_OUTPUTS (65536) is computed a
    piece of the input at a time: the same values, scratch memory near the
    output's own size, and each warning once."""

    @pytest.mark.parametrize("shape, axis", [((3, 200000), 0), ((200000, 3), 1),
                                             ((4, 300, 500), 0), ((6, 70000), 0)])
    def test_pieces_match_small_outputs(self, shape, axis):
        # the reference: the same rows (axis last), 1000 outputs at a time,
        # far below the piece size
        rng = np.random.default_rng(sum(shape))
        a = rng.standard_normal(shape)
        keep = rng.random(shape) > 0.2
        moved = np.moveaxis(a, axis, -1).reshape(-1, shape[axis])
        kept = np.moveaxis(keep, axis, -1).reshape(-1, shape[axis])
        starts = range(0, len(moved), 1000)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            result = a.kurtosis(axis=axis, where=keep)
            expected = np.concatenate([
                moved[i:i + 1000].kurtosis(axis=-1, where=kept[i:i + 1000])
                for i in starts])
        assert_allclose(result.ravel(), expected, rtol=1e-12, atol=1e-12,
                        equal_nan=True)
        assert_allclose(a.kurtosis(axis=axis).ravel(),
                        np.concatenate([moved[i:i + 1000].kurtosis(axis=-1) for i in starts]),
                        rtol=1e-12, atol=1e-12)

    def test_scratch_stays_near_the_output(self):
        a = np.random.default_rng(5).standard_normal((2, 2 * 10**6)).astype(np.float32)
        a.kurtosis(axis=0)
        tracemalloc.start()
        try:
            result = a.kurtosis(axis=0)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        # the result in double and its cast to float32: 1.5x the double
        # output; ten accumulators of the output's size were 10x
        assert peak < 2 * result.size * 8

    def test_each_warning_once(self):
        with pytest.warns(RuntimeWarning, match="empty slice") as record:
            np.zeros((0, 200000)).kurtosis(axis=0)
        assert len(record) == 1


@pytest.mark.parametrize("shape", [(2, 3), (3, 100000)])
def test_bad_axis_stops_at_once(shape):
    """PyArray_ConvertMultiAxis fails with 0: the computation must not go on
    with the AxisError set (a large output then sliced the input with it)."""
    with pytest.raises(AxisError):
        np.ones(shape).kurtosis(axis=5)
    with pytest.raises(ValueError, match="duplicate"):
        np.ones(shape).kurtosis(axis=(0, 0))
