"""Python-level helpers of the np.quad scalar (IEEE 754 binary128)."""
from decimal import Decimal

import numpy as np


def format_quad(value, format_spec):
    """``format(q, spec)``: the exact value of ``q`` formatted as a Decimal.

    A quad is a dyadic rational, so it has a finite decimal expansion;
    formatting that expansion rounds once (half to even) to the requested
    digits.  An empty spec gives ``str(q)``.
    """
    if not format_spec:
        return str(value)
    if not np.isfinite(value):
        return format(float(value), format_spec)
    numerator, denominator = value.as_integer_ratio()
    # numerator / 2**k == numerator * 5**k / 10**k
    scale = denominator.bit_length() - 1
    digits = str(abs(numerator) * 5**scale)
    exact = Decimal((int(np.signbit(value)), tuple(map(int, digits)), -scale))
    return format(exact, format_spec)
