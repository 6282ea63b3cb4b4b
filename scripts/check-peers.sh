#!/usr/bin/env bash
# Exits non-zero, naming them, when Debian packages the end-to-end tests need are missing.
set -euo pipefail

PACKAGES=(kamailio kamailio-tls-modules baresip-core baresip-ffmpeg sip-tester ffmpeg sox chromium linphone-cli)

# Program (or file) that shows each package is there, for machines without dpkg.
probe() {
  case "$1" in
    kamailio) command -v kamailio || [[ -x /usr/sbin/kamailio ]] ;;
    kamailio-tls-modules) compgen -G "/usr/lib/*/kamailio/modules/tls.so" || compgen -G "/usr/lib/kamailio/modules/tls.so" ;;
    baresip-core) command -v baresip ;;
    baresip-ffmpeg) [[ -f /usr/lib/baresip/modules/avcodec.so ]] ;;
    sip-tester) command -v sipp ;;
    ffmpeg) command -v ffmpeg && command -v ffprobe ;;
    sox) command -v sox ;;
    chromium) command -v chromium ;;
    linphone-cli) command -v linphone-daemon ;;
  esac
}

missing=()
for pkg in "${PACKAGES[@]}"; do
  if command -v dpkg-query >/dev/null 2>&1; then
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
  elif ! probe "$pkg" >/dev/null 2>&1; then
    missing+=("$pkg")
  fi
done

if ((${#missing[@]} > 0)); then
  echo "missing test peers: ${missing[*]}" >&2
  echo "install: apt-get install -y --no-install-recommends ${missing[*]}   (or: bash scripts/setup.sh as root)" >&2
  exit 1
fi
