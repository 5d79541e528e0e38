#!/usr/bin/env bash
# `make run`: the app (runserver) and the task worker that makes the roadmap PDFs, from one
# command. Ctrl+C (or either process ending) stops both.
#   scripts/run.sh [PORT]     PYTHON_BIN names the interpreter (.venv/bin/python by default)
set -uo pipefail
cd "$(dirname "$0")/.."
port="${1:-${PORT:-8000}}"
python="${PYTHON_BIN:-.venv/bin/python}"

# --no-reload: the worker's autoreloader would run it in a child process that outlives a stop.
"$python" manage.py db_worker --no-reload --interval 1 -v 0 &
worker=$!
"$python" manage.py runserver "127.0.0.1:$port" &
app=$!

stop() { kill -TERM "$app" "$worker" 2>/dev/null; }
trap stop INT TERM
wait -n "$app" "$worker"
status=$?
stop
wait
exit "$status"
