#!/usr/bin/env bash
# Walks seed 004's gateway story against a running `flowrunner serve` with samples/gateway-client, a device:
# sign up with an emailed code, send signed commands over gRPC, and receive the user's events.
# Usage: samples/gateway-story.sh [http-url] [grpc-url] [database]
#   http-url  default http://127.0.0.1:5080 (the public auth routes)
#   grpc-url  default http://127.0.0.1:5081 (ExecuteCommand, SubscribeEvents)
#   database  default flowrunner.db (the outbox stands in for the mailbox: the code is read from it)
# Needs: the .NET SDK (to build the client), jq, sqlite3.
set -euo pipefail
HTTP=${1:-http://127.0.0.1:5080}
GRPC=${2:-http://127.0.0.1:5081}
DB=${3:-flowrunner.db}
EMAIL=${EMAIL:-dev-$RANDOM@example.com}
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d)
SUBSCRIBER=
trap '[ -n "$SUBSCRIBER" ] && kill "$SUBSCRIBER" 2>/dev/null; rm -rf "$WORK"' EXIT
step() { printf '\n== %s\n' "$1"; }
client() { GATEWAY_HTTP=$HTTP GATEWAY_GRPC=$GRPC GATEWAY_DEVICE=$WORK/device.json dotnet "$WORK/client/gateway-client.dll" "$@"; }

dotnet build "$HERE/gateway-client" -c Release -o "$WORK/client" --nologo -v quiet >/dev/null

step "ask for a sign-in code (any address gets the same answer)"
SENT=$(client send-code "$EMAIL")
echo "$SENT"
CHALLENGE=$(echo "$SENT" | cut -d' ' -f2- | jq -er .challenge_id)

step "read the code from the mailbox (the outbox), confirm it, and register this device's Ed25519 key"
CODE=$(sqlite3 "$DB" "SELECT json_extract(payload, '\$.code') FROM outbox WHERE kind = 'email.sign-in-code' AND json_extract(payload, '\$.to') = '$EMAIL' ORDER BY id DESC LIMIT 1")
client confirm "$CHALLENGE" "$CODE"

step "subscribe to the user's events (the server's time comes first)"
client subscribe 2 > "$WORK/events.txt" &
SUBSCRIBER=$!
sleep 2

step "signed commands: read the profile, change it"
client command user.profile.get
client command user.profile.update '{"display_name": "Dev"}'

step "the subscription received the change, signed by the gateway"
wait "$SUBSCRIBER"
SUBSCRIBER=
cat "$WORK/events.txt"

step "an unknown command is refused"
client command user.delete.everything || true

step "this device's sessions"
client command user.sessions.list

echo
echo "the seed's gateway story ran end to end"
