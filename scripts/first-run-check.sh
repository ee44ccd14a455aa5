#!/usr/bin/env bash
# First runs on a new machine: N times in a row (default 10), an empty HOME and an empty native cache, then one
# short command that unpacks and loads libtorch and runs one EPG-T training step (forward and backward); any crash
# (or any non-zero exit) fails, printing the run's output and keeping its folder (crash log included). Before
# epg.tensor.Natives, the first such run crashed (SIGSEGV in pthread_mutex_lock) wherever another libtorch was on
# the library path (Debian's libtorch-dev, which python3-torch's users have).
set -euo pipefail
n=${1:-10}
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$repo/epg" --version >/dev/null # builds target/epg.jar once, with the real HOME (Maven's repository)
start=$SECONDS
for ((i = 1; i <= n; i++)); do
  dir="$(mktemp -d "${TMPDIR:-/tmp}/epg-first-run.XXXXXX")"
  mkdir "$dir/home" "$dir/cache"
  if ! (cd "$dir" && HOME="$dir/home" EPG_NATIVE_CACHE="$dir/cache" \
        EPG_JAVA_OPTS="-XX:ErrorFile=$dir/hs_err_pid%p.log ${EPG_JAVA_OPTS:-}" \
        "$repo/epg" bench model --preset EPG-T --batch 2 --warmup 0 --steps 1 --rounds 1 --no-torch \
        >"$dir/log" 2>&1); then
    echo "first-run-check: run $i of $n failed (folder kept: $dir):" >&2
    tail -n 40 "$dir/log" >&2
    exit 1
  fi
  rm -rf "$dir"
done
echo "first-run-check: $n first runs with an empty HOME and native cache, no crash ($((SECONDS - start)) s)"
