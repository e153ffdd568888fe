# Zhibiao — two commands on a fresh Debian 12 machine with Swift: `make demo` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := demo
SWIFT ?= swift
ZHIBIAO_HOME ?= $(CURDIR)/.zhibiao
export ZHIBIAO_HOME

.PHONY: help deps build release demo stop restart logs lint test score bench load fuzz chaos scale-check scale \
	deploy-lint deploy-image deploy-check clean

## help: list these targets with what each does
help:
	@awk '/^## [a-z-]+:/ { sub(/^## /, ""); name = substr($$0, 1, index($$0, ":") - 1); \
	      printf "  %-13s %s\n", name, substr($$0, length(name) + 3); next } \
	      /^## / { sub(/^## /, ""); printf "  %-13s %s\n", "", $$0 }' $(firstword $(MAKEFILE_LIST))

## deps: install the Debian packages the build, tests and demo need (PostgreSQL 15, libpq, socat, python3)
deps:
	@scripts/install-deps.sh

## build: debug build of everything (executables included)
build: deps
	$(SWIFT) build

## release: optimized build of both executables
release: deps
	$(SWIFT) build -c release

## demo: the main job on the embedded database — seeds in, both services running, a summary out
demo: release
	@scripts/demo.sh

## stop: stop the demo's services and its private PostgreSQL
stop:
	@scripts/demo.sh stop

## restart: rebuild, then restart the demo's two daemons (the database and its data stay)
restart: release
	@scripts/demo.sh restart

## logs: the last lines of the demo daemons' logs (and how to follow them)
logs:
	@scripts/demo.sh logs

## lint: swift format lint --strict over every Swift file (the rules in .swift-format; `swift format format -i -r`
## fixes most findings). The deploy scripts are shellchecked by deploy-lint
lint:
	$(SWIFT) format lint --strict --recursive Package.swift Services Shared Tests Fuzz Benchmarks

## test: the whole suite against a throwaway PostgreSQL cluster (removed afterwards, pass or fail). Serial: on two
## cores, tests that wait on real daemons starved the timing-sensitive socket tests when run in parallel. The page
## and chart tests render in headless Chromium (Debian's chromium and fonts-noto-cjk, installed when missing); the
## pooler tests run a real pgbouncer (Debian's, installed when missing)
test: build
	@scripts/install-deps.sh chromium fonts-noto-cjk pgbouncer
	scripts/with-test-cluster.sh $(SWIFT) test --no-parallel

## score: extraction quality on the seeds and, when ../shared/corpus exists, the development corpus per document
## (a developer's tool, not part of make test; SCORE_MISSES=N shows the misses)
score: release
	scripts/score.sh

## deploy-lint: the deploy files checked offline in seconds (hadolint, compose and Kubernetes schemas, yamllint,
## shellcheck, systemd-analyze); installs its linters into .build-deploy/venv on first use
deploy-lint:
	deploy/scripts/lint.sh

## deploy-image: the container image from deploy/docker/Dockerfile with podman (local base images as build args)
deploy-image:
	deploy/scripts/build-image.sh

## deploy-check: deploy-lint, the image, the compose stack up, seeds submitted, the socket queried, then the scale
## profile (hot standby, pgbouncer, pooled ingest, reporting on the standby), all torn down.
## FRESH=1 runs it as a new machine would: first removes this project's localhost/ images, their build cache and
## .build-deploy/ (deploy/scripts/reset.sh), so the tools' virtualenv, the base images and the image are made anew
deploy-check:
ifeq ($(FRESH),1)
	deploy/scripts/reset.sh
endif
	deploy/scripts/setup-tools.sh
	deploy/scripts/lint.sh
	deploy/scripts/check.sh

## bench: parse, ingest and query figures in one table (also saved as JSON under bench-results/)
bench: deps
	scripts/bench.sh

## load: 64 clients for 60 s on every read method against the seeds: zero errors, p99, daemon RSS within 10 % of
## after warm-up (LOAD_CONNECTIONS, LOAD_SECONDS, LOAD_WARMUP, LOAD_RSS_TOLERANCE_PCT, LOAD_SCRATCH)
load: deps
	scripts/load.sh

## chaos: SIGKILLed ingest daemons, a PostgreSQL restart and poison messages while 2,000 documents flow
chaos: build
	scripts/chaos.sh

## scale-check: a primary, a streaming standby and pgbouncer; two ingest daemons through pgbouncer, reporting on the
## standby; the standby answers as the primary after each batch (docs/scale.md). About a minute once built
scale-check: build
	@scripts/install-deps.sh pgbouncer
	scripts/scale-check.sh

## scale: by hand, not CI: SCALE_DOCUMENTS (100,000) generated documents of many places and years ingested with 1, 2
## and 4 workers, the write cost per batch at a tenth and at the end, database size per 1,000 documents, uncached
## series/compare/facts p50/p99 against pgbench on the same SQL; a table and bench-results/scale-*.json
## (docs/scale.md). Needs about 8 GB in /tmp at 100,000 documents
scale: deps
	scripts/scale.sh

## fuzz: the extraction engine and the protocol parser under libFuzzer + AddressSanitizer, SECONDS each (default
## 60); FUZZ_SEED=N repeats a run
SECONDS ?= 60
fuzz: deps
	scripts/fuzz.sh $(SECONDS)

clean:
	rm -rf .build .build-* bench-results
