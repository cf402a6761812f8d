# SwiftGAN: `make demo` and `make test` do all set-up on a fresh Debian or Ubuntu machine.
SWIFTGAN := .build/release/swiftgan
DEMO_STEPS ?= 3000

.PHONY: demo test bench build bootstrap fixtures clean

bootstrap:
	@bash scripts/bootstrap.sh

build: bootstrap
	swift build -c release

# Trains the default model, the DCGAN, on Fashion-MNIST (Debian's dataset-fashion-mnist package).
demo: build
	$(SWIFTGAN) train --model dcgan --dataset fashion-mnist --steps $(DEMO_STEPS) --out runs/demo

test: build
	swift build -c release --build-tests
	swift test -c release --skip-build

bench: build
	@bash scripts/bench.sh

# Regenerates the PyTorch fixtures (needs the reference venv, see README).
fixtures:
	$(HOME)/.venvs/ref/bin/python Tests/Fixtures/make_fixtures.py

clean:
	rm -rf .build runs
