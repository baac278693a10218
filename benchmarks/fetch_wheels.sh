#!/usr/bin/env bash
# Download, into .whl/, the wheels a bare GPU machine (python 3.12, x86-64, torch/numpy/scipy/pandas/... already
# there) lacks for benchmarks/gpu.sh (kornia, kornia_rs, e2cnn) and benchmarks/gpu_tests.sh (nbdev and its needs).
# The versions are those this project's CPU environment runs. Run where pip reaches a package index.
#   benchmarks/fetch_wheels.sh [--bench-only]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
grep -qxF '/.whl/' .git/info/exclude 2>/dev/null || echo '/.whl/' >> .git/info/exclude
BENCH="kornia==0.9.0 kornia_rs==0.2.0 e2cnn==0.2.3"
TESTS="nbdev==3.3.26 execnb==0.3.4 fastcore==2.2.41 fastgit==0.1.4 fastspec==0.2.6 fasttransport==0.0.4 ghapi==2.1.4
 astunparse==1.6.3 asttokens==3.0.2 executing==2.3.0 ipython==9.18.1 ipython-pygments-lexers==1.1.1 jedi==0.20.1
 parso==0.8.7 matplotlib-inline==0.2.2 pexpect==4.9.0 ptyprocess==0.7.0 prompt-toolkit==3.0.53 pure-eval==0.2.4
 stack-data==0.6.3 traitlets==5.16.1 watchdog==7.1.0 wcwidth==0.9.4 httpx2==2.16.2 httpcore2==2.16.2 truststore==0.10.5"
PLAT=()
for p in manylinux_2_28_x86_64 manylinux_2_27_x86_64 manylinux_2_17_x86_64 manylinux2014_x86_64 manylinux1_x86_64; do PLAT+=(--platform "$p"); done
WANT="$BENCH"
[[ "${1:-}" == "--bench-only" ]] || WANT="$BENCH $TESTS"
# shellcheck disable=SC2086
python3 -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation cp "${PLAT[@]}" -d .whl $WANT
ls -la .whl
