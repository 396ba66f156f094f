"""Exact decoding and printing of the floating-point formats NumPy stores.

Pure Python (no gdb needed), so the printers' arithmetic is unit-tested on its
own: IEEE binary16 (npy_half), binary128 (__float128, npy_quad) and the x87
80-bit extended format (long double on x86-64, stored in 16 bytes).
"""
from decimal import Decimal
from fractions import Fraction
import math


class BinaryFormat:
    """An IEEE-style binary format: `mantissa_bits` stored fraction bits and
    `exponent_bits` exponent bits; `explicit_one` when the leading bit is
    stored too (the x87 format)."""

    def __init__(self, name, exponent_bits, mantissa_bits, explicit_one=False):
        self.name = name
        self.exponent_bits = exponent_bits
        self.mantissa_bits = mantissa_bits
        self.explicit_one = explicit_one
        self.bias = (1 << (exponent_bits - 1)) - 1
        self.nbits = 1 + exponent_bits + mantissa_bits
        # significant digits that always round-trip: 1 + ceil(p * log10(2))
        precision = mantissa_bits + (0 if explicit_one else 1)
        self.round_trip_digits = 1 + math.ceil(precision * math.log10(2))

    def decode(self, bits):
        """(sign, value) where value is a Fraction, 'inf' or 'nan'."""
        mantissa = bits & ((1 << self.mantissa_bits) - 1)
        exponent = (bits >> self.mantissa_bits) & ((1 << self.exponent_bits) - 1)
        sign = -1 if bits >> (self.nbits - 1) & 1 else 1
        fraction_bits = self.mantissa_bits - (1 if self.explicit_one else 0)
        if exponent == (1 << self.exponent_bits) - 1:
            payload = mantissa & ((1 << fraction_bits) - 1)
            return sign, "nan" if payload else "inf"
        if exponent == 0:
            # subnormal (or zero): no implicit leading one, exponent 1 - bias
            return sign, Fraction(mantissa) * Fraction(2) ** (1 - self.bias - fraction_bits)
        if not self.explicit_one:
            mantissa |= 1 << self.mantissa_bits
        return sign, Fraction(mantissa) * Fraction(2) ** (exponent - self.bias - fraction_bits)

    def nearest(self, value):
        """The bit pattern nearest to the Fraction `value`, ties to even."""
        sign = 1 if value < 0 else 0
        magnitude = abs(value)
        top_exponent = (1 << self.exponent_bits) - 1
        fraction_bits = self.mantissa_bits - (1 if self.explicit_one else 0)
        if magnitude == 0:
            return sign << (self.nbits - 1)
        # the exponent of the leading bit, clamped to the subnormal range
        exponent = max(_floor_log2(magnitude), 1 - self.bias)
        scaled = magnitude / Fraction(2) ** (exponent - fraction_bits)
        mantissa = _round_half_even(scaled)
        if mantissa >> (fraction_bits + 1):      # rounding carried into a new bit
            mantissa >>= 1
            exponent += 1
        if mantissa >> fraction_bits:            # normal
            biased = exponent + self.bias
            if biased >= top_exponent:
                return (sign << (self.nbits - 1)) | (top_exponent << self.mantissa_bits) | (
                    (1 << fraction_bits) if self.explicit_one else 0)
            if not self.explicit_one:
                mantissa &= (1 << fraction_bits) - 1
        else:                                    # subnormal
            biased = 0
        return (sign << (self.nbits - 1)) | (biased << self.mantissa_bits) | mantissa

    def shortest(self, bits):
        """The shortest decimal that reads back as `bits`, like repr(float)."""
        sign, value = self.decode(bits)
        if isinstance(value, str):
            return value if value == "nan" or sign > 0 else "-inf"
        text = "0.0" if value == 0 else None
        target = self.nearest(value)
        for digits in range(1, self.round_trip_digits + 1):
            if text is not None:
                break
            # below a power of two the gap is half the gap above, so the
            # k-digit decimal next to the nearest one may read back instead
            nearest = _round_to_digits(value, digits)
            unit = Fraction(10) ** (_floor_log10(nearest) - digits + 1)
            fits = [c for c in (nearest, nearest + unit, nearest - unit)
                    if self.nearest(c) == target]
            if fits:
                best = min(fits, key=lambda c: abs(c - value))
                text = _format_decimal(best, digits)
        return ("-" if sign < 0 else "") + text

    def exact(self, bits):
        """The exact decimal value of `bits` (every binary fraction has one)."""
        sign, value = self.decode(bits)
        if isinstance(value, str):
            return value if value == "nan" or sign > 0 else "-inf"
        return ("-" if sign < 0 else "") + exact_decimal(value)


HALF = BinaryFormat("binary16", 5, 10)
DOUBLE = BinaryFormat("binary64", 11, 52)
QUAD = BinaryFormat("binary128", 15, 112)
X87 = BinaryFormat("x87 extended", 15, 64, explicit_one=True)


def exact_decimal(value):
    """A non-negative Fraction with a power-of-two denominator, in decimal.

    Digits go through decimal.Decimal: int -> str conversion refuses numbers
    this long (a binary128 subnormal has over 11000 digits).
    """
    numerator, denominator = value.numerator, value.denominator
    places = denominator.bit_length() - 1          # denominator == 2**places
    digits = _digits(numerator * 5 ** places)
    if places == 0:
        return digits + ".0"
    digits = digits.rjust(places + 1, "0")
    return digits[:-places] + "." + digits[-places:]


def _digits(integer):
    """str(integer) for a non-negative int of any length."""
    return format(Decimal(integer), "f")


def _floor_log2(value):
    """floor(log2(value)) for a positive Fraction, exactly."""
    guess = value.numerator.bit_length() - value.denominator.bit_length()
    if Fraction(2) ** guess > value:
        guess -= 1
    return guess


def _round_half_even(value):
    whole = value.numerator // value.denominator
    rest = value - whole
    if rest > Fraction(1, 2) or (rest == Fraction(1, 2) and whole % 2):
        whole += 1
    return whole


def _round_to_digits(value, digits):
    """value rounded (half even) to `digits` significant decimal digits."""
    exponent = _floor_log10(value) - digits + 1
    unit = Fraction(10) ** exponent
    return _round_half_even(value / unit) * unit


def _floor_log10(value):
    """floor(log10(value)) for a positive Fraction, exactly."""
    guess = math.floor(_floor_log2(value) * math.log10(2))
    while Fraction(10) ** guess > value:
        guess -= 1
    while Fraction(10) ** (guess + 1) <= value:
        guess += 1
    return guess


def _format_decimal(value, digits):
    """A Fraction with at most `digits` significant digits, as repr() would."""
    exponent = _floor_log10(value)
    mantissa = value / Fraction(10) ** (exponent - digits + 1)
    text = str(mantissa.numerator // mantissa.denominator).rstrip("0") or "0"
    # where repr(float) switches to scientific notation
    if -4 <= exponent < 16:
        if exponent >= len(text) - 1:
            return text + "0" * (exponent - len(text) + 1) + ".0"
        if exponent >= 0:
            return text[:exponent + 1] + "." + text[exponent + 1:]
        return "0." + "0" * (-exponent - 1) + text
    body = text[0] + ("." + text[1:] if len(text) > 1 else "")
    return f"{body}e{exponent:+03d}"
