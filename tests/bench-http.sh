#!/usr/bin/env bash
# HTTP benchmark of `flowrunner serve` (issue 5), with wrk (Debian package) and curl, all in one run:
#   1. token validation (GET /api/user/profile) against a bare endpoint (GET /health), 16 connections, --latency:
#      throughput ratio (target >= 0.7) and p99 (target < 5 ms);
#   2. login over HTTP at bcrypt cost 12: p95, and p95 minus the bare bcrypt verify measured in the same run (< 5 ms);
#   3. instance starts per second (POST /flows/auth/login/instances).
# Usage: tests/bench-http.sh [seconds per wrk run, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-10}
WORK=$(mktemp -d)
PORT=5097
B=http://127.0.0.1:$PORT
SERVE=""
trap 'if [ -n "$SERVE" ]; then kill "$SERVE" 2>/dev/null || true; fi; rm -rf "$WORK"' EXIT

dotnet build -c Release src/FlowRunner.Cli -v q -nologo >/dev/null
dotnet build -c Release tests/FlowRunner.Benchmarks -v q -nologo >/dev/null
FR="dotnet src/FlowRunner.Cli/bin/Release/net10.0/flowrunner.dll"
for i in 1 2 3; do echo 'correct horse battery staple' | $FR users create --email "bench$i@example.com" --password-stdin --db "$WORK/bench.db" >/dev/null; done
echo 'an admin password for benches' | $FR users create --email admin@example.com --password-stdin --role admin --db "$WORK/bench.db" >/dev/null
$FR serve flows --db "$WORK/bench.db" --urls "$B" >"$WORK/serve.log" 2>&1 &
SERVE=$!
for _ in $(seq 1 100); do curl -sf "$B/health" >/dev/null && break; sleep 0.1; done

login() { curl -s -X POST "$B/api/auth/login" -H 'Content-Type: application/json' -d "{\"email\":\"$1\",\"password\":\"$2\"}"; }
TOKEN=$(login bench1@example.com 'correct horse battery staple' | jq -er .access_token)
ADMIN=$(login admin@example.com 'an admin password for benches' | jq -er .access_token)

rps() { awk '/Requests\/sec/ {print $2}'; }
p99() { awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; print v}'; }

echo "== 1. token validation vs a bare endpoint (16 connections, ${DURATION}s each)"
BARE=$(wrk -t2 -c16 -d"${DURATION}s" --latency "$B/health")
AUTH=$(wrk -t2 -c16 -d"${DURATION}s" --latency -H "Authorization: Bearer $TOKEN" "$B/api/user/profile")
BARE_RPS=$(echo "$BARE" | rps); AUTH_RPS=$(echo "$AUTH" | rps)
echo "bare /health:          $BARE_RPS req/s, p99 $(echo "$BARE" | p99) ms"
echo "/api/user/profile:     $AUTH_RPS req/s, p99 $(echo "$AUTH" | p99) ms"
awk -v a="$AUTH_RPS" -v b="$BARE_RPS" 'BEGIN { printf "throughput ratio: %.2f (target >= 0.7)\n", a / b }'

echo "== 2. login over HTTP, bcrypt cost 12 (30 logins over 3 accounts, under the per-account limit)"
: >"$WORK/login.txt"
for n in $(seq 1 30); do
  i=$(( (n - 1) / 10 + 1 ))
  curl -s -o /dev/null -w '%{time_total}\n' -X POST "$B/api/auth/login" -H 'Content-Type: application/json' \
    -d "{\"email\":\"bench$i@example.com\",\"password\":\"correct horse battery staple\"}" >>"$WORK/login.txt"
done
LOGIN_P95=$(sort -n "$WORK/login.txt" | awk '{a[NR]=$1*1000} END {print a[int(NR*0.95)]}')
VERIFY_P95=$(dotnet tests/FlowRunner.Benchmarks/bin/Release/net10.0/FlowRunner.Benchmarks.dll identity 12 20 | awk '/bare bcrypt/ {for (i=1;i<=NF;i++) if ($i=="p95") print $(i+1)}')
echo "login p95: ${LOGIN_P95} ms; bare bcrypt verify p95 (same run): ${VERIFY_P95} ms"
awk -v l="$LOGIN_P95" -v v="$VERIFY_P95" 'BEGIN { printf "login p95 minus bcrypt: %.1f ms (target < 5 ms)\n", l - v }'

echo "== 3. instance starts per second (POST /flows/auth/login/instances, 16 connections)"
cat >"$WORK/start.lua" <<LUA
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer $ADMIN"
LUA
START=$(wrk -t2 -c16 -d"${DURATION}s" --latency -s "$WORK/start.lua" "$B/flows/auth/login/instances")
echo "instance starts: $(echo "$START" | rps) per second, p99 $(echo "$START" | p99) ms"
echo "$START" | grep -E "Non-2xx" || echo "all responses 2xx"
