# Two commands set everything up on a fresh machine:
#   make demo   render examples/sample.txt to sample.wav with the offline local voice
#   make test   run the test suite
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin

$(BIN)/sonicpipe: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

.PHONY: demo test lint
demo: $(BIN)/sonicpipe
	$(BIN)/sonicpipe render examples/sample.txt -o sample.wav

test: $(BIN)/sonicpipe
	$(BIN)/python -m pytest

lint: $(BIN)/sonicpipe
	$(BIN)/ruff check . && $(BIN)/ruff format --check .
