# The two set-up commands of the README: `make demo` and `make test`. Both install what they need.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
VENDOR := kg/assets/vendor
VENDOR_STAMP := $(VENDOR)/.built

.PHONY: demo test install vendor browser screenshots bench clean

# JavaScript libraries for the query page and `kg viz` HTML: from npm at build time, shipped in the package.
$(VENDOR_STAMP): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)
	cp node_modules/cytoscape/dist/cytoscape.min.js $(VENDOR)/
	cp node_modules/codemirror/lib/codemirror.js node_modules/codemirror/lib/codemirror.css $(VENDOR)/
	cp node_modules/codemirror/mode/sparql/sparql.js $(VENDOR)/codemirror-sparql.js
	cp node_modules/cytoscape/LICENSE $(VENDOR)/LICENSE.cytoscape
	cp node_modules/codemirror/LICENSE $(VENDOR)/LICENSE.codemirror
	touch $@

vendor: $(VENDOR_STAMP)

$(STAMP): pyproject.toml $(VENDOR_STAMP)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,ocr]'
	touch $(STAMP)

install: $(STAMP)

# Debian's Chromium (and a CJK font) for the browser tests of the query page; needs root, skipped otherwise.
browser:
	@if [ -x /usr/bin/chromium ] && fc-list :lang=zh | grep -q .; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-zenhei) >/dev/null; \
	else echo "note: no /usr/bin/chromium and not root: the browser tests will be skipped (apt-get install chromium fonts-wqy-zenhei)"; fi

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
	$(BIN)/python bench/ocr.py

clean:
	rm -rf $(VENV) kg-store .pytest_cache build *.egg-info node_modules $(VENDOR)
