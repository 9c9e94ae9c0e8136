#!/usr/bin/env bash
# Installs the Debian packages Lianxin needs to build, test and run, skipping those already present.
# Safe to run twice. Uses sudo only when not root.
set -euo pipefail
packages=(
  build-essential cmake ninja-build pkg-config
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsqlite3-dev sqlite3 libpq-dev postgresql-15
  libsodium-dev libspdlog-dev libcli11-dev libicu-dev libopencc-dev
  libxlsxwriter-dev libzip-dev libexpat1-dev libcurl4-openssl-dev libyaml-cpp-dev
  libgtest-dev libbenchmark-dev
  nodejs npm chromium fonts-noto-cjk wrk curl python3
  python3-aiosmtpd  # the local SMTP server of the notification tests (src/notify)
  python3-pandas  # the pandas baseline of the basic-charge optimisation benchmark (bench/)
  poppler-utils poppler-data  # pdftotext (with the Adobe-GB1 CMaps) reads back the PDF statements in tests
)
missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    # nodejs/npm may come from elsewhere (e.g. NodeSource); accept any working binary
    case "$p" in
      nodejs) command -v node >/dev/null && continue ;;
      npm) command -v npm >/dev/null && continue ;;
      python3) command -v python3 >/dev/null && continue ;;
    esac
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "Installing missing Debian packages: ${missing[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
