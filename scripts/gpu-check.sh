#!/usr/bin/env bash
# Issue 9: the checks that need a CUDA device, for a GPU machine (none was available where this was written).
#   1. the test suite's GPU cases (@Tag("gpu"): CUDA fp32 vs CPU, bf16 and fp16 with the loss scaler) with the CUDA natives;
#   2. a pre-training throughput benchmark on the GPU (images/s from log.jsonl) in fp32, bf16 and fp16.
# Usage: scripts/gpu-check.sh [PRESET] [BATCH] [STEPS]   (defaults RCM-B 256 40); needs Fashion-MNIST or EPG_GPU_DATA=DIR.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
preset=${1:-RCM-B} batch=${2:-256} steps=${3:-40}
data=${EPG_GPU_DATA:-fashion-mnist}
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || echo "gpu-check: no nvidia-smi"

echo "== GPU test cases (mvn -Pgpu test -Dgroups=gpu)"
mvn -B -q -Pgpu test -Dgroups=gpu -Dsurefire.failIfNoSpecifiedTests=false
grep -h "Tests run" target/surefire-reports/*.txt | grep -E "GpuTest" || { echo "gpu-check: the GPU tests did not run"; exit 1; }

echo "== throughput: $preset, batch $batch, $steps steps on $data"
export EPG_MAVEN_ARGS="-Pgpu" EPG_QUIET=1
rm -f target/epg.jar # rebuild with the CUDA natives
out=$(mktemp -d)
for precision in fp32 bf16 fp16; do
  flag=""; [[ $precision != fp32 ]] && flag="--$precision"
  ./epg pretrain --device cuda $flag --preset "$preset" --data "$data" --batch "$batch" --steps "$steps" --warmup 1 \
      --log-every 10 --checkpoint-every 100000 --workers 8 --out "$out/$precision" >/dev/null
  # the first interval includes warm-up (cuDNN autotuning, allocator): report the later ones
  ips=$(tail -n +2 "$out/$precision/log.jsonl" | sed -n 's/.*"images_per_s":\([0-9.eE+-]*\).*/\1/p' | awk '{s+=$1; n++} END {if (n) printf "%.1f", s/n; else print "n/a"}')
  echo "gpu-check: $preset $precision batch $batch: $ips images/s (mean of logged intervals after the first)"
done
rm -rf "$out"
