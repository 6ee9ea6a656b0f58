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

.PHONY: run test install index lint eval bench clean system-deps

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# torch first, pinned to the CPU build on disk (a bare torch pulls a CUDA build)
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[index,serve,dev]'
	touch $(STAMP)

install: $(STAMP)

index: $(STAMP)
	$(BIN)/planqa ingest --if-stale

run: index
	$(BIN)/planqa ask "ค่าเป้าหมายตัวชี้วัดที่ 1 กลยุทธ์ที่ 1 ปี 2568 ของ สพป.เชียงใหม่ เขต 6"
	@echo "web chat: http://127.0.0.1:$${PORT:-8000}/  (API docs: /docs; Ctrl-C stops)"
	$(BIN)/planqa serve --host $${HOST:-127.0.0.1} --port $${PORT:-8000}

# Debian packages the tests use (CI runs as root on a fresh Debian): Chromium and a Thai
# font for the browser test; LibreOffice and poppler to check the .docx proposal renders.
system-deps:
	@command -v chromium >/dev/null && test -d /usr/share/fonts/truetype/tlwg \
	  && command -v soffice >/dev/null && command -v pdftotext >/dev/null || \
	  { echo "installing chromium fonts-thai-tlwg libreoffice-writer poppler-utils (apt)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      chromium fonts-thai-tlwg libreoffice-writer poppler-utils >/dev/null; }

test: $(STAMP) system-deps
	$(BIN)/ruff check .
	$(BIN)/pytest -q

bench: index
	$(BIN)/python bench/speed.py
	$(BIN)/python bench/load.py --duration 20

eval: index
	$(BIN)/planqa eval

clean:
	rm -rf index/current index/build-* .pytest_cache
