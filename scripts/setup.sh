#!/usr/bin/env bash
# Prepares a fresh machine: Debian packages (when root), Python >= 3.12 in .venv,
# the pinned Python packages, compiled translations. Safe to run again.
#   scripts/setup.sh          what the app needs
#   scripts/setup.sh --dev    plus what the tests need (browser, PDF tools)
set -euo pipefail
cd "$(dirname "$0")/.."

dev=false
[ "${1:-}" = "--dev" ] && dev=true

say() { printf '==> %s\n' "$*" >&2; }

# --- Debian packages -------------------------------------------------------
app_packages=(fonts-ipaexfont-gothic libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 gettext)
dev_packages=(chromium poppler-utils)
wanted=("${app_packages[@]}")
$dev && wanted+=("${dev_packages[@]}")
missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null 2>&1 \
      || { apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null; }
  else
    say "WARNING: missing Debian packages: ${missing[*]}"
    say "         install them with: sudo apt-get install ${missing[*]}"
  fi
fi

# --- Python >= 3.12 -------------------------------------------------------
suitable() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; }
find_python() {
  local candidates=()
  [ -n "${PYTHON:-}" ] && candidates+=("$PYTHON")
  local root="${PYENV_ROOT:-$HOME/.pyenv}"
  if [ -d "$root/versions" ]; then
    # newest first
    while IFS= read -r dir; do
      for exe in "$dir"/bin/python3.1[2-9] "$dir"/bin/python3; do [ -x "$exe" ] && candidates+=("$exe"); done
    done < <(ls -d "$root"/versions/3.* 2>/dev/null | sort -rV)
  fi
  for name in python3.13 python3.12 python3; do
    command -v "$name" >/dev/null && candidates+=("$(command -v "$name")")
  done
  for exe in "${candidates[@]}"; do
    if suitable "$exe"; then echo "$exe"; return 0; fi
  done
  return 1
}

if [ ! -x .venv/bin/python ] || ! suitable .venv/bin/python; then
  if ! py=$(find_python); then
    say "ERROR: Future Center needs Python 3.12 or newer, and none was found."
    say "       Set PYTHON=/path/to/python3.12, or install one (e.g. 'pyenv install 3.12')."
    exit 1
  fi
  say "creating .venv with $py ($("$py" --version 2>&1))"
  rm -rf .venv
  "$py" -m venv .venv
fi

# The pinned packages are read from pyproject.toml ([project] dependencies, and with --dev the
# [dependency-groups] dev list): the same list for uv and for pip, no build of the project needed.
packages=$(.venv/bin/python - "$dev" <<'PY'
import sys, tomllib
with open("pyproject.toml", "rb") as f:
    project = tomllib.load(f)
wanted = list(project["project"]["dependencies"])
if sys.argv[1] == "true":
    wanted += project["dependency-groups"]["dev"]
print("\n".join(wanted))
PY
)
kind=app
$dev && kind=dev
# One stamp per list and content: running the same set-up again installs nothing.
stamp=".venv/.installed-$kind-$(printf '%s' "$packages" | sha1sum | cut -c1-12)"
if [ ! -f "$stamp" ]; then
  say "installing the Python packages pyproject.toml lists ($kind)"
  mapfile -t wanted_packages <<<"$packages"
  .venv/bin/python -m pip install -q --disable-pip-version-check uv==0.13.8 >/dev/null 2>&1 || true
  if [ -x .venv/bin/uv ]; then
    .venv/bin/uv pip install -q --python .venv/bin/python "${wanted_packages[@]}"
  else
    .venv/bin/python -m pip install -q --disable-pip-version-check "${wanted_packages[@]}"
  fi
  rm -f ".venv/.installed-$kind-"* && touch "$stamp"
fi

# --- translations -----------------------------------------------------------
if [ -d locale ] && command -v msgfmt >/dev/null; then
  .venv/bin/python manage.py compilemessages --ignore=.venv -v 0
fi
