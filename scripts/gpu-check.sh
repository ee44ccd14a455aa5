#!/usr/bin/env bash
# Issue 9: the checks that need a CUDA device, for a GPU machine (none was available where this was written).
#   1. the test suite's GPU cases (@Tag("gpu"): CUDA fp32 vs CPU, bf16 and fp16 with the loss scaler) with the CUDA natives;
#   2. a pre-training throughput benchmark on the GPU (images/s from log.jsonl) in fp32, bf16 and fp16;
#   3. sampling and evaluation on the GPU (issue 20): a few diffusion steps, `epg sample --device cuda` against the CPU
#      (the same seeds: pixels within a few levels), two processes, and `epg evaluate --device cuda` against the CPU.
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
  ./epg pretrain --device cuda --precision "$precision" --preset "$preset" --data "$data" --batch "$batch" --steps "$steps" --warmup 1 \
      --log-every 10 --checkpoint-every 100000 --workers 8 --out "$out/$precision" >/dev/null
  # the first interval includes warm-up (cuDNN autotuning, allocator): report the later ones
  ips=$(tail -n +2 "$out/$precision/log.jsonl" | sed -n 's/.*"imagesPerSecond":\([0-9.eE+-]*\).*/\1/p' | awk '{s+=$1; n++} END {if (n) printf "%.1f", s/n; else print "n/a"}')
  echo "gpu-check: $preset $precision batch $batch: $ips images/s (mean of logged intervals after the first)"
done

echo "== sampling and evaluation on the GPU"
enc="$out/bf16/encoder.safetensors"
./epg train --task diffusion --init "$enc" --preset EPG-T --data "$data" --batch 64 --steps 20 --warmup 1 \
    --device cuda --precision bf16 --out "$out/diff" >/dev/null
model="$out/diff/model.safetensors"
./epg sample "$model" --num 64 --points 16 --cfg 2 --out "$out/s-cpu"
./epg sample "$model" --num 64 --points 16 --cfg 2 --device cuda --out "$out/s-cuda"
./epg sample "$model" --num 64 --points 16 --cfg 2 --device cuda --nproc 2 --out "$out/s-cuda2"
./epg sample "$model" --num 64 --points 16 --cfg 2 --device cuda --precision bf16 --out "$out/s-bf16"
python3 - "$out" <<'PY'
import sys, numpy as np
o = sys.argv[1]
a = np.load(f"{o}/s-cpu/samples.npz")["arr_0"].astype(int)
for d in ("s-cuda", "s-cuda2", "s-bf16"):
    b = np.load(f"{o}/{d}/samples.npz")["arr_0"].astype(int)
    print(f"gpu-check: {d} vs cpu: max |pixel difference| {np.abs(a - b).max()}, mean {np.abs(a - b).mean():.3f}")
PY
./epg evaluate "$out/s-cpu" --make-ref "$out/ref.npz" --features "rcm:$enc" >/dev/null
for dev in cpu cuda; do
  ./epg evaluate "$out/s-cuda" "$out/ref.npz" --features "rcm:$enc" --device $dev --out "$out/eval-$dev.json" \
      | grep -E "FD|Precision" | sed "s/^/gpu-check: evaluate on $dev: /"
done
rm -rf "$out"
