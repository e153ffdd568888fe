# Zhibiao — two commands on a fresh Debian 12 machine with Swift: `make demo` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := demo
SWIFT ?= swift
ZHIBIAO_HOME ?= $(CURDIR)/.zhibiao
export ZHIBIAO_HOME

.PHONY: deps build release demo stop test bench fuzz chaos deploy-check clean

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

## test: the whole suite against a throwaway PostgreSQL cluster (removed afterwards, pass or fail)
test: build
	scripts/with-test-cluster.sh $(SWIFT) test

## bench: ingest throughput through the queue vs parse alone vs raw COPY (2,000 documents, throwaway cluster)
bench: release
	scripts/bench-ingest.sh

clean:
	rm -rf .build .build-* bench-results
