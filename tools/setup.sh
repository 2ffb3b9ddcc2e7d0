#!/usr/bin/env bash
# Installs every Debian package uclink needs to build, test and run (DEVELOPERS.md facts).
# Idempotent: packages already present are skipped; safe to re-run.
#   tools/setup.sh                      # build, test and run on this machine
#   tools/setup.sh --cross arm64|armhf  # also: the cross compiler, qemu and the target's libraries
#   tools/setup.sh --package            # also: the Debian packaging and checking tools
# The extras are asked for by tools/package.sh, tools/cross_test.sh and tools/package_check.sh, so
# the README's default commands install nothing more than they need (docs/PACKAGING.md).
set -euo pipefail

PACKAGES=(
  # build
  bazel-bootstrap g++ clang-14 libfuzzer-14-dev libclang-rt-14-dev clang-format-14 clang-tidy-14 git
  libboost1.81-dev libcli11-dev libgtest-dev libgmock-dev libnl-3-dev libnl-route-3-dev
  nlohmann-json3-dev libtomlplusplus-dev libspdlog-dev libfmt-dev libbenchmark-dev libsystemd-dev
  libcurl4-openssl-dev libmosquitto-dev libssl-dev libxml2-dev
  # runtime and test peers (mobile-broadband-provider-info: network.apn = "auto")
  mobile-broadband-provider-info
  ppp slirp mosquitto vsftpd nginx-light socat curl iproute2 netcat-openbsd procps python3 psmisc
  # systemd-resolved integration test: its bus and libsystemd-shared (resolved itself: below)
  dbus-daemon systemd
  radvd
  prometheus-node-exporter
  # kernel-PPP VM tier
  qemu-system-x86 linux-image-amd64 busybox-static cpio
)

# The libraries a cross build links against, as Debian multiarch packages (<name>:<arch>). Header-only
# libraries (Boost.Asio, CLI11, nlohmann-json) are architecture-independent: the host's copies serve.
CROSS_LIBS=(
  libgtest-dev libgmock-dev libnl-3-dev libnl-route-3-dev libtomlplusplus-dev libspdlog-dev
  libfmt-dev libsystemd-dev libcurl4-openssl-dev libmosquitto-dev libssl-dev
)
cross_arches=()
while [ $# -gt 0 ]; do
  case "$1" in
    --cross)
      case "${2:-}" in
        arm64) PACKAGES+=(g++-aarch64-linux-gnu qemu-user-static) ;;
        armhf) PACKAGES+=(g++-arm-linux-gnueabihf qemu-user-static) ;;
        amd64) ;;
        *) echo "tools/setup.sh: --cross takes arm64, armhf or amd64" >&2; exit 2 ;;
      esac
      [ "$2" = amd64 ] || { cross_arches+=("$2"); for l in "${CROSS_LIBS[@]}"; do PACKAGES+=("$l:$2"); done; }
      shift 2 ;;
    --package)
      PACKAGES+=(dpkg-dev fakeroot pandoc lintian debootstrap systemd)
      shift ;;
    *) echo "usage: tools/setup.sh [--cross arm64|armhf]... [--package]" >&2; exit 2 ;;
  esac
done

if [ "$(id -u)" -ne 0 ]; then
  echo "tools/setup.sh: must run as root (it installs Debian packages with apt-get); try: sudo $0" >&2
  exit 1
fi

# systemd-resolved for the DNS integration test (tests/control/integration/resolved_test.cc),
# extracted, never installed: installing it would rewire this machine's /etc/resolv.conf. The
# test runs it in its own mount and network namespace. Same version as the installed systemd
# (it needs that version's libsystemd-shared). Downloaded once; kept in the cache below.
fetch_resolved() {
  local version cache
  version="$(dpkg-query -W -f='${Version}' systemd)"
  cache="${UCLINK_RESOLVED_CACHE:-/var/cache/uclink/systemd-resolved}"
  if [ -x "$cache/root/lib/systemd/systemd-resolved" ] && [ "$(cat "$cache/version" 2>/dev/null)" = "$version" ]; then
    return 0
  fi
  echo "tools/setup.sh: fetching systemd-resolved $version into $cache (extracted, not installed)"
  rm -rf "$cache" && mkdir -p "$cache/deb" && chmod 0755 "$cache" "$cache/deb"
  # apt's download sandbox user must be able to write there.
  chown _apt "$cache/deb" 2>/dev/null || true
  (cd "$cache/deb" && apt-get download -qq "systemd-resolved=$version")
  dpkg -x "$cache"/deb/systemd-resolved_*.deb "$cache/root"
  echo "$version" > "$cache/version"
}

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "tools/setup.sh: all ${#PACKAGES[@]} packages present"
  fetch_resolved
  exit 0
fi

echo "tools/setup.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
for a in "${cross_arches[@]}"; do
  dpkg --print-foreign-architectures | grep -qx "$a" || dpkg --add-architecture "$a"
done
apt-get update -qq
unavailable=()
for p in "${missing[@]}"; do
  apt-cache show "$p" >/dev/null 2>&1 || unavailable+=("$p")
done
if [ ${#unavailable[@]} -ne 0 ]; then
  echo "tools/setup.sh: not in the package registry: ${unavailable[*]}" >&2
  exit 1
fi
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian starts these daemons on install; tests run their own instances on loopback ports.
for svc in mosquitto vsftpd nginx; do
  systemctl disable --now "$svc" >/dev/null 2>&1 || service "$svc" stop >/dev/null 2>&1 || true
done
fetch_resolved
echo "tools/setup.sh: done"
