# The two set-up commands of the README: `make demo` and `make test`. Both install what they need.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
VENDOR := kg/assets/vendor
VENDOR_STAMP := $(VENDOR)/.built

.PHONY: demo test install vendor browser screenshots bench bench-scale clean

# JavaScript libraries for the query page and `kg viz` HTML: from npm at build time, shipped in the package
# (vendor_assets.py copies them into kg/assets/vendor; a wheel's build does the same by itself). npm ci also
# installs the development packages: YASGUI, the SPARQL client the tests drive against `kg serve`.
$(VENDOR_STAMP): package.json package-lock.json vendor_assets.py
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	$(PYTHON) vendor_assets.py

vendor: $(VENDOR_STAMP)

$(STAMP): pyproject.toml $(VENDOR_STAMP)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,ocr]'
	touch $(STAMP)

install: $(STAMP)

# Debian's Chromium (and a CJK font) for the browser tests of the query page, and libGL and GLib for OpenCV (the ocr
# extra's opencv-python); needs root, skipped otherwise.
DEBS := chromium fonts-wqy-zenhei libgl1 libglib2.0-0
browser:
	@if [ -x /usr/bin/chromium ] && fc-list :lang=zh | grep -q . && /sbin/ldconfig -p | grep -q 'libGL\.so\.1 ' \
	  && /sbin/ldconfig -p | grep -q 'libgthread-2\.0\.so\.0 '; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEBS)) >/dev/null; \
	else echo "note: not root, and some of $(DEBS) missing: the browser or OCR tests will be skipped"; fi

demo: $(STAMP)
	$(BIN)/kg demo

test: $(STAMP) browser
	$(BIN)/python -m pytest

# the README's screenshots (docs/img/), made by the browser and figure tests
screenshots: $(STAMP) browser
	KG_SCREENSHOTS=docs $(BIN)/python -m pytest -q tests/test_page.py tests/test_viz.py

bench: $(STAMP)
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/pdf.py
	$(BIN)/python bench/serve.py
	$(BIN)/python bench/remote.py
	$(BIN)/python bench/cluster.py
	$(BIN)/python bench/serve_load.py
	$(BIN)/python bench/reliability.py
	$(BIN)/python bench/ocr.py

# the scale benchmark on generated corpora (bench/scale.py): about half an hour, so not part of `make bench`;
# add a size with e.g. `make bench-scale SCALE_ARGS='--sizes 10000 --jobs 2'`
SCALE_ARGS ?= --sizes 100,1000 --jobs 1,2 --every --every-limit 30 --rdflib-max 800000
bench-scale: $(STAMP)
	$(BIN)/python bench/scale.py $(SCALE_ARGS)

clean:
	rm -rf $(VENV) kg-store .pytest_cache build dist *.egg-info node_modules $(VENDOR)
