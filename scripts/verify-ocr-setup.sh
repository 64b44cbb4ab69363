#!/usr/bin/env bash
# Is this host ready to run ocr-pool? Checks, in order: Node version, the build, PM2, then (from source,
# through tsx) the configuration, storage, tesseract language data, every enabled environment's database
# (reachable, schema complete — missing tables/columns are named) and Redis (a warning without REDIS_URL).
#
# Usage: scripts/verify-ocr-setup.sh [--pre-migrate] [--env-file FILE]
#   --pre-migrate    an incomplete schema is expected (deploy runs migrations next): not an error
#   --env-file FILE  read KEY=value lines from FILE first (exported), as the deploy script does
# Exit 0 when everything needed is there (warnings allowed), 1 otherwise. Never prints a secret.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

PRE_MIGRATE=""
while [ $# -gt 0 ]; do
  case "$1" in
    --pre-migrate) PRE_MIGRATE="--pre-migrate" ;;
    --env-file)
      [ $# -ge 2 ] || { echo "verify: --env-file needs a file" >&2; exit 2; }
      [ -r "$2" ] || { echo "verify: cannot read env file $2" >&2; exit 2; }
      set -a; # shellcheck disable=SC1090
      . "$2"; set +a; shift ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "verify: unknown argument $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done

errors=0
ok()   { printf '  ok    %s\n' "$*"; }
warn() { printf '  WARN  %s\n' "$*"; }
err()  { printf '  ERROR %s\n' "$*"; errors=$((errors + 1)); }

echo "verify-ocr-setup ($(pwd))"

# Node: 24 is the supported runtime (package.json engines, docs/contract.md); 20 is the oldest with the
# worker/threading features used, so an older one is an error here.
if ! command -v node >/dev/null 2>&1; then
  err "node not found on PATH: install Node.js 20 or later"
else
  node_major=$(node -p 'process.versions.node.split(".")[0]')
  if [ "$node_major" -ge 20 ] 2>/dev/null; then ok "Node $(node -v)"; else err "Node $(node -v) is too old: ocr-pool needs Node 20 or later"; fi
fi

# Build: PM2 runs dist/, not the sources.
if [ -f dist/main.js ] && ls dist/db/migrations/*.sql >/dev/null 2>&1; then
  newer=$(find src -newer dist/main.js -name '*.ts' ! -name '*.d.ts' 2>/dev/null | head -n 1)
  if [ -n "$newer" ]; then warn "build present but older than the sources (e.g. $newer): run npm run build"; else ok "build present (dist/)"; fi
else
  err "build missing (dist/main.js or dist/db/migrations): run npm run build"
fi

# Dependencies and PM2. Not `pm2 -v`: that starts a PM2 daemon as a side effect.
if [ ! -d node_modules ]; then
  err "node_modules missing: run npm ci"
fi
if [ -f node_modules/pm2/package.json ]; then
  ok "PM2 $(node -p 'require("./node_modules/pm2/package.json").version') (node_modules/.bin/pm2)"
elif command -v pm2 >/dev/null 2>&1; then
  ok "PM2 on PATH ($(command -v pm2))"
else
  err "PM2 not installed: run npm ci (pm2 is a dependency of the project)"
fi

if [ -x node_modules/.bin/tsx ]; then
  node_modules/.bin/tsx src/check/verify-setup.ts $PRE_MIGRATE || errors=$((errors + 1))
else
  err "tsx missing (node_modules/.bin/tsx): run npm ci"
fi

if [ "$errors" -gt 0 ]; then
  echo "verify-ocr-setup: FAILED — fix the ERROR lines above"
  exit 1
fi
echo "verify-ocr-setup: ok"
exit 0
