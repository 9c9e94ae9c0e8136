#!/usr/bin/env bash
# Lianxin benchmarks: every figure is printed beside a baseline measured in the same run and the
# goal from the issue. Usage: bash bench/run.sh [BUILD_DIR]   (make bench runs it with build/)
#
# 1. screen-pop lookup  GET /api/v1/lookup over 1M customers, wrk -t2 -c64, vs a static file
# 2. search             customers::search p50/p99 (bench_search) vs a naive LIKE scan
# 3. import             customers::run_import_now rows/s (bench_import) vs plain sqlite3 inserts
# 4. memory             server VmHWM after the lookup load vs the same server idle on an empty DB
# 5. claims             the sweep's due-clock query among 1M open claims vs the same query unindexed;
#                       claim creation with audit and outbox vs plain inserts (bench_claims)
# 6. key accounts       identification over the 1M customers with 12 months of bills vs a plain scan of their
#                       rows (also with glibc's huge-page malloc, GLIBC_TUNABLES=glibc.malloc.hugetlb=1)
# 7. bill import        100,000 bill rows through the bill import vs plain sqlite3 inserts (bench_billing)
# 8. manager home       the account manager's home for a manager with 200 accounts vs listing them (bench_home)
# 9. expansion analysis the bottleneck analysis over 200,000 applications with all their stages vs a plain join
#                       reading the same stage rows (bench_expansion)
# 10. outages           the accounts an outage on a line feeding 20,000 accounts cuts, in a topology of 1,000,000
#                       accounts, vs listing the line's accounts; checking and notifying it (notice plan, outbox)
#                       for those 20,000 customers (bench_outages)
# 11. data quality      the full pass over the 1M-customer archive (first and steady state) vs a plain scan of the
#                       rows it reads; re-checking one edited customer vs reading its rows (bench_quality)
# 12. analysis          the basic-charge optimisation over 50,000 accounts × 12 months of 15-minute data in
#                       memory vs a plain single pass over the same data and vs the same computation in
#                       pandas (Debian's python3-pandas, on the first 500 accounts); the import of a year of
#                       15-minute curves for 10,000 accounts on SQLite vs parsing the text alone (bench_analysis)
#
# Only 127.0.0.1 is used. The generated 1M-customer database is cached in bench/results/
# (gitignored), keyed by a generator version plus a hash of the code that shapes it.
# Environment (for quick trial runs; the defaults are the real benchmark):
#   LIANXIN_BENCH_CUSTOMERS (1000000)  LIANXIN_BENCH_IMPORT_ROWS (1000000)
#   LIANXIN_BENCH_DURATION (10, wrk seconds)  LIANXIN_BENCH_QUERIES (1000)
#   LIANXIN_BENCH_OPEN_CLAIMS (1000000)  LIANXIN_BENCH_CREATIONS (5000)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${1:-build}
[[ $BUILD = /* ]] || BUILD=$ROOT/$BUILD
CUSTOMERS=${LIANXIN_BENCH_CUSTOMERS:-1000000}
IMPORT_ROWS=${LIANXIN_BENCH_IMPORT_ROWS:-1000000}
DURATION=${LIANXIN_BENCH_DURATION:-10}
QUERIES=${LIANXIN_BENCH_QUERIES:-1000}
OPEN_CLAIMS=${LIANXIN_BENCH_OPEN_CLAIMS:-1000000}
CREATIONS=${LIANXIN_BENCH_CREATIONS:-5000}
GENERATOR_VERSION=1     # bump to force regenerating the cached database
RESULTS=$ROOT/bench/results
WORK=$RESULTS/work
PASSWORD='Lianxin@2026'

# The server reads LIANXIN_* settings from the environment; the benchmark sets its own.
for v in $(compgen -e | grep '^LIANXIN_' || true); do unset "$v"; done

for tool in wrk curl sqlite3 awk sha256sum; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is required (make deps installs it)" >&2; exit 1; }
done

started_at=$(date +%s)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
section() { printf '\n=== %s  (+%ds)\n' "$1" $(( $(date +%s) - started_at )); }
fmt() { awk -v v="$1" -v d="${2:-1}" 'BEGIN { printf "%.*f", d, v }'; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }'; }
lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }
yesno() { if "$@"; then echo yes; else echo no; fi; }
result() { sed -n "s/^RESULT $1=//p" "$2" | tail -1; }
wrkval() { sed -n "s/^WRK $1=//p" "$2" | tail -1; }

SERVER_PIDS=()
cleanup() {
  for pid in "${SERVER_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${SERVER_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

# start_server NAME DB_PATH STATIC_DIR -> sets PID and PORT; log in $WORK/NAME.log
start_server() {
  local name=$1 db=$2 static=$3 log=$WORK/$1.log conf=$WORK/$1.conf
  # Defaults for threads (4) and db_pool (8); port 0 = any free port; access log at info. No
  # scheduler: on a database that never had one, the data-quality full pass would start at once
  # and hold the write lock for half a minute (the setup login would wait); the periodic passes
  # have benchmarks of their own.
  printf 'db = sqlite:%s\naddress = 127.0.0.1\nport = 0\nstatic_dir = %s\njobs = false\n' "$db" "$static" >"$conf"
  "$BUILD/lianxin" serve --config "$conf" >"$log" 2>&1 &
  PID=$!
  SERVER_PIDS+=("$PID")
  PORT=
  for _ in $(seq 1 600); do
    PORT=$(sed -n 's|.*serving on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$log" | head -1)
    [[ -n $PORT ]] && break
    kill -0 "$PID" 2>/dev/null || { echo "bench: server $name exited:" >&2; tail -20 "$log" >&2; exit 1; }
    sleep 0.1
  done
  [[ -n $PORT ]] || { echo "bench: server $name did not start" >&2; exit 1; }
}
stop_server() {
  kill -TERM "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
  local keep=()
  for pid in "${SERVER_PIDS[@]}"; do [[ $pid == "$1" ]] || keep+=("$pid"); done
  SERVER_PIDS=("${keep[@]+"${keep[@]}"}")
}
status_kb() { sed -n "s/^$2:[[:space:]]*\([0-9]*\) kB/\1/p" "/proc/$1/status"; }
mb() { awk -v kb="$1" 'BEGIN { printf "%.0f", kb * 1024 / 1e6 }'; }  # kB -> MB (10^6 bytes)

section "build"
cmake --build "$BUILD" --target lianxin bench_search bench_import bench_claims bench_keyaccounts bench_billing bench_home bench_expansion bench_outages bench_quality bench_analysis -j "${JOBS:-2}" | tail -1

mkdir -p "$RESULTS"
rm -rf "$WORK"
mkdir -p "$WORK"

section "1M-customer database (cached)"
# The key changes when the generator, the search-document builder or the schema changes.
key_sources=("$ROOT/src/app/demo.cpp" "$ROOT/src/text/text.cpp" "$ROOT/src/text/search.cpp" "$ROOT/src/text/pinyin_table.cpp"
             "$ROOT"/src/storage/migrations/sqlite/*.sql)
GEN_KEY="g$GENERATOR_VERSION-$(cat "${key_sources[@]}" | sha256sum | cut -c1-10)"
CACHED=$RESULTS/customers-$CUSTOMERS-$GEN_KEY.db
if [[ -f $CACHED ]]; then
  echo "using the cached database $(basename "$CACHED") (generator key $GEN_KEY; generated in $(cat "$CACHED.seconds" 2>/dev/null || echo '?') s;"
  echo "  delete it, or change src/app/demo.cpp, src/text or the migrations, to regenerate)"
else
  for old in "$RESULTS"/customers-"$CUSTOMERS"-*.db; do
    [[ -e $old ]] && { echo "removing stale cached database $(basename "$old")"; rm -f "$old" "$old".*; }
  done
  echo "generating $CUSTOMERS customers (generator key $GEN_KEY), one-off, about 1.5-2.5 minutes..."
  rm -f "$CACHED.tmp"*
  t0=$(date +%s.%N)
  "$BUILD/lianxin" demo --db "sqlite:$CACHED.tmp" --seed-only --customers "$CUSTOMERS" >/dev/null
  t1=$(date +%s.%N)
  sqlite3 "$CACHED.tmp" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
  rm -f "$CACHED.tmp-wal" "$CACHED.tmp-shm"
  gen_seconds=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", b - a }')
  mv "$CACHED.tmp" "$CACHED"
  echo "$gen_seconds" >"$CACHED.seconds"
  echo "generated in $gen_seconds s ($(du -m "$CACHED" | cut -f1) MB), cached as $(basename "$CACHED")"
fi
# The servers write sessions, API keys and audit rows: work on a copy, keep the cache pristine.
DB=$WORK/customers.db
cp "$CACHED" "$DB"
count=$(sqlite3 "$DB" "SELECT COUNT(*) FROM customers")
echo "working copy: $count customers, $(du -m "$DB" | cut -f1) MB"

section "1+4. screen-pop lookup and memory"
# ~1000 real mobile numbers spread over the whole contacts table.
sqlite3 "$DB" "SELECT mobile FROM contacts WHERE active = 1 AND mobile IS NOT NULL AND id % ((SELECT MAX(id) FROM contacts) / 1000 + 1) = 0 LIMIT 1000" >"$WORK/phones.txt"
echo "$(wc -l <"$WORK/phones.txt") phone numbers from the database for the wrk script"
dispatcher_id=$(sqlite3 "$DB" "SELECT id FROM users WHERE username = 'dispatcher01'")
mkdir -p "$WORK/static"

# Setup server: log in as admin, create an API key for dispatcher01 (service dispatcher, city
# scope), take a typical lookup response as the static baseline file. A login hashes with
# argon2id (64 MiB), so the measured server below is a fresh process that never logs anyone in.
start_server setup "$DB" "$WORK/static"
BASE=http://127.0.0.1:$PORT
setup_start_hwm=$(status_kb "$PID" VmHWM)
login=$(curl -sS -c "$WORK/cookies" -H 'Content-Type: application/json' \
  -d "{\"username\":\"admin\",\"password\":\"$PASSWORD\"}" "$BASE/api/v1/auth/login")
csrf=$(sed -n 's/.*"csrf_token":"\([^"]*\)".*/\1/p' <<<"$login")
[[ -n $csrf ]] || { echo "bench: login failed: $login" >&2; exit 1; }
setup_login_hwm=$(status_kb "$PID" VmHWM)
created=$(curl -sS -b "$WORK/cookies" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' \
  -d "{\"name\":\"bench\",\"user_id\":$dispatcher_id}" "$BASE/api/v1/api-keys")
API_KEY=$(sed -n 's/.*"key":"\([^"]*\)".*/\1/p' <<<"$created")
[[ -n $API_KEY ]] || { echo "bench: creating the API key failed: $created" >&2; exit 1; }
echo "API key ${API_KEY:0:12}... for dispatcher01 (user $dispatcher_id); one admin login raised the setup server's VmHWM from $(mb "$setup_start_hwm") to $(mb "$setup_login_hwm") MB (argon2id)"
# Lookups must answer 200 with a customer; the median-size response becomes the static file.
sizes=()
for phone in $(head -21 "$WORK/phones.txt"); do
  code=$(curl -sS -o "$WORK/lookup-$phone.json" -w '%{http_code}' -H "X-API-Key: $API_KEY" "$BASE/api/v1/lookup?phone=$phone")
  [[ $code == 200 ]] && grep -q '"items":\[{' "$WORK/lookup-$phone.json" || {
    echo "bench: lookup of $phone answered $code: $(head -c 300 "$WORK/lookup-$phone.json")" >&2; exit 1; }
  sizes+=("$(wc -c <"$WORK/lookup-$phone.json") $phone")
done
median=$(printf '%s\n' "${sizes[@]}" | sort -n | sed -n "$(( (${#sizes[@]} + 1) / 2 ))p")
cp "$WORK/lookup-${median#* }.json" "$WORK/static/lookup-sample.json"
rm -f "$WORK"/lookup-*.json
sample_bytes=$(wc -c <"$WORK/static/lookup-sample.json")
echo "21 lookups answered 200 with a customer; the median response ($sample_bytes bytes) is the static file lookup-sample.json"
stop_server "$PID"

# The measured server: defaults (4 threads, 8 database connections, access log at info).
start_server big "$DB" "$WORK/static"
BIG_PID=$PID
BASE=http://127.0.0.1:$PORT
idle_big_hwm=$(status_kb "$BIG_PID" VmHWM)
code=$(curl -sS -o /dev/null -w '%{http_code}' "$BASE/lookup-sample.json")
[[ $code == 200 ]] || { echo "bench: static sample answered $code" >&2; exit 1; }
echo "server pid $BIG_PID on $BASE (4 threads, 8 database connections, access log at info: the defaults)"

run_wrk() {  # MODE CONNECTIONS SECONDS OUT [LINES_FILE]
  wrk -t"$(( $2 < 2 ? 1 : 2 ))" -c"$2" -d"$3"s --latency -s "$ROOT/bench/lookup.lua" "$BASE" -- "$1" "${5:-$WORK/phones.txt}" "$API_KEY" >"$4" 2>&1
}
echo "warm-up: 3 s of each"
run_wrk static 64 3 "$WORK/wrk-warm-static.txt"
run_wrk lookup 64 3 "$WORK/wrk-warm-lookup.txt"
echo "measuring: wrk -t2 -c64 -d${DURATION}s --latency, the static file (baseline), then the lookup"
run_wrk static 64 "$DURATION" "$WORK/wrk-static.txt"
run_wrk lookup 64 "$DURATION" "$WORK/wrk-lookup.txt"
for f in static lookup; do
  echo "--- $f"
  grep -E 'Latency|Req/Sec|requests in|Requests/sec|Non-2xx|Socket errors|  (50|90|99)%' "$WORK/wrk-$f.txt" | sed 's/^/  /'
done
static_rps=$(wrkval rps "$WORK/wrk-static.txt"); static_p99=$(wrkval p99_ms "$WORK/wrk-static.txt")
lookup_rps=$(wrkval rps "$WORK/wrk-lookup.txt"); lookup_p99=$(wrkval p99_ms "$WORK/wrk-lookup.txt")
lookup_errors=$(( $(wrkval errors "$WORK/wrk-lookup.txt") + $(wrkval errors "$WORK/wrk-static.txt") ))
ratio=$(awk -v a="$lookup_rps" -v b="$static_rps" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
echo "lookup $(fmt "$lookup_rps" 0) req/s, p99 $(fmt "$lookup_p99" 2) ms; static $(fmt "$static_rps" 0) req/s, p99 $(fmt "$static_p99" 2) ms; ratio $ratio; errors $lookup_errors"

big_hwm=$(status_kb "$BIG_PID" VmHWM); big_rss=$(status_kb "$BIG_PID" VmRSS)
echo "memory of the server with $count customers: VmHWM $(mb "$big_hwm") MB after the lookup load (VmRSS $(mb "$big_rss") MB; VmHWM $(mb "$idle_big_hwm") MB right after start)"

# Informational: latency without queueing (one connection), and memory after some searches.
run_wrk static 1 5 "$WORK/wrk-static-c1.txt"
run_wrk lookup 1 5 "$WORK/wrk-lookup-c1.txt"
echo "one connection, 5 s each: static p50 $(fmt "$(wrkval p50_ms "$WORK/wrk-static-c1.txt")" 2) / p99 $(fmt "$(wrkval p99_ms "$WORK/wrk-static-c1.txt")" 2) ms," \
  "lookup p50 $(fmt "$(wrkval p50_ms "$WORK/wrk-lookup-c1.txt")" 2) / p99 $(fmt "$(wrkval p99_ms "$WORK/wrk-lookup-c1.txt")" 2) ms"
urlencode() { local LC_ALL=C s=$1 i c out=; for ((i = 0; i < ${#s}; i++)); do c=${s:i:1}
  case $c in [a-zA-Z0-9.~_-]) out+=$c ;; *) printf -v c '%%%02X' "'$c"; out+=$c ;; esac; done; echo "$out"; }
for q in 恒信 华泰 金源 宏达 瑞丰 永昌 鑫盛 中联 天成 正威 滇池 东城 西山 南湖 北岭 金马 锡业 钢铁 水泥 化工 医院 ylxy dchx xshd nhjy; do
  urlencode "$q"; done >"$WORK/queries.txt"
run_wrk search 8 "$DURATION" "$WORK/wrk-search.txt" "$WORK/queries.txt"
search_hwm=$(status_kb "$BIG_PID" VmHWM)
echo "then ${DURATION} s of GET /api/v1/search (8 connections, $(wc -l <"$WORK/queries.txt") queries): $(fmt "$(wrkval rps "$WORK/wrk-search.txt")" 1) req/s," \
  "p99 $(fmt "$(wrkval p99_ms "$WORK/wrk-search.txt")" 0) ms, errors $(wrkval errors "$WORK/wrk-search.txt"); VmHWM now $(mb "$search_hwm") MB"
stop_server "$BIG_PID"
tail -n 50 "$WORK/big.log" >"$WORK/big.log.tail" && mv "$WORK/big.log.tail" "$WORK/big.log"

# Memory baseline: the same server, idle, on an empty (migrated, unseeded) database.
start_server empty "$WORK/empty.db" "$WORK/static"
curl -sS -o /dev/null "http://127.0.0.1:$PORT/api/v1/health"
sleep 1
empty_hwm=$(status_kb "$PID" VmHWM)
echo "the same server idle on an empty database: VmHWM $(mb "$empty_hwm") MB"
stop_server "$PID"

section "2. search (bench_search)"
"$BUILD/bench/bench_search" --db "$DB" --queries "$QUERIES" --naive-queries 500 --budget-seconds 150 | tee "$WORK/search.txt"

section "3. import (bench_import)"
"$BUILD/bench/bench_import" --workdir "$WORK/import" --rows "$IMPORT_ROWS" | tee "$WORK/import.txt" || true

section "5. claims (bench_claims)"
"$BUILD/bench/bench_claims" --workdir "$RESULTS" --open-claims "$OPEN_CLAIMS" --creations "$CREATIONS" | tee "$WORK/claims.txt"

section "6. key-account identification (bench_keyaccounts)"
# The first run seeds 12 months of bills into a copy of the cached database (about 2 minutes, cached too).
"$BUILD/bench/bench_keyaccounts" --db "$CACHED" | tee "$WORK/keyaccounts.txt"
echo "the same with huge pages for every large allocation (GLIBC_TUNABLES=glibc.malloc.hugetlb=1):"
GLIBC_TUNABLES=glibc.malloc.hugetlb=1 "$BUILD/bench/bench_keyaccounts" --db "$CACHED" | tee "$WORK/keyaccounts-huge.txt"

section "7. bill import (bench_billing)"
"$BUILD/bench/bench_billing" --workdir "$WORK/billing" --rows "${LIANXIN_BENCH_BILL_ROWS:-100000}" | tee "$WORK/billing.txt" || true

section "8. the account manager's home (bench_home)"
"$BUILD/bench/bench_home" --workdir "$RESULTS/home" | tee "$WORK/home.txt"

section "9. business-expansion bottleneck analysis (bench_expansion)"
"$BUILD/bench/bench_expansion" --workdir "$RESULTS/expansion" --applications "${LIANXIN_BENCH_APPLICATIONS:-200000}" | tee "$WORK/expansion.txt"

section "10. outages: affected accounts and notices (bench_outages)"
"$BUILD/bench/bench_outages" --workdir "$RESULTS/outages" | tee "$WORK/outages.txt"

section "11. data quality: full pass and one customer's re-check (bench_quality)"
"$BUILD/bench/bench_quality" --db "$DB" | tee "$WORK/quality.txt"

section "12. analysis: basic-charge optimisation and curve import (bench_analysis, basic_charge_pandas.py)"
"$BUILD/bench/bench_analysis" --dir "$WORK/analysis" --accounts "${LIANXIN_BENCH_ANALYSIS_ACCOUNTS:-50000}" \
  --import-accounts "${LIANXIN_BENCH_CURVE_ACCOUNTS:-10000}" --pandas-accounts 500 | tee "$WORK/analysis.txt"
/usr/bin/python3 "$ROOT/bench/basic_charge_pandas.py" "$WORK/analysis" 500 | tee -a "$WORK/analysis.txt"

section "summary"
s_name_p99=$(result search_name_p99_ms "$WORK/search.txt"); s_pin_p99=$(result search_pinyin_p99_ms "$WORK/search.txt")
s_name_p50=$(result search_name_p50_ms "$WORK/search.txt"); s_pin_p50=$(result search_pinyin_p50_ms "$WORK/search.txt")
s_naive_p50=$(result search_naive_p50_ms "$WORK/search.txt"); s_naive_p99=$(result search_naive_p99_ms "$WORK/search.txt")
i_rps=$(result import_rows_per_s "$WORK/import.txt"); i_plain=$(result import_plain_rows_per_s "$WORK/import.txt")
i_ok=$(result import_ok "$WORK/import.txt"); i_s=$(result import_seconds "$WORK/import.txt")
i_search=$(result import_search_seconds "$WORK/import.txt"); i_searchable=$(result import_searchable_rows_per_s "$WORK/import.txt")
c_find99=$(result sweep_find_p99_ms "$WORK/claims.txt"); c_find50=$(result sweep_find_p50_ms "$WORK/claims.txt")
c_scan=$(result sweep_scan_p50_ms "$WORK/claims.txt"); c_step=$(result sweep_step_ms "$WORK/claims.txt")
c_fired=$(result sweep_step_fired "$WORK/claims.txt"); c_open=$(result sweep_open_claims "$WORK/claims.txt")
c_create=$(result create_per_s "$WORK/claims.txt"); c_plain=$(result create_plain_per_s "$WORK/claims.txt")
k_ms=$(result identification_ms "$WORK/keyaccounts.txt"); k_read=$(result identification_read_ms "$WORK/keyaccounts.txt")
k_huge=$(result identification_ms "$WORK/keyaccounts-huge.txt")
b_rps=$(result bill_import_rows_per_s "$WORK/billing.txt"); b_plain=$(result bill_import_plain_rows_per_s "$WORK/billing.txt")
b_s=$(result bill_import_seconds "$WORK/billing.txt"); b_rows=$(result bill_import_rows "$WORK/billing.txt")
b_ok=$(result bill_import_ok "$WORK/billing.txt")
e_ms=$(result expansion_analysis_ms "$WORK/expansion.txt"); e_max=$(result expansion_analysis_max_ms "$WORK/expansion.txt")
e_scan=$(result expansion_scan_ms "$WORK/expansion.txt"); e_apps=$(result expansion_applications "$WORK/expansion.txt")
o_p50=$(result outage_affected_p50_ms "$WORK/outages.txt"); o_p99=$(result outage_affected_p99_ms "$WORK/outages.txt")
o_base=$(result outage_affected_baseline_ms "$WORK/outages.txt"); o_notify=$(result outage_plan_notify_ms "$WORK/outages.txt")
a_opt=$(result opt_ms "$WORK/analysis.txt"); a_scan=$(result scan_ms "$WORK/analysis.txt"); a_n=$(result opt_accounts "$WORK/analysis.txt")
a_us=$(result opt_us_per_account "$WORK/analysis.txt"); a_pd=$(result pandas_us_per_account "$WORK/analysis.txt")
a_imp=$(result import_s "$WORK/analysis.txt"); a_parse=$(result import_parse_s "$WORK/analysis.txt"); a_imp_n=$(result import_accounts "$WORK/analysis.txt")
a_ratio=$(awk -v a="$a_opt" -v b="$a_scan" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
a_speedup=$(awk -v a="$a_pd" -v b="$a_us" 'BEGIN { printf "%.0f", (b > 0 ? a / b : 0) }')
q_full=$(result quality_full_s "$WORK/quality.txt"); q_first=$(result quality_full_first_s "$WORK/quality.txt")
q_scan=$(result quality_scan_ms "$WORK/quality.txt"); q_p50=$(result quality_recheck_p50_ms "$WORK/quality.txt")
q_p99=$(result quality_recheck_p99_ms "$WORK/quality.txt"); q_read=$(result quality_read_p50_ms "$WORK/quality.txt")
h_p50=$(result home_p50_ms "$WORK/home.txt"); h_p99=$(result home_p99_ms "$WORK/home.txt"); h_base=$(result home_baseline_p50_ms "$WORK/home.txt")
half=$(awk -v s="$static_rps" 'BEGIN { print s / 2 }')
{
  printf '%-38s %-28s %-38s %-18s %s\n' figure measured "baseline (same run)" goal met
  printf '%-38s %-28s %-38s %-18s %s\n' "lookup throughput ($count customers)" \
    "$(fmt "$lookup_rps" 0) req/s" "static file $(fmt "$static_rps" 0) req/s" ">= 1/2 static" \
    "$(yesno ge "$lookup_rps" "$half") (ratio $ratio)"
  printf '%-38s %-28s %-38s %-18s %s\n' "lookup p99 latency (64 conns)" "$(fmt "$lookup_p99" 2) ms" \
    "static file $(fmt "$static_p99" 2) ms" "< 10 ms" "$(yesno lt "$lookup_p99" 10)"
  printf '%-38s %-28s %-38s %-18s %s\n' "search, 2-char name fragment" "p50 $(fmt "$s_name_p50" 1) / p99 $(fmt "$s_name_p99" 1) ms" \
    "naive LIKE p50 $(fmt "$s_naive_p50" 2) / p99 $(fmt "$s_naive_p99" 2) ms" "p99 < 20 ms" "$(yesno lt "$s_name_p99" 20)"
  printf '%-38s %-28s %-38s %-18s %s\n' "search, pinyin initials" "p50 $(fmt "$s_pin_p50" 1) / p99 $(fmt "$s_pin_p99" 1) ms" \
    "n/a (LIKE cannot match pinyin)" "p99 < 20 ms" "$(yesno lt "$s_pin_p99" 20)"
  printf '%-38s %-28s %-38s %-18s %s\n' "import of $IMPORT_ROWS CSV rows" "$(fmt "$i_rps" 0) rows/s ($(fmt "$i_s" 0) s)" \
    "plain sqlite3 $(fmt "$i_plain" 0) rows/s" ">= 150000 rows/s" \
    "$(if [[ $i_ok == 1.000 ]]; then yesno ge "$i_rps" 150000; else echo 'no (import failed)'; fi)"
  printf '%-38s %-28s %-38s %-18s %s\n' "  then its search index (backlog)" "$(fmt "$i_search" 1) s; $(fmt "$i_searchable" 0) rows/s in all" \
    "-" "(informational)" "-"
  printf '%-38s %-28s %-38s %-18s %s\n' "sweep: find due among $(fmt "$c_open" 0) open" "p50 $(fmt "$c_find50" 2) / p99 $(fmt "$c_find99" 2) ms" \
    "same query, no index: $(fmt "$c_scan" 1) ms" "< 50 ms" "$(yesno lt "$c_find99" 50)"
  printf '%-38s %-28s %-38s %-18s %s\n' "sweep: one step, find + fire" "$(fmt "$c_step" 1) ms ($(fmt "$c_fired" 0) points)" \
    "-" "(informational)" "-"
  printf '%-38s %-28s %-38s %-18s %s\n' "claim creation (audit + outbox), SQLite" "$(fmt "$c_create" 0) claims/s" \
    "plain inserts $(fmt "$c_plain" 0) rows/s" ">= 2000 /s" "$(yesno ge "$c_create" 2000)"
  printf '%-38s %-28s %-38s %-18s %s\n' "key-account identification, 1M customers" "$(fmt "$k_ms" 0) ms (12 months of bills)" \
    "plain scan of the rows $(fmt "$k_read" 0) ms" "< 2000 ms" "$(yesno lt "$k_ms" 2000)"
  printf '%-38s %-28s %-38s %-18s %s\n' "  the same, glibc huge-page malloc" "$(fmt "$k_huge" 0) ms" \
    "-" "< 2000 ms" "$(yesno lt "$k_huge" 2000)"
  printf '%-38s %-28s %-38s %-18s %s\n' "bill import of $(fmt "$b_rows" 0) CSV rows" "$(fmt "$b_rps" 0) rows/s ($(fmt "$b_s" 2) s)" \
    "plain sqlite3 $(fmt "$b_plain" 0) rows/s" "(informational)" "$(if [[ $b_ok == 1.000 ]]; then echo '-'; else echo 'import failed'; fi)"
  printf '%-38s %-28s %-38s %-18s %s\n' "manager home, 200 accounts" "p50 $(fmt "$h_p50" 1) / p99 $(fmt "$h_p99" 1) ms" \
    "listing the accounts p50 $(fmt "$h_base" 2) ms" "< 50 ms" "$(yesno lt "$h_p99" 50)"
  printf '%-38s %-28s %-38s %-18s %s\n' "expansion analysis, $(fmt "$e_apps" 0) applications" "median $(fmt "$e_ms" 0) / max $(fmt "$e_max" 0) ms" \
    "plain join of the stage rows $(fmt "$e_scan" 0) ms" "< 1000 ms" "$(yesno lt "$e_max" 1000)"
  printf '%-38s %-28s %-38s %-18s %s\n' "outage: affected, line of 20,000 accts" "p50 $(fmt "$o_p50" 1) / p99 $(fmt "$o_p99" 1) ms" \
    "listing the line's accounts $(fmt "$o_base" 1) ms" "< 20 ms" "$(yesno lt "$o_p99" 20)"
  printf '%-38s %-28s %-38s %-18s %s\n' "outage: notice plan + outbox, 20,000" "$(fmt "$o_notify" 0) ms" \
    "-" "< 1000 ms" "$(yesno lt "$o_notify" 1000)"
  printf '%-38s %-28s %-38s %-18s %s\n' "data quality: nightly full pass" "$(fmt "$q_full" 1) s (first $(fmt "$q_first" 1) s)" \
    "plain scan of the rows $(fmt "$q_scan" 0) ms" "< 60 s" "$(yesno lt "$q_full" 60)"
  printf '%-38s %-28s %-38s %-18s %s\n' "data quality: re-check one customer" "p50 $(fmt "$q_p50" 2) / p99 $(fmt "$q_p99" 2) ms" \
    "reading its rows p50 $(fmt "$q_read" 2) ms" "< 5 ms" "$(yesno lt "$q_p99" 5)"
  printf '%-38s %-28s %-38s %-18s %s\n' "basic-charge optimisation, $(fmt "$a_n" 0) accts" "$(fmt "$a_opt" 0) ms (×$a_ratio of the scan)" \
    "plain scan of the data $(fmt "$a_scan" 0) ms" "<= 2 × scan" "$(yesno lt "$a_ratio" 2)"
  printf '%-38s %-28s %-38s %-18s %s\n' "  the same per account vs pandas" "$(fmt "$a_us" 1) µs" \
    "pandas $(fmt "$a_pd" 0) µs (×$a_speedup)" ">= 20 × faster" "$(yesno ge "$a_speedup" 20)"
  printf '%-38s %-28s %-38s %-18s %s\n' "curve import, $(fmt "$a_imp_n" 0) accounts × a year" "$(fmt "$a_imp" 1) s (SQLite)" \
    "parsing the text alone $(fmt "$a_parse" 1) s" "< 30 s" "$(yesno lt "$a_imp" 30)"
  printf '%-38s %-28s %-38s %-18s %s\n' "server memory after lookup load" "VmHWM $(mb "$big_hwm") MB" \
    "idle, empty DB $(mb "$empty_hwm") MB" "< 300 MB" "$(yesno lt "$(mb "$big_hwm")" 300)"
  [[ $lookup_errors == 0 ]] || echo "WARNING: wrk reported $lookup_errors errors or non-2xx responses (see $WORK/wrk-*.txt)"
  echo "notes (informational, same run):"
  echo "  - one connection (no queueing): lookup p99 $(fmt "$(wrkval p99_ms "$WORK/wrk-lookup-c1.txt")" 2) ms, static p99 $(fmt "$(wrkval p99_ms "$WORK/wrk-static-c1.txt")" 2) ms;" \
    "with 64 connections on $(nproc) cores the p99 is mostly queueing (Little's law: 64 / $(fmt "$lookup_rps" 0) req/s = $(awk -v r="$lookup_rps" 'BEGIN { printf "%.1f", (r > 0 ? 64000 / r : 0) }') ms mean)"
  echo "  - memory: VmHWM $(mb "$search_hwm") MB after a further ${DURATION} s of /api/v1/search; one admin login adds" \
    "$(( $(mb "$setup_login_hwm") - $(mb "$setup_start_hwm") )) MB (argon2id), not included above"
  echo "  - search, informational worst case: $(sed -n 's/^  公司 *\([0-9.]*\) ms.*/\1/p' "$WORK/search.txt") ms for 公司 (in every name)"
  echo "database: $(basename "$CACHED") ($count customers, cached in bench/results/; generating it took $(cat "$CACHED.seconds" 2>/dev/null || echo '?') s);" \
    "machine: $(nproc) cores, load average before the run $load_before; total bench time $(( $(date +%s) - started_at )) s"
} | tee "$RESULTS/summary.txt"

# Keep the logs and the summary; drop the large database copies.
rm -rf "$WORK/import" "$WORK/billing" "$WORK/analysis" "$DB" "$DB"-wal "$DB"-shm "$WORK/empty.db"*
