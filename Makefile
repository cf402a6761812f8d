# SwiftGAN: `make demo` and `make test` do all set-up on a fresh Debian or Ubuntu machine.
SWIFTGAN := .build/release/swiftgan
DEMO_STEPS ?= 3000

.PHONY: demo test bench fuzz build bootstrap fixtures clean load-test

bootstrap:
	@bash scripts/bootstrap.sh

build: bootstrap
	swift build -c release

# Trains the default model, the DCGAN, on Fashion-MNIST (Debian's dataset-fashion-mnist package),
# measuring FID, precision and recall with the shipped evaluator every 1,000 steps.
# Each demo replaces the previous one (--overwrite removes only the run's own files).
demo: build
	$(SWIFTGAN) train --model dcgan --dataset fashion-mnist --steps $(DEMO_STEPS) --eval-every 1000 --out runs/demo --overwrite

# `make demo` and `make test` share .build/release, so every command here must plan the modules
# with the same compiler flags, or an incremental build can mix modules compiled one way with
# modules compiled against another's old layout (a crash cured only by deleting .build/*/release).
# Measured with SwiftPM 6.3.1: `swift build -c release` and `swift build -c release --build-tests`
# write the same .build/release.yaml (only the test modules get -enable-testing), but
# `swift test -c release` defaults to --enable-testable-imports and plans all 17 library modules
# with -enable-testing (even with --skip-build it rewrites release.yaml that way; building, it
# recompiles every library). The tests use no `@testable import`, so `swift test` runs with
# --disable-testable-imports and plans exactly what `swift build` does. (`swift build` has no
# such option.)
# oneDNN is held to its AVX2 kernels while testing: the fixture comparisons of ill-conditioned
# float32 sums (G's backward through batch statistics) then give the same numbers on both of this
# project's machine kinds (AVX2 only, and AVX-512, where oneDNN's own kernels round otherwise).
test: build
	@bash scripts/test_bootstrap.sh
	swift build -c release --build-tests
	ONEDNN_MAX_CPU_ISA=AVX2 swift test -c release --skip-build --disable-testable-imports

bench: build
	@bash scripts/bench.sh

# The sampling server under wrk for 60 s at 16 connections (installs wrk when missing): no
# failed request, p99 under 50 ms, memory growth under 10% once the warm-up has settled it.
load-test: build
	@bash scripts/load_test.sh

# Every parser of user files under libFuzzer with the address sanitizer (Fuzz/, scripts/fuzz.sh):
# FUZZ_RUNS executions per target from the committed seed corpora. CI runs 30 seconds of each.
FUZZ_RUNS ?= 1000000
fuzz: bootstrap
	bash scripts/fuzz.sh --runs $(FUZZ_RUNS)

# Regenerates the PyTorch fixtures (needs the reference venv, see README): every make_*.py.
fixtures:
	for script in Tests/Fixtures/make_*.py; do $(HOME)/.venvs/ref/bin/python $$script || exit 1; done

clean:
	rm -rf .build .build-fuzz runs
