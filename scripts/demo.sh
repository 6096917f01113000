#!/usr/bin/env bash
# Sets up, builds and starts the development relay (SQLite under data/, SMS to the dev outbox)
# and the demo portal. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."

RELAY_ADDR=${RELAY_ADDR:-127.0.0.1:8787}
DEMO_PORT=${DEMO_PORT:-8080}
DATA=${DATA:-data}
RELAY_BIN=${CARGO_TARGET_DIR:-target}/debug/nubefirma-relay

scripts/setup.sh
scripts/build-sdk.sh
cargo build -p nubefirma-relay

"$RELAY_BIN" serve --dev --data "$DATA" --listen "$RELAY_ADDR" \
  --cors-origin "http://127.0.0.1:$DEMO_PORT" --cors-origin "http://localhost:$DEMO_PORT" \
  --professional-page "http://127.0.0.1:$DEMO_PORT/professional" &
relay_pid=$!
node demo-site/serve.mjs --port "$DEMO_PORT" --relay "http://$RELAY_ADDR" &
site_pid=$!
trap 'kill $relay_pid $site_pid 2>/dev/null || true' EXIT INT TERM

for _ in $(seq 1 50); do curl -fs "http://$RELAY_ADDR/healthz" >/dev/null && break; sleep 0.2; done

cat <<MSG

  nubefirma demo is running:  http://127.0.0.1:$DEMO_PORT/

  1. Register a test citizen (as a registry officer would), either in the page
     http://127.0.0.1:$DEMO_PORT/office.html with the token in $DATA/operator.token, or:
       $RELAY_BIN office register --data $DATA --id 12345678Z \\
         --given-name María --surname "García López" --birth-date 1990-02-03 \\
         --phone 600112233 --email maria@example.org
     It prints the activation code.
  2. Activate at http://127.0.0.1:$DEMO_PORT/activate.html ; SMS codes appear at
     http://127.0.0.1:$DEMO_PORT/phone.html?to=600112233
  3. Sign a file at http://127.0.0.1:$DEMO_PORT/ : the first time, the SDK offers to create her
     cloud certificate (an SMS code confirms it), then the signing code arrives. Verify the .p7s
     with the command shown there (CA certificate: $DATA/ca.pem).

  4. A professional certificate: add an entity and its administrator
       $RELAY_BIN office add-entity --data $DATA --name "Ayuntamiento de Ejemplo" --org-identifier VATES-P2000000J
       $RELAY_BIN office add-entity-admin --data $DATA --entity VATES-P2000000J --name laura.admin --phone 600445566
     (it reads her password from standard input), sign in at http://127.0.0.1:$DEMO_PORT/entity.html
     and invite an employee; the email with the link is at
     http://127.0.0.1:$DEMO_PORT/phone.html?to=<her email> and opens .../professional.

  Ctrl-C stops the relay and the site.
MSG
wait
