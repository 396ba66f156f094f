#!/usr/bin/env bash
# Install the Debian packages numpy-dive's tooling uses, if they are missing.
# Python packages are not installed here: runtests.py keeps them in .venv/.
#   ccache  keeps rebuilds cheap, even after build/ is wiped (meson uses it when found)
#   quilt   one of the three tools the patch series is checked against
#   libopenblas64-pthread-dev  ILP64 BLAS/LAPACK like the stock wheels (site.cfg [local])
#   git, patch, gcc, g++, pkg-config  the prepared tree, the series check, the compilers
#   gdb, cgdb, valgrind (memcheck, callgrind, callgrind_annotate), lcov
#               runtests.py --gdb/--cgdb, --valgrind, --callgrind/--trace, --lcov-html
#   python3.11-dbg  CPython's gdb helpers (py-bt, py-list, py-locals) and, as
#               python3.11d, sys.gettotalrefcount() for the refcount leak check
#   lldb, python3-lldb-14  runtests.py --lldb and its formatters (lldb's Python API)
#   chromium    headless, the tests that open what the tools draw (flame graphs)
#   graphviz    dot: runtests.py --callgrind --open draws the call graph as a PNG
#   python3-venv, python3-dev  on a fresh Debian (vagrant/): .venv and Python.h
# Options: --with-kcachegrind also installs kcachegrind (a GUI, for a machine
# with a display), which runtests.py --callgrind --open then starts;
# --with-vagrant installs vagrant, for `vagrant validate` on vagrant/ (CI).
set -euo pipefail

needed=()
for tool in ccache:ccache quilt:quilt git:git patch:patch gcc:gcc g++:g++ \
            pkg-config:pkg-config gdb:gdb cgdb:cgdb valgrind:valgrind lcov:lcov \
            python3.11d:python3.11-dbg lldb:lldb chromium:chromium dot:graphviz; do
    command -v "${tool%%:*}" >/dev/null 2>&1 || needed+=("${tool##*:}")
done
for option in "$@"; do
    case $option in
        --with-kcachegrind|--with-vagrant)
            tool=${option#--with-}
            command -v "$tool" >/dev/null 2>&1 || needed+=("$tool") ;;
        *) echo "bootstrap: unknown option $option (--with-kcachegrind, --with-vagrant)" >&2
           exit 2 ;;
    esac
done
# Debian splits venv and the C headers out of python3
if ! python3 -c "import ensurepip" >/dev/null 2>&1; then
    needed+=(python3-venv)
fi
if ! python3 -c "import os, sysconfig; exit(not os.path.exists(
        os.path.join(sysconfig.get_paths()['include'], 'Python.h')))"; then
    needed+=(python3-dev)
fi
if ! pkg-config --exists openblas64 2>/dev/null; then
    needed+=(libopenblas64-pthread-dev)
fi
if ! compgen -G "/usr/lib/llvm-*/lib/python3*/dist-packages/lldb/embedded_interpreter.py" \
        >/dev/null; then
    needed+=(python3-lldb-14)
fi
if ((${#needed[@]} == 0)); then
    exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
    echo "bootstrap: please install these Debian packages: ${needed[*]}" >&2
    exit 1
fi
echo "bootstrap: installing ${needed[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${needed[@]}" >/dev/null
