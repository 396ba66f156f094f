#!/usr/bin/env bash
# Make a machine ready for numpy-dive: the Debian packages (tools/bootstrap.sh,
# as root), then the README's first command as USER: build the fork and run
# the tour. Vagrant runs it in the VM (vagrant/Vagrantfile); CI runs it on
# its own machine, where it finds everything in place.
#   usage: provision.sh REPO USER
set -euo pipefail
repo=$1
user=$2

bash "$repo/tools/bootstrap.sh"
tour=(python3 runtests.py --python doc/tour.py)
if [[ $(id -un) == "$user" ]]; then
    (cd "$repo" && "${tour[@]}")
else
    runuser -u "$user" -- bash -c "cd '$repo' && ${tour[*]}"
fi
