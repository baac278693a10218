# Sourced by benchmarks/gpu.sh and benchmarks/gpu_tests.sh: make the python given as $1 able to import the
# modules named after it, installing the wheels in .whl/ (carried from benchmarks/fetch_wheels.sh) into
# /tmp/equinb-site when some are missing; equinb itself comes from this working tree.
equinb_gpu_env() {
    local py="$1"; shift
    export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"
    local missing
    missing=$("$py" - "$@" <<'PYEOF'
import importlib.util, sys
print(' '.join(m for m in sys.argv[1:] if importlib.util.find_spec(m) is None))
PYEOF
)
    if [[ -z "$missing" ]]; then return 0; fi
    if compgen -G "$ROOT/.whl/*.whl" >/dev/null; then
        echo "installing from .whl/ (missing: $missing)"
        "$py" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/equinb-site "$ROOT"/.whl/*.whl
        export PYTHONPATH="/tmp/equinb-site:$PYTHONPATH"
        export PATH="/tmp/equinb-site/bin:$PATH"
        missing=$("$py" - "$@" <<'PYEOF'
import importlib.util, sys
print(' '.join(m for m in sys.argv[1:] if importlib.util.find_spec(m) is None))
PYEOF
)
    fi
    if [[ -n "$missing" ]]; then
        echo "missing python modules: $missing. Run benchmarks/fetch_wheels.sh where pip reaches an index and carry .whl/" >&2
        return 1
    fi
}
