"""Check that two build profiles give np.quad the same bits and flags.

The portable profile does np.quad's arithmetic and conversions with its own
integer code, the release profile with libgcc's __float128 and __int128.
This runs the same random operations on both (each under its own profile,
through runtests.py) and compares the results bit for bit:

    python3 tools/quad_compare_profiles.py                  # release vs portable
    python3 tools/quad_compare_profiles.py debug portable -n 100000

The operands are random encodings with exponents drawn from the whole range,
near zero (subnormals), near overflow, specials (inf, NaN) and near 1, some
with zero significand words. Exits 1 on any difference.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import warnings

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY_OPS = ['add', 'subtract', 'multiply', 'divide', 'fmod', 'power']
UNARY_OPS = ['sqrt', 'exp', 'log', 'sin', 'cbrt', 'expm1', 'arctan', 'sinh']
FLAG_SAMPLES = 3000


def random_quads(np, rng, n):
    """n random encodings, their exponents mixed as the module doc says"""
    kind = rng.integers(0, 6, n)
    exponent = rng.integers(0, 0x7fff, n).astype(np.uint64)
    mixes = [(1, 0, 3), (2, 0x7ff0, 0x7fff), (3, 0x7fff, 0x8000),
             (4, 16383 - 70, 16383 + 70)]
    for k, low, high in mixes:
        exponent = np.where(kind == k, rng.integers(low, high, n).astype(np.uint64),
                            exponent)
    high_word = rng.integers(0, 2**64, n, dtype=np.uint64)
    low_word = rng.integers(0, 2**64, n, dtype=np.uint64)
    fraction = high_word & np.uint64(0xffffffffffff)
    fraction = np.where((kind == 5) & (rng.random(n) < .5), np.uint64(0), fraction)
    low_word = np.where((kind == 5) & (rng.random(n) < .5), np.uint64(0), low_word)
    words = np.empty((n, 2), np.uint64)
    words[:, 0] = low_word
    words[:, 1] = (high_word & np.uint64(1 << 63)) | (exponent << np.uint64(48)) | fraction
    if sys.byteorder == 'big':
        words = words[:, ::-1].copy()
    return words.view(np.quad).reshape(n)


def results(np, n):
    """{name: bits} of every operation on the same random operands"""
    rng = np.random.default_rng(20261202)
    a, b = random_quads(np, rng, n), random_quads(np, rng, n)
    out = {}
    with np.errstate(all='ignore'):
        for name in BINARY_OPS:
            out[name] = getattr(np, name)(a, b)
            out[name + ' (strided)'] = getattr(np, name)(a[::3], b[::3])
        for name in UNARY_OPS:
            out[name] = getattr(np, name)(a)
        for dtype in ['float64', 'float32', 'float16']:
            out['to ' + dtype] = a.astype(dtype)
            out['from ' + dtype] = a.astype(dtype).astype(np.quad)
        # (long double's padding bytes are not its value: compared as quads)
        out['to and from longdouble'] = a.astype(np.longdouble).astype(np.quad)
        as_float64 = a.view(np.float64)
        out['from float64 bits'] = as_float64.astype(np.quad)
        out['from float32 bits'] = as_float64.view(np.float32).astype(np.quad)
        out['from int64'] = a.view(np.int64).astype(np.quad)
        out['from uint64'] = a.view(np.uint64).astype(np.quad)
    bits = {name: value.tobytes() for name, value in out.items()}
    bits['flags'] = repr(flags(np, a, b)).encode()
    return bits


def flags(np, a, b):
    """the warnings np.errstate gives for single operations and casts"""
    seen = []
    for x, y in zip(a[:FLAG_SAMPLES], b[:FLAG_SAMPLES]):
        for operation in (np.add, np.subtract, np.multiply, np.divide):
            seen.append(warnings_of(np, lambda: operation(x, y)))
        for dtype in ['float64', 'float32', 'longdouble']:
            seen.append(warnings_of(np, lambda: np.array([x]).astype(dtype)))
    return seen


def warnings_of(np, call):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        with np.errstate(all='warn'):
            call()
    return sorted(str(w.message) for w in caught)


def save(path, n):
    import pickle

    import numpy as np
    with open(path, 'wb') as f:
        pickle.dump(results(np, n), f)


def run_under(profile, path, n):
    """results(n) computed by the given profile's build, pickled into path"""
    command = [sys.executable, os.path.join(ROOT, 'runtests.py'), '--profile', profile,
               '--no-build', '--python', os.path.abspath(__file__),
               '--save', path, '-n', str(n)]
    subprocess.run(command, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)


def compare(first, second, names):
    """print each operation's differing elements; returns whether all agree"""
    import pickle
    with open(first, 'rb') as f:
        a = pickle.load(f)
    with open(second, 'rb') as f:
        b = pickle.load(f)
    same = True
    for name in a:
        differing = 0
        if a[name] != b[name]:
            differing = sum(x != y for x, y in zip(a[name], b[name])) + abs(
                len(a[name]) - len(b[name]))
        print(f'{name:24} {"same" if differing == 0 else f"{differing} bytes differ"}')
        same &= differing == 0
    print(f'{names[0]} and {names[1]}: ' + ('the same bits and flags' if same else 'DIFFERENT'))
    return same


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('profiles', nargs='*', default=['release', 'portable'],
                        help='two build profiles, built already (default: release portable)')
    parser.add_argument('-n', type=int, default=400_000, help='operand pairs (default 400000)')
    parser.add_argument('--save', metavar='FILE', help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.save:
        save(args.save, args.n)
        return 0
    if len(args.profiles) != 2:
        parser.error('give two profiles')
    with tempfile.TemporaryDirectory() as tmp:
        paths = [os.path.join(tmp, profile + '.pickle') for profile in args.profiles]
        for profile, path in zip(args.profiles, paths):
            run_under(profile, path, args.n)
        return 0 if compare(*paths, args.profiles) else 1


if __name__ == '__main__':
    sys.exit(main())
