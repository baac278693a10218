#!/usr/bin/env bash
# equinb's GPU benchmark in one command: at most 8 minutes on one GPU, one JSON (see benchmarks/gpu_bench.py).
#
#   benchmarks/gpu.sh                     # on a GPU machine: writes benchmarks/results/gpu.json (and $OUT/gpu.json if $OUT is set)
#   benchmarks/gpu.sh --smoke --out F     # on a CPU, tiny sizes, seconds (the tests call this)
#
# A bare GPU machine lacks kornia, kornia_rs and e2cnn (and, for the gpu test cells, nbdev and its needs):
# benchmarks/fetch_wheels.sh puts their wheels in .whl/ on a machine with a package index; carried to the GPU
# machine with the working tree, they are installed here into /tmp/equinb-site (never into the system).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
if [[ -n "${PYTHON:-}" ]]; then PY="$PYTHON"
elif [[ -x .venv/bin/python ]] && ! command -v nvidia-smi >/dev/null 2>&1; then PY=.venv/bin/python
else PY=python3; fi

smoke=0
for a in "$@"; do [[ "$a" == "--smoke" ]] && smoke=1; done

# shellcheck source=benchmarks/gpu_env.sh
source "$ROOT/benchmarks/gpu_env.sh"
equinb_gpu_env "$PY" kornia kornia_rs e2cnn numpy scipy sklearn pandas matplotlib PIL tqdm

if (( smoke )); then
    exec timeout 120 "$PY" benchmarks/gpu_bench.py "$@"
fi
out="$ROOT/benchmarks/results/gpu.json"
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do [[ "${args[i]}" == "--out" ]] && out="${args[i+1]}"; done
[[ " ${args[*]-} " == *" --out "* ]] || args+=(--out "$out")
# 8 minutes in all: the script budgets its parts to 420 s; the hard limit leaves a margin for start-up
status=0
PYTHONUNBUFFERED=1 timeout 475 "$PY" benchmarks/gpu_bench.py "${args[@]}" || status=$?
if [[ -n "${OUT:-}" && -f "$out" ]]; then cp "$out" "$OUT/$(basename "$out")"; fi
exit $status
