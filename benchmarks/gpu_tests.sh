#!/usr/bin/env bash
# The `#| gpu` test cells on a GPU machine, without `make` (which builds a CPU venv): every notebook that holds
# a gpu cell runs with `nbdev-test --flags gpu` (its other cells too, pinned to the CPU by EQUINB_DEVICE=cpu so
# that their exact-equality tests mean what they say; the gpu cells name 'cuda' themselves).
#   benchmarks/gpu_tests.sh            # output also in $OUT/gpu_tests.log when $OUT is set
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY="${PYTHON:-python3}"
source "$ROOT/benchmarks/gpu_env.sh"
equinb_gpu_env "$PY" nbdev execnb fastcore kornia e2cnn
nbs=$(grep -l '#| gpu' nbs/*.ipynb | tr '\n' ' ')
echo "notebooks with gpu cells: $nbs"
status=0
for nb in $nbs; do
    EQUINB_DEVICE=cpu MPLBACKEND=Agg "$PY" -c "from nbdev.test import nbdev_test; nbdev_test()" "$nb" --flags gpu --do-print --timing \
        2>&1 | tee -a "${OUT:-/tmp}/gpu_tests.log" || status=1
done
exit $status
