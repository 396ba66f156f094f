"""np.linalg on np.quad: every function computed in quad.

Every result is checked against exact rational arithmetic (fractions): the
systems are rounded to quad first, and the exact solution of the rounded
system is the reference, so the bounds measure the quad loops alone.
Singular values and eigenvalues are checked by inertia: the exact LDL^T
of A - x I counts the eigenvalues of A below x (Sylvester's law), so an
interval around each computed value holds the right number of exact ones.
"""
import math
from decimal import Decimal, localcontext
from fractions import Fraction

import pytest

import numpy as np
from numpy.linalg import LinAlgError

EPS = Fraction(1, 2**112)


def exact(a):
    """A quad array's values as nested lists of Fractions."""
    if a.ndim == 0:
        return Fraction(*a.item().as_integer_ratio())
    return [exact(row) for row in a]


def exact_solve(a, b):
    """The exact solution of a x = b (lists of Fractions; b a list of
    columns' rows), by Gaussian elimination."""
    n = len(a)
    m = [list(a[i]) + list(b[i]) for i in range(n)]
    for k in range(n):
        pivot = next(i for i in range(k, n) if m[i][k] != 0)
        m[k], m[pivot] = m[pivot], m[k]
        for i in range(n):
            if i != k and m[i][k] != 0:
                factor = m[i][k] / m[k][k]
                m[i] = [x - factor * y for x, y in zip(m[i], m[k])]
    return [[x / m[i][i] for x in m[i][n:]] for i in range(n)]


def exact_det(a):
    n = len(a)
    m = [list(row) for row in a]
    det = Fraction(1)
    for k in range(n):
        pivot = next((i for i in range(k, n) if m[i][k] != 0), None)
        if pivot is None:
            return Fraction(0)
        if pivot != k:
            m[k], m[pivot] = m[pivot], m[k]
            det = -det
        det *= m[k][k]
        for i in range(k + 1, n):
            factor = m[i][k] / m[k][k]
            m[i] = [x - factor * y for x, y in zip(m[i], m[k])]
    return det


def norm_inf(rows):
    return max(sum(abs(x) for x in row) for row in rows)


def identity(n):
    return [[Fraction(int(i == j)) for j in range(n)] for i in range(n)]


def condition(a):
    """The infinity-norm condition number, exactly."""
    return norm_inf(a) * norm_inf(exact_solve(a, identity(len(a))))


def random_quad(rng, shape):
    """Normal values with all 113 significand bits used."""
    return (np.quad(1) * rng.standard_normal(shape)
            + np.quad(2.0**-60) * rng.standard_normal(shape))


def relative_error(computed, reference):
    difference = [[x - y for x, y in zip(r, s)] for r, s in zip(computed, reference)]
    return norm_inf(difference) / norm_inf(reference)


class TestSolve:
    # from 40 on, LU is blocked and its trailing updates run on the BLAS
    @pytest.mark.parametrize("n", [1, 2, 3, 5, 8, 13, 40, 100])
    def test_backward_error_of_quad_precision(self, n):
        rng = np.random.default_rng(n)
        a, b = random_quad(rng, (n, n)), random_quad(rng, (n, 3))
        x = np.linalg.solve(a, b)
        assert x.dtype == np.quad and x.shape == (n, 3)
        A, B, X = exact(a), exact(b), exact(x)
        residual = [[B[i][j] - sum(A[i][k] * X[k][j] for k in range(n))
                     for j in range(3)] for i in range(n)]
        backward = norm_inf(residual) / (norm_inf(A) * norm_inf(X) + norm_inf(B))
        assert backward <= n * EPS

    @pytest.mark.parametrize("n", [4, 12, 16, 20])
    def test_hilbert_matrices_to_the_error_their_condition_predicts(self, n):
        hilbert = [[Fraction(1, i + j + 1) for j in range(n)] for i in range(n)]
        a = np.array([[np.quad(x) for x in row] for row in hilbert], dtype=np.quad)
        b = a @ np.ones(n, dtype=np.quad)
        A, B = exact(a), [[x] for x in exact(b)]
        reference = exact_solve(A, B)
        x = np.linalg.solve(a, b)
        error = relative_error([[v] for v in exact(x)], reference)
        assert error <= n * condition(A) * EPS
        # quad keeps digits where float64 has none left (cond(H_12) ~ 1.6e16)
        if n >= 12:
            wrong = np.linalg.solve(a.astype(np.float64), b.astype(np.float64))
            assert np.abs(wrong - 1).max() > 1e-3
            assert error < Fraction(1, 1000)

    def test_one_right_hand_side_and_stacks(self):
        rng = np.random.default_rng(1)
        a, b = random_quad(rng, (4, 3, 3)), random_quad(rng, (4, 3, 1))
        x = np.linalg.solve(a, b)
        assert x.shape == (4, 3, 1) and x.dtype == np.quad
        for k in range(4):
            assert x[k, :, 0].tobytes() == np.linalg.solve(a[k], b[k, :, 0]).tobytes()
        # one vector b (M,) for the whole stack
        xs = np.linalg.solve(a, b[0, :, 0])
        assert xs.shape == (4, 3)
        assert xs[2].tobytes() == np.linalg.solve(a[2], b[0, :, 0]).tobytes()

    def test_strided_and_byte_swapped_operands(self):
        rng = np.random.default_rng(2)
        a, b = random_quad(rng, (5, 5)), random_quad(rng, (5,))
        expected = np.linalg.solve(a, b).tobytes()
        assert np.linalg.solve(a.T.copy().T, b).tobytes() == expected
        assert np.linalg.solve(np.asfortranarray(a), b).tobytes() == expected
        swapped = a.astype(a.dtype.newbyteorder())
        assert np.linalg.solve(swapped, b).tobytes() == expected
        wide = np.zeros((5, 10), dtype=np.quad)
        wide[:, ::2] = a
        assert np.linalg.solve(wide[:, ::2], b).tobytes() == expected

    def test_other_operands_are_computed_in_quad(self):
        a = np.array([[3, 1], [1, 2]])
        x = np.linalg.solve(a.astype(np.quad), [1, 0])
        assert x.dtype == np.quad
        assert relative_error([[v] for v in exact(x)],
                              [[Fraction(2, 5)], [Fraction(-1, 5)]]) <= 2 * EPS
        assert np.linalg.solve(a, np.array([1, 0], dtype=np.quad)).dtype == np.quad
        assert np.linalg.solve(a.astype(np.float32), x).dtype == np.quad

    def test_singular_matrix_raises(self):
        a = np.array([[1, 2], [2, 4]], dtype=np.quad)
        with pytest.raises(LinAlgError, match="Singular matrix"):
            np.linalg.solve(a, np.ones(2, dtype=np.quad))
        with pytest.raises(LinAlgError, match="Singular matrix"):
            np.linalg.inv(np.stack([np.eye(2, dtype=np.quad), a]))

    def test_no_floating_point_warnings_of_its_own(self):
        # the multiplier 1e-4935 / 10 underflows; det is not computed under
        # np.linalg's own errstate, so a flag left raised would show here
        a = np.array([["1e-4935", "1"], ["10", "1"]], dtype=np.quad)
        with np.errstate(all="raise"):
            assert abs(np.linalg.det(a) + 10) < np.quad("1e-30")


class TestInverse:
    @pytest.mark.parametrize("n", [1, 2, 6, 11])
    def test_inverse_to_the_error_the_condition_predicts(self, n):
        rng = np.random.default_rng(10 + n)
        a = random_quad(rng, (n, n))
        inverse = np.linalg.inv(a)
        assert inverse.dtype == np.quad
        A = exact(a)
        reference = exact_solve(A, identity(n))
        assert relative_error(exact(inverse), reference) <= n * condition(A) * EPS

    def test_blocked_inverse_residual(self):
        """n = 48: a panel of 32, its trailing updates of A and of the
        identity products on the BLAS."""
        n = 48
        a = random_quad(np.random.default_rng(48), (n, n))
        X = exact(np.linalg.inv(a))
        A = exact(a)
        residual = [[x - y for x, y in zip(r, s)]
                    for r, s in zip(matrix_product(A, X), identity(n))]
        assert norm_inf(residual) / (norm_inf(A) * norm_inf(X)) <= n * EPS

    def test_stack_and_empty(self):
        rng = np.random.default_rng(3)
        a = random_quad(rng, (2, 3, 4, 4))
        inverse = np.linalg.inv(a)
        assert inverse.shape == a.shape
        assert inverse[1, 2].tobytes() == np.linalg.inv(a[1, 2]).tobytes()
        assert np.linalg.inv(np.zeros((3, 0, 0), dtype=np.quad)).shape == (3, 0, 0)

    def test_tensorinv_and_matrix_power_go_through_it(self):
        a = np.array([[2, 1], [1, 1]], dtype=np.quad)
        assert np.linalg.matrix_power(a, -2).dtype == np.quad
        assert exact(np.linalg.matrix_power(a, -1)) == [[1, -1], [-1, 2]]
        assert np.linalg.tensorinv(a.reshape(2, 2), ind=1).dtype == np.quad
        # tensorsolve: a (2, 3, 6) tensor against a (2, 3) right-hand side
        rng = np.random.default_rng(4)
        t = random_quad(rng, (6, 6))
        x = random_quad(rng, (6,))
        solution = np.linalg.tensorsolve(t.reshape(2, 3, 6), (t @ x).reshape(2, 3))
        assert solution.dtype == np.quad and solution.shape == (6,)
        assert relative_error([list(exact(solution))], [list(exact(x))]) <= 2**-100


class TestDeterminant:
    @pytest.mark.parametrize("n", [1, 2, 3, 7, 12])
    def test_det_and_slogdet_to_the_error_the_condition_predicts(self, n):
        rng = np.random.default_rng(20 + n)
        a = random_quad(rng, (n, n))
        A = exact(a)
        reference = exact_det(A)
        bound = n * condition(A) * EPS
        det = exact(np.linalg.det(a))
        assert abs(det - reference) <= bound * abs(reference)
        sign, logdet = np.linalg.slogdet(a)
        assert sign.dtype == logdet.dtype == np.quad
        assert exact(sign) == (1 if reference > 0 else -1)
        with localcontext() as context:
            context.prec = 60
            log_reference = (Decimal(abs(reference.numerator)).ln()
                             - Decimal(reference.denominator).ln())
        assert abs(Decimal(str(logdet)) - log_reference) <= Decimal(float(bound)) + \
            Decimal(2) ** -100 * abs(log_reference)

    def test_integer_determinants(self):
        a = np.array([[2, -3, 1], [2, 0, -1], [1, 4, 5]])
        assert abs(np.linalg.det(a.astype(np.quad)) - 49) < np.quad("1e-30")
        assert np.linalg.det(np.eye(5, dtype=np.quad)[::-1]) == 1

    def test_beyond_the_range_of_float64_and_of_each_step(self):
        # det 1e4000 (float64 overflows); the product 1e3000 * 1e3000 alone
        # would overflow quad before the 1e-2000 comes in
        a = np.diag(np.array(["1e3000", "1e3000", "1e-2000"], dtype=np.quad))
        det = np.linalg.det(a)
        assert abs(det / np.quad("1e4000") - 1) < np.quad("1e-32")
        sign, logdet = np.linalg.slogdet(a)
        assert sign == 1
        assert abs(logdet - 4000 * np.log(np.quad(10))) < np.quad("1e-28")
        # float64 holds neither 1e3000 nor 1e-2000: a singular matrix to it
        with np.errstate(over="ignore", under="ignore"):
            assert np.linalg.det(a.astype(np.float64)) == 0

    def test_overflow_warns_as_float64s(self):
        """A determinant beyond quad's range is inf with numpy's overflow
        warning (the loop's own arithmetic raises none)."""
        huge = np.diag(np.array(["1e4000", "1e4000"], dtype=np.quad))
        with pytest.warns(RuntimeWarning, match="overflow encountered in det"):
            assert np.linalg.det(huge) == np.inf
        with np.errstate(over="raise"), pytest.raises(FloatingPointError):
            np.linalg.det(huge)
        assert np.linalg.slogdet(huge).logabsdet > 18000

    def test_singular_and_empty(self):
        a = np.array([[1, 2], [2, 4]], dtype=np.quad)
        assert np.linalg.det(a) == 0
        sign, logdet = np.linalg.slogdet(a)
        assert sign == 0 and logdet == -np.inf and logdet.dtype == np.quad
        assert np.linalg.det(np.zeros((0, 0), dtype=np.quad)) == 1
        assert np.linalg.slogdet(np.zeros((0, 0), dtype=np.quad)) == (1, 0)

    def test_stacks(self):
        rng = np.random.default_rng(4)
        a = random_quad(rng, (3, 2, 4, 4))
        det = np.linalg.det(a)
        assert det.shape == (3, 2) and det.dtype == np.quad
        assert det[2, 1] == np.linalg.det(a[2, 1])


class TestCholesky:
    def test_exact_factor_of_an_integer_matrix(self):
        factor = np.array([[2, 0, 0], [-1, 3, 0], [4, 5, 1]])
        a = (factor @ factor.T).astype(np.quad)
        assert exact(np.linalg.cholesky(a)) == factor.tolist()
        assert exact(np.linalg.cholesky(a, upper=True)) == factor.T.tolist()

    # at 48, a panel of 32 and the trailing update on the BLAS
    @pytest.mark.parametrize("n", [1, 2, 5, 9, 48])
    def test_backward_error_of_quad_precision(self, n):
        rng = np.random.default_rng(30 + n)
        m = random_quad(rng, (n, n))
        a = m @ m.T + n * np.eye(n, dtype=np.quad)
        a = (a + a.T) / 2   # symmetric to the last bit
        lower = np.linalg.cholesky(a)
        assert lower.dtype == np.quad
        assert (np.triu(lower, 1) == 0).all()
        A, L = exact(a), exact(lower)
        product = [[sum(L[i][k] * L[j][k] for k in range(n)) for j in range(n)]
                   for i in range(n)]
        assert relative_error(product, A) <= n * EPS
        upper = np.linalg.cholesky(a, upper=True)
        assert upper.tobytes() == np.ascontiguousarray(lower.T).tobytes()

    def test_one_triangle_is_read(self):
        a = np.array([[4, 99], [2, 5]], dtype=np.quad)
        assert exact(np.linalg.cholesky(a)) == [[2, 0], [1, 2]]
        b = np.array([[4, 2], [-99, 5]], dtype=np.quad)
        assert exact(np.linalg.cholesky(b, upper=True)) == [[2, 1], [0, 2]]

    def test_not_positive_definite_raises(self):
        for a in ([[1, 2], [2, 1]], [[0, 0], [0, 1]], [[np.nan, 0], [0, 1]]):
            with pytest.raises(LinAlgError, match="Matrix is not positive definite"):
                np.linalg.cholesky(np.array(a, dtype=np.quad))

    def test_stacks(self):
        rng = np.random.default_rng(5)
        m = random_quad(rng, (3, 4, 4))
        a = m @ np.swapaxes(m, -1, -2) + 4 * np.eye(4, dtype=np.quad)
        lower = np.linalg.cholesky(a)
        assert lower.shape == (3, 4, 4)
        assert lower[1].tobytes() == np.linalg.cholesky(a[1]).tobytes()


def matrix_product(x, y):
    return [[sum(x[i][k] * y[k][j] for k in range(len(y))) for j in range(len(y[0]))]
            for i in range(len(x))]


def transposed(x):
    return [list(column) for column in zip(*x)]


class TestQR:
    @pytest.mark.parametrize("shape", [(5, 3), (3, 5), (4, 4), (1, 1), (6, 1)])
    def test_q_orthonormal_and_qr_the_matrix(self, shape):
        m, n = shape
        rng = np.random.default_rng(m * 10 + n)
        a = random_quad(rng, shape)
        q, r = np.linalg.qr(a)
        k = min(m, n)
        assert q.dtype == r.dtype == np.quad
        assert q.shape == (m, k) and r.shape == (k, n)
        assert (np.tril(r, -1) == 0).all()
        A, Q, R = exact(a), exact(q), exact(r)
        bound = m * n * EPS
        assert relative_error(matrix_product(Q, R), A) <= bound
        assert relative_error(matrix_product(transposed(Q), Q), identity(k)) <= bound

    def test_complete_mode(self):
        rng = np.random.default_rng(6)
        a = random_quad(rng, (5, 2))
        q, r = np.linalg.qr(a, mode="complete")
        assert q.shape == (5, 5) and r.shape == (5, 2)
        A, Q, R = exact(a), exact(q), exact(r)
        assert relative_error(matrix_product(Q, R), A) <= 10 * EPS
        assert relative_error(matrix_product(transposed(Q), Q), identity(5)) <= 10 * EPS
        reduced_q, reduced_r = np.linalg.qr(a)
        assert q[:, :2].tobytes() == np.ascontiguousarray(reduced_q).tobytes()

    def test_r_and_raw_modes_have_lapacks_layout(self):
        rng = np.random.default_rng(7)
        a = random_quad(rng, (4, 3))
        r = np.linalg.qr(a, mode="r")
        assert r.tobytes() == np.linalg.qr(a).R.tobytes()
        h, tau = np.linalg.qr(a, mode="raw")
        assert h.dtype == tau.dtype == np.quad
        assert h.shape == (3, 4) and tau.shape == (3,)
        # the same reflectors as LAPACK's dgeqrf, to float64's precision
        h64, tau64 = np.linalg.qr(a.astype(np.float64), mode="raw")
        np.testing.assert_allclose(h.astype(np.float64), h64, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(tau.astype(np.float64), tau64, rtol=1e-12, atol=1e-12)

    def test_stacks_and_zero_columns(self):
        rng = np.random.default_rng(8)
        a = random_quad(rng, (2, 3, 4, 3))
        q, r = np.linalg.qr(a)
        assert q.shape == (2, 3, 4, 3) and r.shape == (2, 3, 3, 3)
        assert q[1, 2].tobytes() == np.ascontiguousarray(np.linalg.qr(a[1, 2]).Q).tobytes()
        zero = np.zeros((3, 2), dtype=np.quad)
        q, r = np.linalg.qr(zero)
        assert (r == 0).all() and exact(q) == [[1, 0], [0, 1], [0, 0]]


def eigenvalues_below(m, x):
    """How many eigenvalues of the symmetric m (Fractions) are below x:
    the negative pivots of the exact LDL^T of m - x I."""
    n = len(m)
    a = [[m[i][j] - (x if i == j else 0) for j in range(n)] for i in range(n)]
    negative = 0
    for k in range(n):
        pivot = a[k][k]
        if pivot == 0:
            raise ZeroDivisionError("x is an eigenvalue of a leading block")
        negative += pivot < 0
        for i in range(k + 1, n):
            factor = a[i][k] / pivot
            a[i] = [y - factor * z for y, z in zip(a[i], a[k])]
    return negative


def assert_eigenvalues_within(m, computed, tolerances):
    """Each computed eigenvalue (ascending) of the symmetric m within its
    tolerance (absolute) of an exact one, each in its own place."""
    for i, (value, tol) in enumerate(zip(computed, tolerances)):
        assert eigenvalues_below(m, value - tol) <= i, (i, value)
        assert eigenvalues_below(m, value + tol) >= i + 1, (i, value)


def gram(a):
    """A^T A exactly, for the singular values of a (Fractions)."""
    return matrix_product(transposed(a), a)


def diagonal_matrix(values, m, n):
    return [[values[i] if i == j else Fraction(0) for j in range(n)] for i in range(m)]


class TestSVD:
    @pytest.mark.parametrize("shape", [(5, 3), (3, 5), (4, 4), (1, 1), (6, 1), (1, 6)])
    @pytest.mark.parametrize("full_matrices", [True, False])
    def test_backward_error_and_orthonormal_factors(self, shape, full_matrices):
        m, n = shape
        rng = np.random.default_rng(m * 10 + n)
        a = random_quad(rng, shape)
        u, s, vh = np.linalg.svd(a, full_matrices=full_matrices)
        k = min(m, n)
        assert u.dtype == s.dtype == vh.dtype == np.quad
        assert u.shape == ((m, m) if full_matrices else (m, k))
        assert vh.shape == ((n, n) if full_matrices else (k, n))
        assert (s[:-1] >= s[1:]).all()
        U, S, Vh = exact(u), exact(s), exact(vh)
        middle = diagonal_matrix(S, len(U[0]), len(Vh))
        bound = m * n * EPS
        assert relative_error(matrix_product(matrix_product(U, middle), Vh), exact(a)) <= bound
        assert relative_error(matrix_product(transposed(U), U), identity(len(U[0]))) <= bound
        assert relative_error(matrix_product(Vh, transposed(Vh)), identity(len(Vh))) <= bound

    @pytest.mark.parametrize("shape", [(5, 5), (6, 3), (3, 6)])
    def test_singular_values_to_their_error_bound(self, shape):
        rng = np.random.default_rng(sum(shape))
        a = random_quad(rng, shape)
        s = np.linalg.svdvals(a)
        A = exact(a)
        m = gram(A) if shape[0] >= shape[1] else gram(transposed(A))
        squares = sorted(x * x for x in exact(s))
        # normwise: |s_i - exact| <= n 2**-112 s_0 (backward stability)
        tol = [4 * max(shape) * EPS * exact(s[0]) * x ** 0.5 for x in squares]
        assert_eigenvalues_within(m, squares, [Fraction(t) for t in tol])

    def test_graded_columns_keep_high_relative_accuracy(self):
        """A = B D, D spanning 2**-300: Jacobi finds each singular value to
        about n 2**-112 cond(B) relatively, however small (Demmel and
        Veselic), not only to 2**-112 of the largest."""
        rng = np.random.default_rng(11)
        b = random_quad(rng, (4, 4))
        a = b * np.quad(2) ** np.array([0, -100, -200, -300])
        s = np.linalg.svdvals(a)
        squares = sorted(x * x for x in exact(s))
        tol = [x / 2**100 for x in squares]
        assert_eigenvalues_within(gram(exact(a)), squares, tol)

    def test_rank_deficient_matrix_has_orthonormal_completions(self):
        rng = np.random.default_rng(12)
        a = (rng.integers(-3, 4, (5, 2)) @ rng.integers(-3, 4, (2, 4))).astype(np.quad)
        u, s, vh = np.linalg.svd(a)
        U, Vh = exact(u), exact(vh)
        assert relative_error(matrix_product(transposed(U), U), identity(5)) <= 20 * EPS
        assert relative_error(matrix_product(Vh, transposed(Vh)), identity(4)) <= 20 * EPS
        assert (abs(s[2:]) <= 20 * s[0] * np.quad(2) ** -112).all()
        assert np.linalg.matrix_rank(a) == 2
        zero_u, zero_s, zero_vh = np.linalg.svd(np.zeros((3, 2), dtype=np.quad))
        assert exact(zero_u) == identity(3) and exact(zero_vh) == identity(2)
        assert (zero_s == 0).all()

    @pytest.mark.parametrize("rank", [1, 2])
    def test_exactly_rank_deficient_matrices_converge(self, rank):
        """Integer products of rank 1 or 2: a rotation leaves of a row
        parallel to another only rounding, which is dropped as zero (it
        would shrink by 2**-112 a sweep and never converge)."""
        rng = np.random.default_rng(rank)
        for n in range(3, 11):
            a = rng.integers(-4, 5, (n, rank)) @ rng.integers(-4, 5, (rank, n))
            u, s, vh = np.linalg.svd(a.astype(np.quad))
            assert np.linalg.matrix_rank(a.astype(np.quad)) == np.linalg.matrix_rank(a)
            np.testing.assert_allclose(s.astype(np.float64), np.linalg.svdvals(a),
                                       atol=1e-12 * max(1, abs(a).max()))
            U, Vh = exact(u), exact(vh)
            assert relative_error(matrix_product(transposed(U), U), identity(n)) <= n * n * EPS
            assert relative_error(matrix_product(Vh, transposed(Vh)), identity(n)) <= n * n * EPS
        assert np.linalg.svdvals(np.ones((3, 3), dtype=np.quad)).tolist()[1:] == [0, 0]
        with pytest.warns(np.exceptions.RankWarning):
            np.polyfit(np.array([1, 1, 1, 2], dtype=np.quad),
                       np.array([1, 2, 3, 4], dtype=np.quad), 2)

    @pytest.mark.parametrize("shape", [(0, 3), (2, 0), (0, 0)])
    def test_empty_matrices_as_lapacks(self, shape):
        for full_matrices in (True, False):
            expected = np.linalg.svd(np.zeros(shape), full_matrices=full_matrices)
            result = np.linalg.svd(np.zeros(shape, dtype=np.quad),
                                   full_matrices=full_matrices)
            for got, want in zip(result, expected):
                assert got.dtype == np.quad and got.shape == want.shape
                assert (got == want).all()

    def test_stacks_and_values_only(self):
        rng = np.random.default_rng(13)
        a = random_quad(rng, (2, 3, 4, 3))
        u, s, vh = np.linalg.svd(a, full_matrices=False)
        single = np.linalg.svd(a[1, 2], full_matrices=False)
        assert u[1, 2].tobytes() == np.ascontiguousarray(single.U).tobytes()
        assert s.tobytes() == np.linalg.svd(a, compute_uv=False).tobytes()
        assert s.tobytes() == np.linalg.svdvals(a).tobytes()

    def test_hermitian_goes_through_eigh(self):
        a = np.array([[2, 1], [1, -3]], dtype=np.quad)
        u, s, vh = np.linalg.svd(a, hermitian=True)
        w = np.linalg.eigvalsh(a)
        assert sorted(exact(s)) == sorted(abs(x) for x in exact(w))

    def test_not_finite_raises(self):
        a = np.eye(3, dtype=np.quad)
        a[1, 2] = np.inf
        with pytest.raises(LinAlgError, match="SVD did not converge"):
            np.linalg.svd(a)
        a[1, 2] = np.nan
        with pytest.raises(LinAlgError, match="SVD did not converge"):
            np.linalg.svdvals(a)


def random_symmetric(rng, n):
    a = random_quad(rng, (n, n))
    return a + a.T


class TestEigh:
    @pytest.mark.parametrize("n", [1, 4, 7])
    def test_eigenpairs_backward_error_and_inertia(self, n):
        rng = np.random.default_rng(n)
        a = random_symmetric(rng, n)
        w, v = np.linalg.eigh(a)
        assert w.dtype == v.dtype == np.quad
        assert (w[:-1] <= w[1:]).all()
        A, W, V = exact(a), exact(w), exact(v)
        bound = 4 * n * n * EPS
        residual = matrix_product(A, V)
        residual = [[x - y * W[j] for j, (x, y) in enumerate(zip(r, vr))]
                    for r, vr in zip(residual, V)]
        assert norm_inf(residual) <= bound * norm_inf(A)
        assert relative_error(matrix_product(transposed(V), V), identity(n)) <= bound
        largest = max(abs(x) for x in W)
        assert_eigenvalues_within(A, W, [bound * largest] * n)

    def test_graded_positive_definite_keeps_high_relative_accuracy(self):
        """A = D B D, D spanning 2**-150: each eigenvalue to about
        n 2**-112 cond(B) relatively (Demmel and Veselic)."""
        rng = np.random.default_rng(21)
        c = random_quad(rng, (5, 5))
        b = c @ c.T + 5 * np.eye(5, dtype=np.quad)
        d = np.quad(2) ** np.array([0, -40, -80, -120, -150])
        a = d[:, None] * b * d[None, :]
        w = np.linalg.eigvalsh(a)
        W = exact(w)
        assert_eigenvalues_within(exact(a), W, [abs(x) / 2**100 for x in W])

    @pytest.mark.parametrize("uplo", ["L", "U"])
    def test_one_triangle_is_read(self, uplo):
        rng = np.random.default_rng(22)
        a = random_symmetric(rng, 4)
        garbled = a.copy()
        other = np.triu_indices(4, 1) if uplo == "L" else np.tril_indices(4, -1)
        garbled[other] = np.quad(1e30)
        w, v = np.linalg.eigh(garbled, UPLO=uplo)
        expected = np.linalg.eigh(a)
        assert w.tobytes() == expected.eigenvalues.tobytes()
        assert v.tobytes() == expected.eigenvectors.tobytes()
        assert w.tobytes() == np.linalg.eigvalsh(garbled, UPLO=uplo).tobytes()

    def test_stacks_and_empty(self):
        rng = np.random.default_rng(23)
        a = np.stack([random_symmetric(rng, 3) for _ in range(4)]).reshape(2, 2, 3, 3)
        w, v = np.linalg.eigh(a)
        assert w.shape == (2, 2, 3) and v.shape == (2, 2, 3, 3)
        assert v[1, 0].tobytes() == np.linalg.eigh(a[1, 0]).eigenvectors.tobytes()
        w, v = np.linalg.eigh(np.zeros((0, 0), dtype=np.quad))
        assert w.shape == (0,) and v.shape == (0, 0) and w.dtype == np.quad

    def test_singular_and_indefinite(self):
        a = np.array([[1, 2, 3], [2, 4, 6], [3, 6, 9]], dtype=np.quad)
        w = np.linalg.eigvalsh(a)
        assert abs(w[0]) <= 16 * np.quad(2) ** -112 and abs(w[1]) <= 16 * np.quad(2) ** -112
        assert abs(w[2] - 14) <= 16 * np.quad(2) ** -112 * 14

    def test_not_finite_raises(self):
        a = np.eye(2, dtype=np.quad)
        a[1, 0] = np.nan
        with pytest.raises(LinAlgError, match="Eigenvalues did not converge"):
            np.linalg.eigh(a)


def exact_least_squares(a, b):
    """The minimum-norm least-squares solution of full-rank a x = b, exactly:
    (A^T A)^-1 A^T b for tall a, A^T (A A^T)^-1 b for wide a."""
    if len(a) >= len(a[0]):
        return exact_solve(gram(a), matrix_product(transposed(a), b))
    return matrix_product(transposed(a), exact_solve(gram(transposed(a)), b))


class TestLstsq:
    @pytest.mark.parametrize("shape", [(8, 3), (3, 6), (4, 4)])
    def test_solution_and_residuals_exactly(self, shape):
        m, n = shape
        rng = np.random.default_rng(m + n)
        a, b = random_quad(rng, shape), random_quad(rng, (m, 2))
        x, residuals, rank, s = np.linalg.lstsq(a, b)
        assert x.dtype == residuals.dtype == s.dtype == np.quad
        assert rank == min(m, n)
        assert s.tobytes() == np.linalg.svdvals(a).tobytes()
        X = exact_least_squares(exact(a), exact(b))
        assert relative_error(exact(x), X) <= 2**-100
        if m > n:
            r = [[y - z for y, z in zip(row, arow)]
                 for row, arow in zip(exact(b), matrix_product(exact(a), X))]
            for column, value in enumerate(exact(residuals)):
                want = sum(row[column] ** 2 for row in r)
                assert abs(value - want) <= 2**-100 * want
        else:
            assert residuals.shape == (0,)

    def test_rank_deficient_as_lapack(self):
        a = np.array([[1, 2, 3], [2, 4, 6], [1, 0, 1], [0, 1, 1]], dtype=np.quad)
        b = np.array([1, 2, 3, 4], dtype=np.quad)
        x, residuals, rank, s = np.linalg.lstsq(a, b)
        x64, residuals64, rank64, s64 = np.linalg.lstsq(a.astype(np.float64),
                                                       b.astype(np.float64))
        assert rank == rank64 == 2 and residuals.shape == residuals64.shape == (0,)
        np.testing.assert_allclose(x.astype(np.float64), x64, rtol=1e-13)
        np.testing.assert_allclose(s.astype(np.float64), s64, rtol=1e-13, atol=1e-13)

    @pytest.mark.parametrize("a_shape, b_shape", [((0, 3), (0,)), ((3, 0), (3,)),
                                                  ((3, 2), (3, 0)), ((4, 2), (4,))])
    def test_shapes_as_lapack(self, a_shape, b_shape):
        rng = np.random.default_rng(1)
        a, b = rng.standard_normal(a_shape), rng.standard_normal(b_shape)
        for got, want in zip(np.linalg.lstsq(a.astype(np.quad), b.astype(np.quad)),
                             np.linalg.lstsq(a, b)):
            assert np.shape(got) == np.shape(want)
            np.testing.assert_allclose(np.asarray(got, dtype=np.float64), want, rtol=1e-13)

    def test_rcond_and_polyfit(self):
        x = np.arange(12, dtype=np.quad)
        y = np.quad(1) / 3 * x**3 - np.quad(2) / 7 * x + np.quad(1) / 11
        coefficients = np.polyfit(x, y, 3)
        assert coefficients.dtype == np.quad
        expected = [Fraction(1, 3), 0, Fraction(-2, 7), Fraction(1, 11)]
        assert max(abs(c - e) for c, e in zip(exact(coefficients), expected)) <= 2**-96
        float64_error = abs(np.polyfit(x.astype(float), y.astype(float), 3)[0] - 1 / 3)
        assert float64_error > 2**-60
        c, cov = np.polyfit(x, y, 3, cov="unscaled")
        assert cov.dtype == np.quad and cov.shape == (4, 4)
        assert np.linalg.lstsq(np.eye(2, dtype=np.quad), np.ones(2), rcond=2)[2] == 0


class TestThroughTheSVD:
    """pinv, matrix_rank, cond and norm, computed from the quad SVD."""

    def setup_method(self):
        rng = np.random.default_rng(31)
        self.a = random_quad(rng, (5, 3))

    def test_pinv(self):
        p = np.linalg.pinv(self.a)
        assert p.dtype == np.quad and p.shape == (3, 5)
        A, P = exact(self.a), exact(p)
        assert relative_error(matrix_product(matrix_product(A, P), A), A) <= 2**-104
        assert relative_error(P, exact_least_squares(A, identity(5))) <= 2**-100

    @pytest.mark.parametrize("order", [None, "fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf])
    def test_matrix_norms_and_conditions(self, order):
        square = self.a[:3]
        for value, reference in ((np.linalg.norm(self.a, order),
                                  np.linalg.norm(self.a.astype(np.float64), order)),
                                 (np.linalg.cond(square, order),
                                  np.linalg.cond(square.astype(np.float64), order))):
            assert value.dtype == np.quad
            assert math.isclose(float(value), reference, rel_tol=1e-12)

    @pytest.mark.parametrize("order", [None, 0, 1, 2, 3, 0.5, -1, np.inf, -np.inf])
    def test_vector_norms(self, order):
        v = self.a[:, 0]
        value = np.linalg.norm(v, order)
        assert value.dtype == np.quad
        assert math.isclose(float(value), np.linalg.norm(v.astype(np.float64), order),
                            rel_tol=1e-14)
        if order == 3:
            cube = sum(abs(x) ** 3 for x in exact(v))
            assert abs(Fraction(*value.item().as_integer_ratio()) ** 3 / cube - 1) <= 2**-108

    def test_matrix_rank_with_tolerances(self):
        a = np.diag(np.array([1, 1e-20, 1e-30], dtype=np.quad))
        assert np.linalg.matrix_rank(a) == 3
        assert np.linalg.matrix_rank(a, rtol=1e-25) == 2
        assert np.linalg.matrix_rank(a.astype(np.float64)) == 1


class TestRefusals:
    """What needs complex quad raises; nothing falls back to float64."""

    def test_complex_with_quad(self):
        with pytest.raises(TypeError, match="cannot mix quad with complex128: numpy-dive "
                                            "has no complex quad"):
            np.linalg.solve(np.eye(2, dtype=np.quad), np.ones(2, dtype=complex))

    @pytest.mark.parametrize("function", [np.linalg.eig, np.linalg.eigvals])
    def test_general_eigenvalues(self, function):
        with pytest.raises(TypeError, match="may be complex, and numpy-dive has no "
                                            "complex quad"):
            function(np.eye(2, dtype=np.quad))

    def test_object_arrays(self):
        with pytest.raises(TypeError, match="array type object is unsupported"):
            np.linalg.solve(np.eye(2, dtype=np.quad), np.ones(2, dtype=object))


def test_float64_unchanged():
    a = np.array([[3.0, 1.0], [1.0, 2.0]])
    assert np.linalg.solve(a, [9.0, 8.0]).dtype == np.float64
    assert math.isclose(np.linalg.det(a), 5.0)
    assert np.linalg.svdvals(a).dtype == np.float64
    assert np.linalg.norm(np.array([1.0, 2.0], dtype=np.float32), 3).dtype == np.float32
