"""Python-level helpers of the np.quad scalar (IEEE 754 binary128)."""
import re
from decimal import Context, Decimal

import numpy as np

# A binary128 value has at most 11,565 significant decimal digits.
_EXACT = Context(prec=12000, Emin=-20000, Emax=20000)


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
    exact = _EXACT.scaleb(Decimal(abs(numerator) * 5**scale), -scale)
    if np.signbit(value):
        exact = exact.copy_negate()
    # Decimal writes e-5 where float writes e-05
    return re.sub(r"([eE][+-])(\d)$", r"\g<1>0\2", format(exact, format_spec))
