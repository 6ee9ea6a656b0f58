# planqa: two commands on a fresh machine — `make run` and `make test`.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PYTHAINLP_OFFLINE := 1
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False

.PHONY: run test install index lint eval bench bench-scale lock clean system-deps

# constraints.txt locks every package to the versions CI tested (see `make lock`)
$(STAMP): pyproject.toml constraints.txt
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# torch first, pinned to the CPU build on disk (a bare torch pulls a CUDA build)
	$(BIN)/pip install -q -c constraints.txt torch==2.13.0
	$(BIN)/pip install -q -c constraints.txt -e '.[index,serve,dev,server]'
	touch $(STAMP)

# rewrite the lock from the installed venv (after changing pyproject.toml and installing)
lock:
	{ sed -n '1,3p' constraints.txt; $(BIN)/pip freeze --all --exclude-editable | grep -v '^#\|^pip==' \
	  | sed 's/^torch==\(.*\)+cpu$$/torch==\1/' | sort -f; } > constraints.txt.new
	mv constraints.txt.new constraints.txt

install: $(STAMP)

index: $(STAMP)
	$(BIN)/planqa ingest --if-stale

run: index
	$(BIN)/planqa ask "ค่าเป้าหมายตัวชี้วัดที่ 1 กลยุทธ์ที่ 1 ปี 2568 ของ สพป.เชียงใหม่ เขต 6"
	@echo "web chat: http://127.0.0.1:$${PORT:-8000}/  (API docs: /docs; Ctrl-C stops)"
	$(BIN)/planqa serve --host $${HOST:-127.0.0.1} --port $${PORT:-8000}

# Debian packages the tests use (CI runs as root on a fresh Debian): Chromium and a Thai
# font for the browser test; LibreOffice and poppler to check the .docx proposal renders;
# PostgreSQL for the store contract suite (the tests start their own server in a temp dir).
system-deps:
	@command -v chromium >/dev/null && test -d /usr/share/fonts/truetype/tlwg \
	  && command -v soffice >/dev/null && command -v pdftotext >/dev/null \
	  && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || \
	  { echo "installing chromium fonts-thai-tlwg libreoffice-writer poppler-utils postgresql (apt)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      chromium fonts-thai-tlwg libreoffice-writer poppler-utils postgresql >/dev/null; }

test: $(STAMP) system-deps
	$(BIN)/ruff check .
	$(BIN)/pytest -q

bench: index
	$(BIN)/python bench/speed.py
	$(BIN)/python bench/load.py --duration 20

# the scale benchmark (synthetic corpora, both backends; starts and stops its own servers)
bench-scale: $(STAMP) system-deps
	$(BIN)/python bench/scale.py --sizes 5,100

eval: index
	$(BIN)/planqa eval

clean:
	rm -rf index/current index/build-* .pytest_cache
