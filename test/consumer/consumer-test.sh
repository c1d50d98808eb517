#!/usr/bin/env bash
# The consumer test: sluice used the way a team adopts it, from the packed tarball, in a folder outside
# the repository. It runs exactly the commands of the README's "Use sluice in your app" section:
#   npm pack → sluice init my-app → npm install → npm test → cdk synth → sluice dev / send / status / Ctrl-C
# and fails on the first step that fails. Usage: bash test/consumer/consumer-test.sh [WORK_DIR]
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
work="${1:-$(mktemp -d -t sluice-consumer-XXXXXX)}"
mkdir -p "$work"
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
fail() { echo "consumer test FAILED: $*" >&2; exit 1; }

step "npm pack (in $repo)"
tarball="$(cd "$repo" && npm pack --silent --pack-destination "$work" | tail -n 1)"
tarball="$work/$tarball"
ls -l "$tarball"

cd "$work"
rm -rf my-app
step "npx --yes --package $tarball sluice init my-app --sluice $tarball"
npx --yes --package "$tarball" sluice init my-app --sluice "$tarball"
cd my-app

step "npm install"
npm install --no-audit --no-fund

step "npx sluice --version"
npx sluice --version

step "npm test (type check + the app end to end, locally)"
npm test

step "npx cdk synth -q"
npx cdk synth -q
bundle="$(ls cdk.out/asset.*/index.mjs)"
echo "handler bundle (esbuild, minified, every dependency bundled): $(stat -c %s "$bundle") bytes"

step "npx sluice dev (in the background), send, status, Ctrl-C"
setsid npx sluice dev > dev.log 2>&1 &
dev_pid=$!
# setsid makes the dev process a session (and group) leader: everything it starts stays in that session.
for _ in $(seq 1 120); do
  [ -f .sluice/dev.json ] && grep -q 'ready in' dev.log && break
  kill -0 "$dev_pid" 2>/dev/null || { cat dev.log; fail "sluice dev exited before it was ready"; }
  sleep 1
done
[ -f .sluice/dev.json ] || { cat dev.log; fail "sluice dev was not ready after 120 s"; }
head -n 3 dev.log
npx sluice send Invoices --count 3 --template '{"invoiceId":"smoke-{{i}}","customerId":"c-1","amountCents":100}'
# The handler's effect, read back from the local table (the endpoints come from sluice dev's state file).
written=0
for _ in $(seq 1 60); do
  written="$(node --input-type=module -e "
    import { readFileSync } from 'node:fs';
    import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
    const state = JSON.parse(readFileSync('.sluice/dev.json', 'utf8'));
    const client = new DynamoDBClient({ endpoint: state.endpoints.dynamodb, region: state.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const out = await client.send(new ScanCommand({ TableName: state.outputs.InvoicesTableName }));
    console.log((out.Items ?? []).filter((i) => i.invoiceId.S.startsWith('smoke-')).length);
  ")"
  [ "$written" = 3 ] && break
  sleep 1
done
[ "$written" = 3 ] || fail "the handler wrote $written of 3 invoices"
echo "the handler wrote 3 of 3 invoices"
npx sluice status | tee status.txt
grep -q '^Invoices ' status.txt || fail "sluice status does not show the Invoices queue"
# The console, served from the installed package (its page and script are files the build copies), shows this app.
console_url="$(sed -nE 's|^console: (http://[^ ]+).*|\1|p' dev.log | head -n 1)"
[ -n "$console_url" ] || { cat dev.log; fail "sluice dev printed no console address"; }
node --input-type=module -e "
  const base = process.argv[1];
  const get = async (path) => { const res = await fetch(new URL(path, base)); if (!res.ok) throw new Error(path + ': HTTP ' + res.status); return res.text(); };
  if (!(await get('/')).includes('<title>sluice dev console</title>')) throw new Error('the console page is not served');
  if (!(await get('/console.js')).includes('EventSource')) throw new Error('the console script is not served');
  const { queues } = JSON.parse(await get('/api/queues'));
  if (!queues.some((q) => q.name === 'Invoices')) throw new Error('the console does not list the Invoices queue: ' + JSON.stringify(queues));
" "$console_url" || fail "the console at $console_url does not show the app"
echo "the console at $console_url shows the Invoices queue"
# Every process sluice dev started, emulators included (they run in process groups of their own).
descendants() {
  local pids="$1" all="" next p
  while [ -n "$pids" ]; do
    all="$all $pids"
    next=""
    for p in $pids; do next="$next $(ps -o pid= --ppid "$p" | tr '\n' ' ')"; done
    pids="$(echo $next)"
  done
  echo $all
}
tree="$(descendants "$dev_pid")"
echo "sluice dev's processes: $(ps -o pid=,comm= -p "$(echo $tree | tr ' ' ',')" | tr -s ' \n' ' ')"
# Ctrl-C in a terminal signals the whole foreground process group: so does this.
kill -INT -- "-$dev_pid"
for _ in $(seq 1 60); do kill -0 "$dev_pid" 2>/dev/null || break; sleep 1; done
kill -0 "$dev_pid" 2>/dev/null && fail "sluice dev did not stop within 60 s of Ctrl-C"
sleep 1
left="$(ps -o pid=,args= -p "$(echo $tree | tr ' ' ',')" || true)"
[ -z "$left" ] || { echo "$left"; fail "processes of sluice dev are still running after Ctrl-C"; }
echo "no process of sluice dev is left"
tail -n 2 dev.log
[ ! -f .sluice/dev.json ] || fail "sluice dev left its state file behind"

step "consumer test passed ($work/my-app)"
