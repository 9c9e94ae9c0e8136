#!/usr/bin/env bash
# Command-line tests of the lianxin binary: migrate, user, import (archive and load curves), demo reproducibility, config
# errors, and a clean stop on SIGTERM. Usage: cli_test.sh PATH/TO/lianxin
set -u
bin=$1
dir=$(mktemp -d /tmp/lianxin-cli.XXXXXX)
trap 'rm -rf "$dir"' EXIT
passed=0 failed=0
check() {  # check NAME COMMAND... : passes when the command succeeds
  local name=$1; shift
  if "$@" >"$dir/out" 2>&1; then passed=$((passed + 1)); echo "ok   $name"
  else failed=$((failed + 1)); echo "FAIL $name"; sed 's/^/     /' "$dir/out" | head -20; fi
}
fails() {  # fails NAME COMMAND... : passes when the command fails
  local name=$1; shift
  if "$@" >"$dir/out" 2>&1; then failed=$((failed + 1)); echo "FAIL $name (succeeded unexpectedly)"
  else passed=$((passed + 1)); echo "ok   $name"; fi
}
db="sqlite:$dir/a.db"

check "migrate an empty database" "$bin" migrate --db "$db"
check "migrate again is a no-op" bash -c "'$bin' migrate --db '$db' | grep -q 'schema version 22 -> 22'"
fails "weak password is refused" "$bin" user --db "$db" --username boss --password short
check "create the first administrator" "$bin" user --db "$db" --username boss --password 'Boss@20260001'
check "reset the password" bash -c "'$bin' user --db '$db' --username boss --password 'Boss@20260002' | grep -q reset"
fails "unknown database scheme" "$bin" migrate --db mysql://x
echo "nonsense = 1" > "$dir/bad.conf"
fails "unknown config key is an error" "$bin" migrate --config "$dir/bad.conf"
echo "port = 99999" > "$dir/bad2.conf"
fails "out-of-range port is an error" "$bin" migrate --config "$dir/bad2.conf"

# Demo data is reproducible: the same seed gives the same customers.
check "seed demo A" "$bin" demo --db "sqlite:$dir/d1.db" --seed-only --customers 300
check "seed demo B" "$bin" demo --db "sqlite:$dir/d2.db" --seed-only --customers 300
check "seeding twice does not duplicate" bash -c "'$bin' demo --db 'sqlite:$dir/d2.db' --seed-only --customers 300 && test \$(sqlite3 '$dir/d2.db' 'select count(*) from customers where is_group = 0') = 300"
check "same seed, same data" bash -c "test \"\$(sqlite3 '$dir/d1.db' 'select name, credit_code, annual_kwh from customers order by id' | md5sum)\" = \"\$(sqlite3 '$dir/d2.db' 'select name, credit_code, annual_kwh from customers order by id' | md5sum)\""

# Import from the command line: a bad row fails the whole file; the good file succeeds.
printf '客户名称*,统一社会信用代码*,所属单位编码*\n好公司,91350100M000100Y43,DC01\n坏公司,123,DC01\n' > "$dir/bad.csv"
fails "import with a bad row fails" "$bin" import --db "sqlite:$dir/d1.db" --file "$dir/bad.csv" --as admin
check "nothing was written" test "$(sqlite3 "$dir/d1.db" "select count(*) from customers where credit_code = '91350100M000100Y43'")" = 0
printf '客户名称*,统一社会信用代码*,所属单位编码*\n好公司,91350100M000100Y43,DC01\n' > "$dir/good.csv"
check "import a good file" "$bin" import --db "sqlite:$dir/d1.db" --file "$dir/good.csv" --as admin
check "the row is there once" test "$(sqlite3 "$dir/d1.db" "select count(*) from customers where credit_code = '91350100M000100Y43'")" = 1

# Load curves from the command line: a directory of metering exports, each file all or nothing.
root=$(cd "$(dirname "$0")/../.." && pwd)
acct=$(sqlite3 "$dir/d1.db" "select account_no from accounts where tariff_category = 'ci_two_part' order by id limit 1")
mkdir -p "$dir/curves"
cp "$root/data/load-curves/dgb2016_Area2_Load.csv" "$dir/curves/a.csv"
printf 'YMD,T0000\n20260101,1\n' > "$dir/curves/b.csv"
"$bin" import --kind curves --db "sqlite:$dir/d1.db" --file "$dir/curves" --account "$acct" --as admin > "$dir/curves.out" 2>&1
check "a directory with a bad file exits non-zero" test $? -ne 0
q="from load_curves l join accounts a on a.id = l.account_id where a.account_no = '$acct' and l.period <= '2015-01'"
check "its good file is imported (37 months)" test "$(sqlite3 "$dir/d1.db" "select count(*) $q")" = 37
check "its bad file is named, with the row" bash -c "grep -q 'b.csv: refused' '$dir/curves.out' && grep -q 'row 1' '$dir/curves.out'"
check "Area2's negative readings are flagged" test "$(sqlite3 "$dir/d1.db" "select sum(negatives) $q")" = 2

# Serve, answer, and stop cleanly on SIGTERM.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$bin" serve --db "sqlite:$dir/d1.db" --port "$port" --static "$dir/none" >"$dir/serve.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/api/v1/health" >/dev/null && break; sleep 0.1; done
check "health answers" bash -c "curl -sf http://127.0.0.1:$port/api/v1/health | grep -q '\"status\":\"ok\"'"
check "LIANXIN_PORT is honoured" bash -c "LIANXIN_PORT=0 '$bin' migrate --db 'sqlite:$dir/d1.db'"
kill -TERM "$pid"
wait "$pid"
code=$?
check "SIGTERM stops the server with exit code 0" test "$code" = 0
check "the server said it stopped" grep -q stopped "$dir/serve.log"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
