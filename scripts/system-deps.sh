#!/usr/bin/env bash
# Install the Debian packages a make target needs, only those missing, with one apt-get update.
#   scripts/system-deps.sh postgresql chromium gettext flite cjk-fonts pango
#   scripts/system-deps.sh --optional flite
# Names are requirements, each with a check for what is already on the machine, so a
# developer's second `make test` (and a CI machine that already has them) costs nothing.
# --optional (the demo): try without asking for a password and never fail; what could not be
# installed is named, and the site does without it.
set -euo pipefail

optional=0
if [ "${1:-}" = "--optional" ]; then
  optional=1
  shift
fi

has_postgresql() { compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" >/dev/null; }
has_chromium() { [ -x /usr/bin/chromium ]; }
has_gettext() { command -v msgfmt >/dev/null && command -v xgettext >/dev/null; }
# The OpenSearch node (scripts/opensearch.sh) needs a JDK 17+ (javac for the launcher) and Maven.
has_java() {
  command -v javac >/dev/null || return 1
  local major
  major="$(javac -version 2>&1 | sed -E 's/^javac ([0-9]+).*/\1/')"
  [ "${major:-0}" -ge 17 ] 2>/dev/null
}
has_maven() { command -v mvn >/dev/null; }
# The captcha's audio alternative (适老化): django-simple-captcha speaks the digits with flite.
has_flite() { command -v flite >/dev/null; }
# Chinese in the browser tests' screenshots and the reviewers' gallery (Debian's Noto CJK).
has_cjk_fonts() { compgen -G "/usr/share/fonts/opentype/noto/NotoSansCJK*" >/dev/null; }
# WeasyPrint (report PDFs, disclosure/pdf.py) loads Pango and HarfBuzz's subsetter at run time.
has_pango() {
  ldconfig -p 2>/dev/null | grep -q "libpango-1.0.so.0" \
    && ldconfig -p 2>/dev/null | grep -q "libpangoft2-1.0.so.0" \
    && ldconfig -p 2>/dev/null | grep -q "libharfbuzz-subset.so.0"
}

packages=()
for want in "$@"; do
  case "$want" in
    postgresql) has_postgresql || packages+=(postgresql) ;;
    chromium) has_chromium || packages+=(chromium) ;;
    gettext) has_gettext || packages+=(gettext) ;;
    java) has_java || packages+=(openjdk-17-jdk-headless) ;;
    maven) has_maven || packages+=(maven) ;;
    flite) has_flite || packages+=(flite) ;;
    cjk-fonts) has_cjk_fonts || packages+=(fonts-noto-cjk) ;;
    pango) has_pango || packages+=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0) ;;
    *) echo "system-deps: unknown requirement '$want'" >&2; exit 2 ;;
  esac
done

[ "${#packages[@]}" -eq 0 ] && exit 0

SUDO=()
if [ "$(id -u)" != "0" ]; then
  if [ "$optional" = 1 ] && command -v sudo >/dev/null; then SUDO=(sudo -n)
  elif command -v sudo >/dev/null; then SUDO=(sudo)
  elif [ "$optional" = 1 ]; then
    echo "system-deps: not installed (needs root or sudo): ${packages[*]}" >&2; exit 0
  else
    echo "system-deps: need root (or sudo) to install: ${packages[*]}" >&2; exit 1
  fi
fi
install_packages() {
  # CI has no stdin: apt must never ask a question.
  export DEBIAN_FRONTEND=noninteractive
  echo "Installing Debian packages: ${packages[*]}"
  "${SUDO[@]}" apt-get update -qq
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    "${packages[@]}" >/dev/null
}
if [ "$optional" = 1 ]; then
  install_packages 2>/dev/null || echo "system-deps: could not install ${packages[*]}; carrying on without" >&2
else
  install_packages
fi
