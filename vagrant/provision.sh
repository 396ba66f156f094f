#!/usr/bin/env bash
# Make a machine ready for numpy-dive: the Debian packages (tools/bootstrap.sh,
# as root), then as USER the README's first command (build the fork, run the
# tour) and the debug build that gdb, lldb and valgrind step through. Vagrant runs it in the VM (vagrant/Vagrantfile); CI runs it on
# its own machine, where it finds everything in place.
#   usage: provision.sh REPO USER
set -euo pipefail
repo=$1
user=$2

bash "$repo/tools/bootstrap.sh"
# as USER, in the checkout
as_user() {
    if [[ $(id -un) == "$user" ]]; then
        (cd "$repo" && "$@")
    else
        runuser -u "$user" -- bash -c "cd '$repo' && $*"
    fi
}
as_user python3 runtests.py --python doc/tour.py
# the build the debuggers and valgrind step through
as_user python3 runtests.py --profile debug --build-only
