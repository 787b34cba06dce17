#!/usr/bin/env bash
# A local BigQuery REST server for bannerc's tests: the PyPI package
# local-bigquery (DuckDB-backed), in a virtualenv of its own.
#
#   scripts/bigquery-emulator.sh install
#       Create the virtualenv and install the pinned packages (idempotent;
#       a no-op when everything is already in place). Also installs the
#       ZetaSQL analyzer used by scripts/zetasql_check.py.
#   scripts/bigquery-emulator.sh start [--port P] [--watch-pid PID] [--state-dir DIR]
#       Install if needed, start a server on 127.0.0.1 and wait until it
#       answers. Prints `endpoint=http://127.0.0.1:P` and `state_dir=DIR`.
#       With --watch-pid the server is stopped once that process exits.
#   scripts/bigquery-emulator.sh stop --state-dir DIR
#       Stop the server started with that state directory.
#   scripts/bigquery-emulator.sh python
#       Print the virtualenv's Python (after install).
#
# Environment: BANNERC_BQ_HOME (default $HOME/.cache/bannerc-bq) holds the
# virtualenv; BANNERC_PYTHON names the interpreter to build it from (3.13 or
# newer; otherwise one is looked for under pyenv and on PATH).
#
# Exit codes: 0 success; 3 no Python 3.13 or newer (callers may skip, and
# must say so loudly); anything else is a failure.

set -euo pipefail

readonly LOCAL_BIGQUERY_VERSION="0.4.0"
readonly DUCKDB_VERSION="1.5.5"
readonly ZETASQL_VERSION="0.1.5"
readonly DUCKDB_EXTENSIONS=(icu ducklake spatial)
readonly NO_PYTHON_EXIT=3

BQ_HOME="${BANNERC_BQ_HOME:-$HOME/.cache/bannerc-bq}"
VENV="$BQ_HOME/venv"
STAMP="$VENV/.bannerc-installed"
# Every other package, pinned to versions known to work together.
CONSTRAINTS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/bigquery-constraints.txt"

die() {
    echo "bigquery-emulator: error: $*" >&2
    exit 1
}

say() {
    echo "bigquery-emulator: $*" >&2
}

# The stamp records exactly what was installed; a different pin reinstalls.
stamp_text() {
    echo "local-bigquery==$LOCAL_BIGQUERY_VERSION duckdb==$DUCKDB_VERSION" \
        "extensions=${DUCKDB_EXTENSIONS[*]} zetasql==$ZETASQL_VERSION"
    cat "$CONSTRAINTS"
}

python_is_recent() {
    "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 13) else 1)' 2>/dev/null
}

find_python() {
    local candidate
    for candidate in /root/.pyenv/versions/3.1[3-9]*/bin/python3 \
        "$HOME"/.pyenv/versions/3.1[3-9]*/bin/python3 \
        python3.13 python3.14 python3.15 python3; do
        if command -v "$candidate" >/dev/null 2>&1 && python_is_recent "$candidate"; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

extension_dir() {
    local platform
    platform=$("$VENV/bin/python" -c \
        'import duckdb; print(duckdb.execute("PRAGMA platform").fetchone()[0])') \
        || die "cannot ask DuckDB for its platform"
    echo "$HOME/.duckdb/extensions/v$DUCKDB_VERSION/$platform"
}

# DuckDB cannot download its extensions here; the PyPI packages carry them.
copy_extensions() {
    local dir name file site
    dir=$(extension_dir)
    site=$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
    mkdir -p "$dir"
    for name in "${DUCKDB_EXTENSIONS[@]}"; do
        file="$site/duckdb_extension_$name/extensions/v$DUCKDB_VERSION/$name.duckdb_extension"
        [[ -f "$file" ]] || die "the duckdb-extension-$name package has no $file"
        cp -f "$file" "$dir/"
    done
}

# Load every extension with downloads switched off, so a missing file
# fails here and not inside a test.
check_install() {
    local loads="" name
    for name in "${DUCKDB_EXTENSIONS[@]}"; do
        loads+="con.execute('LOAD $name'); "
    done
    "$VENV/bin/python" -c "
import duckdb, local_bigquery, zetasql
assert duckdb.__version__ == '$DUCKDB_VERSION', duckdb.__version__
con = duckdb.connect(config={'autoinstall_known_extensions': False, 'autoload_known_extensions': False})
$loads
" || return 1
    [[ -x "$VENV/bin/local-bigquery" ]]
}

install() {
    local python
    if [[ -f "$STAMP" && "$(cat "$STAMP")" == "$(stamp_text)" ]] && check_install 2>/dev/null; then
        return 0
    fi
    if [[ -n "${BANNERC_PYTHON:-}" ]]; then
        python_is_recent "$BANNERC_PYTHON" \
            || die "BANNERC_PYTHON=$BANNERC_PYTHON is not Python 3.13 or newer"
        python=$BANNERC_PYTHON
    else
        python=$(find_python) || {
            say "no Python 3.13 or newer found (set BANNERC_PYTHON); the BigQuery emulator cannot run"
            exit "$NO_PYTHON_EXIT"
        }
    fi
    say "installing local-bigquery $LOCAL_BIGQUERY_VERSION into $VENV (with $python)"
    rm -rf "$VENV"
    mkdir -p "$BQ_HOME"
    "$python" -m venv "$VENV" || die "cannot create a virtualenv with $python"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
        --constraint "$CONSTRAINTS" \
        "local-bigquery==$LOCAL_BIGQUERY_VERSION" "zetasql==$ZETASQL_VERSION" \
        || die "pip could not install local-bigquery and zetasql"
    # local-bigquery asks for a newer DuckDB, but only this version's
    # extensions are on PyPI; it runs correctly on it.
    local packages=("duckdb==$DUCKDB_VERSION") name
    for name in "${DUCKDB_EXTENSIONS[@]}"; do
        packages+=("duckdb-extension-$name==$DUCKDB_VERSION")
    done
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps \
        "${packages[@]}" || die "pip could not install DuckDB $DUCKDB_VERSION and its extensions"
    copy_extensions
    check_install || die "the installed emulator does not load (see the messages above)"
    stamp_text > "$STAMP"
    say "installed"
}

# Serialise installs: two test binaries may ask at the same time.
locked_install() {
    mkdir -p "$BQ_HOME"
    exec 9> "$BQ_HOME/.install.lock"
    flock 9
    install
    flock -u 9
}

free_port() {
    "$VENV/bin/python" -c \
        'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_until_up() {
    local endpoint=$1 pid=$2 log=$3
    "$VENV/bin/python" - "$endpoint" "$pid" <<'PY' || { cat "$log" >&2; die "the server did not come up"; }
import os, sys, time, urllib.request
endpoint, pid = sys.argv[1], int(sys.argv[2])
deadline = time.monotonic() + 90
while time.monotonic() < deadline:
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit("the server exited while starting")
    try:
        urllib.request.urlopen(endpoint + "/bigquery/v2/projects/bannerc/datasets", timeout=2)
        sys.exit(0)
    except Exception:
        time.sleep(0.25)
sys.exit("the server did not answer within 90 s")
PY
}

start() {
    local port="" watch="" state=""
    while [[ $# -gt 0 ]]; do
        case "$1" in
            --port) port=$2; shift 2 ;;
            --watch-pid) watch=$2; shift 2 ;;
            --state-dir) state=$2; shift 2 ;;
            *) die "start: unknown argument $1" ;;
        esac
    done
    locked_install
    [[ -n "$port" ]] || port=$(free_port)
    [[ -n "$state" ]] || state=$(mktemp -d "${TMPDIR:-/tmp}/bannerc-bq.XXXXXX")
    mkdir -p "$state/data"
    local grpc_port
    grpc_port=$(free_port)
    setsid "$VENV/bin/local-bigquery" serve --host 127.0.0.1 --port "$port" \
        --grpc-port "$grpc_port" --project bannerc --data-dir "$state/data" \
        > "$state/server.log" 2>&1 < /dev/null &
    local pid=$!
    echo "$pid" > "$state/server.pid"
    local endpoint="http://127.0.0.1:$port"
    wait_until_up "$endpoint" "$pid" "$state/server.log"
    echo "$endpoint" > "$state/endpoint"
    if [[ -n "$watch" ]]; then
        # Stop the server (and only it) once the watched process is gone.
        setsid bash -c 'while kill -0 "$1" 2>/dev/null; do sleep 1; done
            kill "$2" 2>/dev/null; sleep 2; kill -9 "$2" 2>/dev/null; rm -rf "$3"' \
            _ "$watch" "$pid" "$state" > /dev/null 2>&1 < /dev/null &
        echo "$!" > "$state/watcher.pid"
    fi
    echo "endpoint=$endpoint"
    echo "state_dir=$state"
}

stop() {
    local state=""
    while [[ $# -gt 0 ]]; do
        case "$1" in
            --state-dir) state=$2; shift 2 ;;
            *) die "stop: unknown argument $1" ;;
        esac
    done
    [[ -n "$state" && -f "$state/server.pid" ]] || die "stop: no server.pid in --state-dir '$state'"
    local pid
    pid=$(cat "$state/server.pid")
    if [[ -f "$state/watcher.pid" ]]; then
        kill "$(cat "$state/watcher.pid")" 2>/dev/null || true
    fi
    if kill "$pid" 2>/dev/null; then
        for _ in $(seq 1 20); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.25
        done
        kill -9 "$pid" 2>/dev/null || true
    fi
    rm -rf "$state"
    say "stopped"
}

main() {
    local command=${1:-}
    [[ $# -gt 0 ]] && shift
    case "$command" in
        install) locked_install ;;
        start) start "$@" ;;
        stop) stop "$@" ;;
        python) locked_install; echo "$VENV/bin/python" ;;
        *) die "usage: $0 install | start [--port P] [--watch-pid PID] [--state-dir DIR] | stop --state-dir DIR | python" ;;
    esac
}

main "$@"
