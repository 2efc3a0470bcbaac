# panoramasdk: the development loop. `make demo` and `make test` do all the set-up on a fresh
# Debian or Ubuntu machine (apt packages, a virtual environment, the build).
PYTHON      ?= python3
VENV        ?= .venv
PY          := $(VENV)/bin/python
BUILD_DIR   := build/py
MODEL       := build/models/people-ssd.onnx
DEMO_OUT    ?= build/demo
DEMO_VIEW   ?= 127.0.0.1:8080
DEMO_FRAMES ?=
# The guide's default threshold (0.10) also counts NanoDet's weak guesses (posts, cones): the demo
# shows --param with a threshold that counts people.
DEMO_THRESHOLD ?= 0.5
COMPAT_VENV ?= .venv-numpy123
BENCH_ARGS  ?=
PYTEST_ARGS ?=
SUDO        := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps build model demo serve test test-cpp test-python test-numpy123 lint bench bench-deps wheel clean

all: build

# Installs the missing Debian packages (apt-get update only when something is missing).
$(VENV)/.apt-stamp: requirements/apt.txt
	@missing=$$(grep -v '^\s*#' requirements/apt.txt | xargs -n1 | while read p; do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:" $$missing; \
	  $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends $$missing; \
	fi
	@mkdir -p $(VENV) && touch $@

$(VENV)/.pip-stamp: requirements/dev.txt $(VENV)/.apt-stamp
	@[ -x $(PY) ] || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements/dev.txt
	@touch $@

deps: $(VENV)/.pip-stamp

# Editable install: Python files come from python/, the native module from the CMake build in build/py.
build: deps
	$(PY) -m pip install -q --no-build-isolation --no-deps \
	  -Cbuild-dir=$(BUILD_DIR) -Ccmake.define.PANORAMA_BUILD_TESTS=ON -e .

model: $(MODEL)
$(MODEL): examples/models/build_people_ssd.py examples/assets/nanodet-m-416-coco.onnx | deps
	$(PY) examples/models/build_people_ssd.py $(MODEL)

# The guide's people counter on the pedestrian clip played as a live camera: counts on stdout,
# the recording in $(DEMO_OUT), the live view on http://$(DEMO_VIEW)/ while it runs.
demo: build model
	@mkdir -p $(DEMO_OUT)
	$(VENV)/bin/panorama run examples/people_counter/app.py \
	  --camera examples/assets/vtest-pedestrians-768x576-10fps.mp4 --realtime \
	  --model aws-panorama-sample-model=$(MODEL) --param threshold=$(DEMO_THRESHOLD) \
	  --record $(DEMO_OUT)/people_counter.mp4 --view $(DEMO_VIEW) \
	  --log-file $(DEMO_OUT)/people_counter.log --stats $(if $(DEMO_FRAMES),--frames $(DEMO_FRAMES))
	@echo "recording: $(DEMO_OUT)/people_counter.mp4"

# The appliance: web console, API and supervised applications on http://127.0.0.1:8470/
# (panorama token prints the token to sign in with).
serve: build model
	$(VENV)/bin/panorama serve

test: build model test-cpp test-python test-numpy123

test-cpp:
	cd $(BUILD_DIR) && ctest --output-on-failure -j2

test-python:
	$(PY) -m pytest -q $(PYTEST_ARGS)

# Applications of the Panorama era pinned numpy < 1.24: run the SDK contract tests under numpy 1.23
# (the native module does not link numpy's C API, so the same build serves both).
$(COMPAT_VENV)/.pip-stamp: requirements/numpy123.txt $(VENV)/.apt-stamp
	@[ -x $(COMPAT_VENV)/bin/python ] || $(PYTHON) -m venv $(COMPAT_VENV)
	$(COMPAT_VENV)/bin/python -m pip install -q -r requirements/numpy123.txt
	@touch $@

test-numpy123: build $(COMPAT_VENV)/.pip-stamp
	PYTHONPATH=python PANORAMA_CORE_DIR=$(BUILD_DIR) $(COMPAT_VENV)/bin/python -m pytest -q \
	  tests/python/test_every_member.py tests/python/test_people_counter.py tests/python/test_media_api.py

lint:
	$(VENV)/bin/ruff check python tests examples benchmarks

# Benchmarks: every benchmarks/python/bench_*.py into benchmarks/results/ (RESULTS.md and PNGs).
# BENCH_ARGS="--quick" for a smoke run, BENCH_ARGS="-k decode" for one benchmark.
$(VENV)/.bench-stamp: requirements/bench.txt $(VENV)/.pip-stamp
	$(PY) -m pip install -q -r requirements/bench.txt
	@touch $@

bench-deps: $(VENV)/.bench-stamp

bench: build model bench-deps
	$(PY) benchmarks/python/run_all.py $(BENCH_ARGS)

wheel: deps
	$(PY) -m pip wheel --no-deps -w dist .

clean:
	rm -rf build dist
