#!/usr/bin/env bash
# Walks seed 002's auth story against a running `flowrunner serve`, with curl only.
# Usage: samples/auth-story.sh [base-url] [database]
#   base-url  default http://127.0.0.1:5080
#   database  default flowrunner.db (the outbox stands in for the mailbox: the reset link is read from it)
# Needs: curl, jq, oathtool, sqlite3. Creates the user ann@example.com if it does not exist yet.
set -euo pipefail
B=${1:-http://127.0.0.1:5080}
DB=${2:-flowrunner.db}
EMAIL=${EMAIL:-ann@example.com}
PASSWORD=${PASSWORD:-correct horse battery staple}
post() { curl -s -X POST "$B$1" -H 'Content-Type: application/json' "${@:3}" -d "$2"; }
step() { printf '\n== %s\n' "$1"; }

step "log in"
LOGIN=$(post /api/auth/login "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}")
echo "$LOGIN" | jq '{token_type, expires_in}'
ACCESS=$(echo "$LOGIN" | jq -er .access_token)
REFRESH=$(echo "$LOGIN" | jq -er .refresh_token)

step "a wrong password and an unknown user get the same answer"
post /api/auth/login "{\"email\":\"$EMAIL\",\"password\":\"wrong\"}" -w ' %{http_code}\n'
post /api/auth/login '{"email":"nobody@example.com","password":"wrong"}' -w ' %{http_code}\n'

step "profile (needs the access token)"
curl -s "$B/api/user/profile" -H "Authorization: Bearer $ACCESS" | jq .

step "refresh rotates the refresh token; the old one is refused"
NEW=$(post /api/auth/refresh "{\"refresh_token\":\"$REFRESH\"}")
echo "$NEW" | jq '{token_type, expires_in}'
post /api/auth/refresh "{\"refresh_token\":\"$REFRESH\"}" -w ' %{http_code}\n'

step "enable 2FA: secret and QR code, then the first code from the app (oathtool here)"
ENABLE=$(post /api/auth/2fa/enable '{}' -H "Authorization: Bearer $ACCESS")
echo "$ENABLE" | jq '{secret, otpauth_uri}'
SECRET=$(echo "$ENABLE" | jq -er .secret)
VERIFY=$(post /api/auth/2fa/verify "{\"code\":\"$(oathtool --totp --base32 "$SECRET")\"}" -H "Authorization: Bearer $ACCESS")
echo "$VERIFY" | jq '{enabled, backup_codes: (.backup_codes | length)}'
BACKUP=$(echo "$VERIFY" | jq -er '.backup_codes[0]')

step "log in with 2FA: the password gives a session, a code finishes it (a backup code here)"
CHALLENGE=$(post /api/auth/login "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}")
echo "$CHALLENGE" | jq .
SESSION=$(echo "$CHALLENGE" | jq -er .session_id)
post /api/auth/2fa/validate "{\"session_id\":\"$SESSION\",\"code\":\"$BACKUP\"}" | jq '{token_type, expires_in}'

step "reset the password: the same answer for any address; the link arrives by email (the outbox)"
post /api/auth/reset-password "{\"email\":\"$EMAIL\"}" | jq .
post /api/auth/reset-password '{"email":"nobody@example.com"}' | jq .
TOKEN=$(sqlite3 "$DB" "SELECT payload FROM outbox WHERE kind = 'email.password-reset' ORDER BY id DESC LIMIT 1" | jq -er .link | awk -F/ '{print $NF}')
curl -s "$B/api/auth/reset/$TOKEN" | jq .
post "/api/auth/reset/$TOKEN" '{"password":"a brand new password"}' | jq .
curl -s "$B/api/auth/reset/$TOKEN" -w ' %{http_code}\n'

step "done"
echo "the seed's auth story ran end to end"
