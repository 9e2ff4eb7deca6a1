#!/usr/bin/env bash
# Starts a throw-away PostgreSQL server for the tests (CTest fixture `postgres`).
#
#   start.sh FOLDER
#
# Writes FOLDER/url (the server's URL, database `postgres`, trusted on 127.0.0.1 only) and
# FOLDER/server.env (what stop.sh needs). The data lives in a fresh temporary directory with
# fsync on, because tests check that acknowledged commits are durable. Installs PostgreSQL with
# apt-get when no server binaries are present. PostgreSQL refuses to run as root, so as root
# the server runs as the `postgres` system user.
set -euo pipefail

readonly kFirstPort=20000
readonly kPortRange=40000
readonly kPortTries=200
readonly kStartAttempts=5
readonly kReadySeconds=60

say() { echo "postgres_start: $*"; }
die() {
  echo "postgres_start: ERROR: $*" >&2
  exit 1
}

[[ $# -eq 1 ]] || die "usage: $0 FOLDER"
folder=$1
mkdir -p "$folder"
folder=$(cd "$folder" && pwd)
rm -f "$folder/url"

# A server left running from this folder (an interrupted run) is stopped first.
if [[ -f "$folder/server.env" ]]; then
  say "stopping the server left by a previous run"
  bash "$(dirname "$0")/stop.sh" "$folder" || die "could not stop the previous server"
fi

# The newest installed server version's bin directory.
find_bindir() {
  local candidates=(/usr/lib/postgresql/*/bin/initdb)
  [[ -x ${candidates[0]} ]] || return 1
  dirname "$(printf '%s\n' "${candidates[@]}" | sort -V | tail -n 1)"
}

bindir=$(find_bindir || true)
if [[ -z $bindir ]]; then
  [[ $(id -u) -eq 0 ]] || die "PostgreSQL is not installed and installing it needs root"
  say "installing PostgreSQL with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y --no-install-recommends postgresql; then
    say "install failed; refreshing the package lists and retrying"
    if ! { apt-get update && apt-get install -y --no-install-recommends postgresql; }; then
      die "apt-get install postgresql failed"
    fi
  fi
  bindir=$(find_bindir || true)
  [[ -n $bindir ]] || die "no /usr/lib/postgresql/*/bin/initdb after installing postgresql"
fi
say "using $bindir"

# Runs a server command as the postgres user when we are root; as ourselves otherwise.
as_server_user() {
  if [[ $(id -u) -eq 0 ]]; then
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

if [[ $(id -u) -eq 0 ]] && ! id postgres >/dev/null 2>&1; then
  say "creating the postgres system user"
  useradd --system --no-create-home --shell /usr/sbin/nologin postgres ||
    die "could not create the postgres user"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lifeline-pg.XXXXXX") || die "mktemp failed"
started=""
cleanup_on_failure() {
  local status=$?
  if [[ $status -ne 0 ]]; then
    [[ -f "$tmp/server.log" ]] && { echo "--- server log ---" >&2; tail -n 30 "$tmp/server.log" >&2; }
    [[ -n $started ]] && as_server_user "$bindir/pg_ctl" -D "$tmp/data" -m immediate stop >/dev/null 2>&1
    rm -rf "$tmp"
  fi
}
trap cleanup_on_failure EXIT

[[ $(id -u) -eq 0 ]] && chown postgres: "$tmp"
chmod 700 "$tmp"

say "initdb in $tmp/data"
as_server_user "$bindir/initdb" -D "$tmp/data" -U postgres -E UTF8 --locale=C \
  --auth=trust >"$tmp/initdb.log" 2>&1 || {
  cat "$tmp/initdb.log" >&2
  die "initdb failed"
}

# Trust only the private socket directory and loopback TCP.
cat >"$tmp/data/pg_hba.conf" <<'EOF'
local all all trust
host all all 127.0.0.1/32 trust
EOF
cat >>"$tmp/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$tmp'
fsync = on
synchronous_commit = on
max_connections = 200
EOF

port_in_use() {
  if command -v ss >/dev/null 2>&1; then
    [[ -n $(ss -Htln "sport = :$1") ]]
  else
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
  fi
}

pick_port() {
  # A random start keeps parallel runs on one machine from racing for the same ports.
  local port=$((kFirstPort + (RANDOM * 32768 + RANDOM) % kPortRange))
  local try
  for ((try = 0; try < kPortTries; ++try)); do
    port=$((kFirstPort + (port - kFirstPort + 1) % kPortRange))
    port_in_use "$port" || {
      echo "$port"
      return 0
    }
  done
  return 1
}

# Another process may take the port between the check and the start, so retry on a new port.
port=""
for ((attempt = 1; attempt <= kStartAttempts; ++attempt)); do
  candidate=$(pick_port) || die "no free TCP port found"
  say "starting the server on 127.0.0.1:$candidate (attempt $attempt)"
  if as_server_user "$bindir/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -o "-p $candidate" \
    -w -t "$kReadySeconds" start >/dev/null; then
    started=yes
    port=$candidate
    break
  fi
  say "server did not start on port $candidate"
done
[[ -n $port ]] || die "the server did not start; see the log above"

for ((second = 0; second < kReadySeconds; ++second)); do
  "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres && break
  sleep 1
done
"$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres || die "server not ready"

cat >"$folder/server.env" <<EOF
PG_BINDIR='$bindir'
PG_TMP='$tmp'
PG_DATA='$tmp/data'
PG_PORT='$port'
EOF
echo "postgresql://postgres@127.0.0.1:$port/postgres" >"$folder/url.tmp"
mv "$folder/url.tmp" "$folder/url"
say "ready: $(cat "$folder/url") (data in $tmp/data)"
