#!/usr/bin/env bash
# System packages the project needs beyond Python: Pango (WeasyPrint renders the PDF report with it) and a CJK
# font (Noto Sans CJK) so that Chinese text renders in the PDF and the charts; Chromium (and its driver) for the
# browser tests of the web pages (tests/ui, Playwright drives /usr/bin/chromium: its own download does not work
# here). Debian packages; run as root.
set -euo pipefail
packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk chromium chromium-driver)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-system-deps: missing ${missing[*]}; install them as root (apt-get install ${missing[*]})" >&2
  exit 0
fi
echo "install-system-deps: installing ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
