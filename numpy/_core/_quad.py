"""Python-level helpers of the np.quad scalar (IEEE 754 binary128)."""
import re
from decimal import ROUND_HALF_EVEN, Context, Decimal

import numpy as np

# A binary128 value has at most 11,565 significant decimal digits.
_EXACT = Context(prec=12000, Emin=-20000, Emax=20000)

# The format-spec mini-language, as float reads it.
_SPEC = re.compile(
    r"(?:(?P<fill>.)?(?P<align>[<>=^]))?(?P<sign>[-+ ])?(?P<z>z)?(?P<alt>#)?"
    r"(?P<zero>0)?(?P<width>\d+)?(?P<grouping>[,_])?(?:\.(?P<precision>\d+))?"
    r"(?P<type>[eEfFgGn%])?\Z", re.DOTALL)


def _exact_decimal(value):
    """The exact value of |q| for a finite quad, as a Decimal."""
    numerator, denominator = value.as_integer_ratio()
    # numerator / 2**k == numerator * 5**k / 10**k
    scale = denominator.bit_length() - 1
    return _EXACT.scaleb(Decimal(abs(numerator) * 5**scale), -scale)


def _exponent_form(text):
    # Decimal writes e-5 where float writes e-05
    return re.sub(r"([eE][+-])(\d)$", r"\g<1>0\2", text)


def _general(exact, digits, alternate, at_least_one_decimal=False):
    """float's 'g' of the exact |value| with `digits` significant digits:
    fixed notation for exponents in [-4, digits), trailing zeros dropped
    unless `alternate`."""
    rounded = Context(prec=digits, rounding=ROUND_HALF_EVEN).plus(exact)
    exponent = rounded.adjusted() if rounded else 0
    limit = digits - 1 if at_least_one_decimal else digits
    if -4 <= exponent < limit:
        text = format(exact, f".{max(digits - 1 - exponent, 0)}f")
    else:
        text = _exponent_form(format(exact, f".{digits - 1}e"))
    if not alternate:
        mantissa, _, tail = text.partition("e")
        if "." in mantissa:
            mantissa = mantissa.rstrip("0").rstrip(".")
        if at_least_one_decimal and not tail and "." not in mantissa:
            mantissa += ".0"
        text = mantissa + ("e" + tail if tail else "")
    return text


def _magnitude_text(value, exact, spec):
    """|q| as the spec's type and precision write it, ungrouped."""
    kind, precision = spec["type"], spec["precision"]
    alternate = bool(spec["alt"])
    if kind is None and precision is None:
        text = str(value).lstrip("-")          # the shortest round trip
    elif kind in (None, "g", "G", "n"):
        digits = max(int(precision or 6), 1)
        text = _general(exact, digits, alternate, at_least_one_decimal=kind is None)
    else:
        digits = int(precision or 6)
        text = format(exact, f".{digits}{kind.lower() if kind != '%' else '%'}")
        text = _exponent_form(text)
    if alternate and "." not in text:
        text = re.sub(r"(\d)(?=[eE%]|$)", r"\1.", text, count=1)
    return text.upper() if kind in ("E", "F", "G") else text


def _group(text, separator):
    """Separators every three digits of the integer part."""
    match = re.match(r"\d+", text)
    digits = match.group()
    grouped = re.sub(r"(?<=\d)(?=(\d{3})+$)", separator, digits)
    return grouped + text[len(digits):]


def _pad(text, spec):
    """Width, fill and alignment, as float applies them ('0' is '=')."""
    width = int(spec["width"] or 0)
    if len(text) >= width:
        return text
    fill = spec["fill"] or ("0" if spec["zero"] and not spec["align"] else " ")
    align = spec["align"] or ("=" if spec["zero"] else ">")
    if align == "=":
        sign = text[:1] if text[:1] in "+- " else ""
        return sign + fill * (width - len(text)) + text[len(sign):]
    return format(text, f"{fill}{align}{width}")


def format_quad(value, format_spec):
    """``format(q, spec)``: the exact value of ``q``, rounded once (half to
    even) to the digits float's format-spec language asks for; an empty spec
    gives ``str(q)``.  A quad is a dyadic rational, so it has a finite
    decimal expansion, which Decimal formats.
    """
    if not format_spec:
        return str(value)
    if not np.isfinite(value) or value == 0:
        # float holds these exactly (Decimal writes a zero's exponent oddly)
        return format(float(value), format_spec)
    spec = _SPEC.match(format_spec)
    if spec is None:
        raise ValueError(f"Invalid format specifier '{format_spec}' for "
                         "object of type 'numpy.quad'")
    exact = _exact_decimal(value)
    text = _magnitude_text(value, exact, spec)
    if spec["grouping"]:
        text = _group(text, spec["grouping"])
    negative = bool(np.signbit(value))
    if spec["z"] and not re.search(r"[1-9]", text):
        negative = False
    sign = "-" if negative else ("" if spec["sign"] in (None, "-") else spec["sign"])
    return _pad(sign + text, spec)
