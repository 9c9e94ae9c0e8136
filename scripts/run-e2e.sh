#!/usr/bin/env bash
# Browser tests: a fresh demo database, the real server on a free port serving the built UI,
# then playwright-core driving Debian's Chromium (node --test).
set -euo pipefail
BUILD=${1:-build}
dir=$(mktemp -d /tmp/lianxin-e2e.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"./$BUILD/lianxin" demo --db "sqlite:$dir/e2e.db" --seed-only --customers 5000 >/dev/null
"./$BUILD/lianxin" serve --db "sqlite:$dir/e2e.db" --port "$port" --static web/dist >"$dir/server.log" 2>&1 &
pid=$!
cleanup() { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/api/v1/health" >/dev/null && break; sleep 0.1; done
cd tests/e2e
LIANXIN_URL="http://127.0.0.1:$port" npm test
