#!/usr/bin/env bash
# The README's two commands as a new user runs them: a fresh clone of this checkout's HEAD in a temporary folder,
# run in a private mount namespace (unshare -m; needs root) in which the home folder (~/.m2, ~/.javacpp: Maven
# downloads every dependency, JavaCPP unpacks every native library), /usr/share/datasets and Debian's Python
# packages (/usr/lib/python3/dist-packages) are empty folders. Runs `mvn -B test`, then with --demo also
# `./epg demo --smoke` (with --full-demo the README's `./epg demo`, 20 minutes), and prints the end of each output.
# Usage: scripts/fresh-machine-check.sh [--demo | --full-demo]
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
demo=${1:-}
[[ $(id -u) == 0 ]] || { echo "fresh-machine-check: needs root (unshare -m and bind mounts)" >&2; exit 1; }
work="$(mktemp -d "${TMPDIR:-/tmp}/epg-fresh.XXXXXX")"
git clone -q "$repo" "$work/epg"
git -C "$work/epg" checkout -q "$(git -C "$repo" rev-parse HEAD)"
mkdir -p "$work/home" "$work/empty-datasets" "$work/empty-python"
home="$(getent passwd "$(id -un)" | cut -d: -f6)" # Java's user.home comes from here, not from $HOME
echo "fresh-machine-check: clone $(git -C "$work/epg" rev-parse --short HEAD) in $work/epg;" \
  "$home, /usr/share/datasets and /usr/lib/python3/dist-packages hidden"
status=0
unshare -m --propagation private bash -s "$work" "$home" "$demo" <<'INNER' || status=$?
set -uo pipefail
work=$1 home=$2 demo=$3
mount --bind "$work/home" "$home"
[[ -d /usr/share/datasets ]] && mount --bind "$work/empty-datasets" /usr/share/datasets
[[ -d /usr/lib/python3/dist-packages ]] && mount --bind "$work/empty-python" /usr/lib/python3/dist-packages
export HOME="$home"
cd "$work/epg"
/usr/bin/python3 -c 'import numpy; numpy.zeros(1)' 2>/dev/null && echo "fresh-machine-check: numpy still works" >&2
ls -A "$HOME" | grep -q . && echo "fresh-machine-check: $HOME is not empty" >&2
rc=0 status=0
echo "== mvn -B test"
start=$SECONDS
mvn -B test >"$work/test.log" 2>&1 || status=$?
echo "exit status $status after $((SECONDS - start)) s; summary:"
(( status == 0 )) || rc=1
grep -E "<<< FAIL|Skipped: [1-9]|^\[ERROR\]   |Tests run: [0-9]+, Failures: [0-9]+, Errors: [0-9]+, Skipped: [0-9]+$|BUILD" \
  "$work/test.log" | tail -n 25
if [[ $demo == --demo || $demo == --full-demo ]]; then
  args=(--smoke)
  [[ $demo == --full-demo ]] && args=()
  echo "== ./epg demo ${args[*]}"
  start=$SECONDS
  status=0
  ./epg demo "${args[@]}" >"$work/demo.log" 2>&1 || status=$?
  echo "exit status $status after $((SECONDS - start)) s; last lines:"
  (( status == 0 )) || rc=1
  tail -n 15 "$work/demo.log"
fi
exit $rc
INNER
echo "fresh-machine-check: logs in $work (test.log, demo.log); exit $status"
exit $status
