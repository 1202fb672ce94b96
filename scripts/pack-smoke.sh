#!/usr/bin/env bash
# Packs every publishable package with `npm pack` (its prepack builds dist/), checks what each tarball
# ships (dist/ with every exports and bin target, LICENSE, README.md; no tests, TypeScript sources,
# source maps or build info), installs the tarballs into a scratch Express app and a scratch Koa app OUTSIDE the workspace
# (a temporary directory; express, koa and the dependencies come from the npm registry or its local
# cache), and sends one real chat completion through each to the mock upstream. The in-process
# adapters are installed with their peers into a third scratch app and imported.
#
# Install scripts are off in the scratch apps, so hnswlib-node's native addon is NOT built there:
# this also proves routekit imports and answers where that build is missing.
#
# usage: bash scripts/pack-smoke.sh [--no-build]   (--no-build packs the dist/ already built)
# Prints "pack-smoke: ok" and exits 0, or says what failed and exits 1. Needs the npm registry (or a
# warm npm cache) and 127.0.0.1.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
# Node 24 from the repo's own `node` devDependency, whatever `node` the machine has.
export PATH="$root/node_modules/.bin:$PATH"
scratch="$(mktemp -d "${TMPDIR:-/tmp}/routekit-pack-smoke.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
fail() { echo "pack-smoke: FAILED: $*" >&2; exit 1; }

pack_flags=()
if [ "${1:-}" = "--no-build" ]; then pack_flags+=(--ignore-scripts); fi

cd "$root"
# Publishable: every workspace under packages/ and adapters/ that is not private.
mapfile -t workspaces < <(node -e '
  const { readdirSync, readFileSync, existsSync } = require("node:fs");
  for (const parent of ["packages", "adapters"]) for (const name of readdirSync(parent).sort()) {
    const file = `${parent}/${name}/package.json`;
    if (existsSync(file) && JSON.parse(readFileSync(file, "utf8")).private !== true) console.log(`${parent}/${name}`);
  }')
[ "${#workspaces[@]}" -gt 0 ] || fail "no publishable workspace found"
echo "pack-smoke: packing ${workspaces[*]}"

mkdir -p "$scratch/tarballs"
workspace_flags=()
for workspace in "${workspaces[@]}"; do workspace_flags+=(-w "$workspace"); done
# prepack output goes to stderr so stdout stays the JSON report.
npm pack "${workspace_flags[@]}" "${pack_flags[@]}" --json --pack-destination "$scratch/tarballs" >"$scratch/pack.json" 2>"$scratch/pack.log" || { cat "$scratch/pack.log" >&2; fail "npm pack"; }

# What each tarball ships.
node - "$scratch/pack.json" "$root" "${workspaces[@]}" <<'EOF' || fail "tarball contents (above)"
const { readFileSync } = require('node:fs');
const [report, root, ...workspaces] = process.argv.slice(2);
const text = readFileSync(report, 'utf8');
const packed = JSON.parse(text.slice(text.indexOf('[')));
let problems = 0;
const problem = (name, message) => { problems += 1; console.error(`pack-smoke: ${name}: ${message}`); };
for (const workspace of workspaces) {
  const manifest = JSON.parse(readFileSync(`${root}/${workspace}/package.json`, 'utf8'));
  const entry = packed.find((item) => item.name === manifest.name);
  if (!entry) { problem(manifest.name, 'not packed'); continue; }
  const files = new Set(entry.files.map((file) => file.path));
  for (const required of ['LICENSE', 'README.md', 'package.json']) if (!files.has(required)) problem(manifest.name, `ships no ${required}`);
  for (const file of files) {
    if (/\.test\.|-suite\.|tsbuildinfo|\.map$/.test(file)) problem(manifest.name, `ships ${file} (tests, source maps and build info stay out)`);
    // Built JavaScript and declarations only: TypeScript sources stay in the repository.
    if (/\.(ts|tsx|mts|cts)$/.test(file) && !/\.d\.(ts|mts|cts)$/.test(file)) problem(manifest.name, `ships the source ${file}`);
  }
  // Every file the package points at (exports conditions other than the repo-only source one, bin, main).
  const targets = [];
  const collect = (value) => {
    if (typeof value === 'string') targets.push(value);
    else if (value && typeof value === 'object') for (const [condition, target] of Object.entries(value)) if (condition !== '@routekit/source') collect(target);
  };
  collect(manifest.exports);
  collect(manifest.bin);
  collect(manifest.main);
  if (targets.length === 0) problem(manifest.name, 'has no exports');
  for (const target of targets) if (!files.has(target.replace(/^\.\//, ''))) problem(manifest.name, `points at ${target}, which the tarball does not ship`);
  console.log(`pack-smoke: ${entry.filename}: ${entry.files.length} files, ${(entry.size / 1024).toFixed(0)} kB`);
}
process.exit(problems === 0 ? 0 : 1);
EOF

tarball() { ls "$scratch/tarballs/routekit-$1-"*.tgz; }

# One scratch app: a package.json, the tarballs and the registry packages, installed outside the workspace.
install_app() {
  local directory="$scratch/$1"; shift
  mkdir -p "$directory"
  printf '{ "name": "routekit-pack-smoke-app", "version": "1.0.0", "private": true, "type": "module" }\n' >"$directory/package.json"
  (cd "$directory" && npm install --no-audit --no-fund --ignore-scripts --prefer-offline --loglevel=error "$@" >"$directory/install.log" 2>&1) || { cat "$directory/install.log" >&2; fail "npm install in $directory"; }
}

# The app: routekit mounted in a real Express 5 or Koa 3 app, one chat completion to the mock upstream.
write_app() {
  cat >"$scratch/$1/app.mjs" <<'EOF'
import { createRequire } from 'node:module';
import { startMockUpstream } from '@routekit/core/testing';

const framework = process.argv[2];
const require = createRequire(import.meta.url);
let native = 'built';
try { require('hnswlib-node'); } catch { native = 'missing'; }

const upstream = await startMockUpstream();
const config = { providers: [{ id: 'openai', kind: 'openai', baseUrl: upstream.url }], defaultModel: 'openai/gpt-4.1', ...(framework === 'koa' && { cache: true }) };
let server;
if (framework === 'express') {
  const { default: express } = await import('express');
  const { routerMiddleware } = await import('@routekit/express');
  const app = express();
  app.use(routerMiddleware(config));
  server = app.listen(0, '127.0.0.1');
} else {
  const { default: Koa } = await import('koa');
  const { routerMiddleware } = await import('@routekit/koa');
  const app = new Koa();
  app.use(routerMiddleware(config));
  server = app.listen(0, '127.0.0.1');
}
await new Promise((resolve) => server.once('listening', resolve));
try {
  const response = await fetch(`http://127.0.0.1:${server.address().port}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: 'What is the capital of France?' }] }),
  });
  const body = await response.json();
  const content = body.choices?.[0]?.message?.content;
  if (response.status !== 200 || typeof content !== 'string' || !content.startsWith('Mock answer from') || typeof body['x-routekit'] !== 'object') {
    console.error(`pack-smoke: ${framework}: unexpected answer ${response.status} ${JSON.stringify(body).slice(0, 300)}`);
    process.exitCode = 1;
  } else if (upstream.requests.length !== 1) {
    console.error(`pack-smoke: ${framework}: the mock upstream saw ${upstream.requests.length} requests, expected 1`);
    process.exitCode = 1;
  } else {
    console.log(`pack-smoke: ${framework} app: 200 "${content}" routed to ${body['x-routekit'].winner ?? '?'} (hnswlib-node native build: ${native})`);
  }
} finally {
  server.closeAllConnections?.();
  server.close();
  await upstream.close();
}
EOF
}

install_app express-app "$(tarball core)" "$(tarball operations)" "$(tarball http)" "$(tarball express)" "$(tarball cli)" 'express@^5'
write_app express-app
(cd "$scratch/express-app" && node app.mjs express) || fail "the Express app"
# The CLI's bin from the tarball: usage on --help, a usage error (exit 2) on a bad flag.
(cd "$scratch/express-app" && node node_modules/.bin/routekit --help >/dev/null) || fail "routekit --help"
set +e
(cd "$scratch/express-app" && node node_modules/.bin/routekit cache-eval --no-such-flag 2>"$scratch/cli.err")
code=$?
set -e
[ "$code" -eq 2 ] && grep -q -- '--no-such-flag' "$scratch/cli.err" || fail "routekit cache-eval --no-such-flag: exit $code, $(cat "$scratch/cli.err")"
echo "pack-smoke: routekit bin from the tarball answers --help and a bad flag"

install_app koa-app "$(tarball core)" "$(tarball operations)" "$(tarball http)" "$(tarball koa)" 'koa@^3'
write_app koa-app
(cd "$scratch/koa-app" && node app.mjs koa) || fail "the Koa app"

# The in-process adapters (each with its peers, which npm installs): each one imports from its
# tarball, beside core alone: they need neither @routekit/operations nor the HTTP bridge.
in_process=()
for name in ai-sdk langchain llamaindex openai; do
  if ls "$scratch/tarballs/routekit-$name-"*.tgz >/dev/null 2>&1; then in_process+=("$name"); fi
done
if [ "${#in_process[@]}" -gt 0 ]; then
  tarballs=("$(tarball core)")
  for name in "${in_process[@]}"; do tarballs+=("$(tarball "$name")"); done
  install_app adapters-app "${tarballs[@]}"
  for name in "${in_process[@]}"; do
    (cd "$scratch/adapters-app" && node --input-type=module -e "const module = await import('@routekit/$name'); if (Object.keys(module).length === 0) throw new Error('no exports');") 2>"$scratch/import.err" \
      || fail "import @routekit/$name from its tarball: $(head -c 400 "$scratch/import.err")"
  done
  echo "pack-smoke: imported ${in_process[*]/#/@routekit/} from their tarballs"
fi

echo "pack-smoke: ok"
