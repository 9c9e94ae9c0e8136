# Lianxin (连心): `make demo` and `make test` are the two commands a newcomer needs.
BUILD     ?= build
JOBS      ?= 2
DEMO_DB   ?= lianxin-demo.db
PORT      ?= 8080
NPM_STAMP := web/node_modules/.package-lock.json
E2E_STAMP := tests/e2e/node_modules/.package-lock.json

.PHONY: all deps configure build web demo test test-unit test-e2e bench clean

all: build web

deps:
	@bash scripts/install-deps.sh

$(BUILD)/build.ninja: CMakeLists.txt
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo

configure: deps $(BUILD)/build.ninja

build: configure
	cmake --build $(BUILD) -j $(JOBS)

$(NPM_STAMP): web/package-lock.json
	cd web && npm ci --no-audit --no-fund

web: deps $(NPM_STAMP)
	cd web && npm run build

demo: build web
	./$(BUILD)/lianxin demo --db sqlite:$(DEMO_DB) --port $(PORT) --static web/dist

# Unit, storage and API tests on SQLite and on a throwaway PostgreSQL cluster, then browser tests.
test: build web test-unit test-e2e

test-unit:
	bash scripts/with-postgres.sh ctest --test-dir $(BUILD) --output-on-failure

$(E2E_STAMP): tests/e2e/package-lock.json
	cd tests/e2e && npm ci --no-audit --no-fund

test-e2e: $(E2E_STAMP)
	bash scripts/run-e2e.sh $(BUILD)

bench: build
	bash bench/run.sh $(BUILD)

clean:
	rm -rf $(BUILD) web/dist
