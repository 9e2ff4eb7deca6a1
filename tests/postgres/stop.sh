#!/usr/bin/env bash
# Stops the server tests/postgres/start.sh started from FOLDER and deletes its data.
#
#   stop.sh FOLDER
#
# Nothing to do (exit 0) when FOLDER/server.env is absent.
set -euo pipefail

say() { echo "postgres_stop: $*"; }
die() {
  echo "postgres_stop: ERROR: $*" >&2
  exit 1
}

[[ $# -eq 1 ]] || die "usage: $0 FOLDER"
folder=$1
env_file="$folder/server.env"
if [[ ! -f $env_file ]]; then
  say "no server recorded in $folder; nothing to stop"
  exit 0
fi

PG_BINDIR="" PG_TMP="" PG_DATA="" PG_PORT=""
# shellcheck source=/dev/null
source "$env_file"
[[ -n $PG_BINDIR && -n $PG_TMP && -n $PG_DATA ]] || die "$env_file is incomplete"
# Refuse to delete anything but a directory start.sh made.
[[ $(basename "$PG_TMP") == lifeline-pg.* ]] || die "unexpected data directory $PG_TMP"

as_server_user() {
  if [[ $(id -u) -eq 0 ]]; then
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

if [[ -d $PG_DATA ]] && as_server_user "$PG_BINDIR/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
  say "stopping the server on port $PG_PORT"
  as_server_user "$PG_BINDIR/pg_ctl" -D "$PG_DATA" -m fast -w -t 60 stop >/dev/null ||
    die "pg_ctl stop failed; the server in $PG_DATA may still be running"
else
  say "the server on port $PG_PORT is not running"
fi

say "removing $PG_TMP"
rm -rf "$PG_TMP"
rm -f "$env_file" "$folder/url"
