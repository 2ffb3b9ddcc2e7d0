#!/usr/bin/env bash
# Builds the Debian packages from a clean checkout with one command (docs/PACKAGING.md):
#   tools/package.sh --arch amd64|arm64|armhf [--out DIR]
# writes DIR/uclink_<version>_<arch>.deb and DIR/uclink-sim_<version>_<arch>.deb (DIR defaults to
# dist/out/). The version is api::kVersion (control/api/protocol.h), the one the binaries print.
set -euo pipefail
cd "$(dirname "$0")/.."

arch="" out=dist/out
while [ $# -gt 0 ]; do
  case "$1" in
    --arch) arch=${2:-}; shift 2 ;;
    --out) out=${2:-}; shift 2 ;;
    *) arch=invalid; break ;;
  esac
done
case "$arch" in
  amd64) triplet=x86_64-linux-gnu; config=() ;;
  arm64) triplet=aarch64-linux-gnu; config=(--config=arm64) ;;
  armhf) triplet=arm-linux-gnueabihf; config=(--config=armhf) ;;
  *) echo "usage: tools/package.sh --arch amd64|arm64|armhf [--out DIR]" >&2; exit 2 ;;
esac
bash tools/setup.sh --package --cross "$arch"

version=$(sed -n 's/.*kVersion = "\([^"]*\)".*/\1/p' control/api/protocol.h)
[ -n "$version" ] || { echo "tools/package.sh: no kVersion in control/api/protocol.h" >&2; exit 1; }
maintainer="$(git log -1 --format='%an <%ae>' 2>/dev/null || echo 'uclink developers <root@localhost>')"

bazel build -c opt "${config[@]}" //cmd:uclink //cmd:uclinkd //cmd:uclink-sim //pppif:pppd_hook
bin=$(bazel info -c opt "${config[@]}" bazel-bin 2>/dev/null)

work=$(mktemp -d /tmp/uclink-package.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
out=$(cd "$out" && pwd)

strip_into() {  # strip_into SRC DEST: an installed executable, without symbols (Debian's dh_strip)
  install -D -m 0755 "$1" "$2"
  "$triplet-strip" --remove-section=.comment --remove-section=.note --strip-unneeded "$2"
}
# changelog_into PACKAGE: the changelog and copyright every binary package carries; changelog.gz,
# not changelog.Debian.gz, because a version without a Debian revision makes a native package.
changelog_into() {
  local dir=$work/$1/usr/share/doc/$1
  mkdir -p "$dir"
  printf '%s (%s) unstable; urgency=medium\n\n  * Release %s (control/api/protocol.h).\n\n -- %s  %s\n' \
    "$1" "$version" "$version" "$maintainer" "$(date -R -d "@${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct)}")" |
    gzip -9n >"$dir/changelog.gz"
  install -m 0644 packaging/copyright "$dir/copyright"
}
man_into() {  # man_into SOURCE.md DEST.gz [pandoc args]: a manual page from the documentation
  local src=$1 dest=$2; shift 2
  mkdir -p "$(dirname "$dest")"
  pandoc -s -t man "$@" "$src" | gzip -9n >"$dest"
}

# --- uclink -----------------------------------------------------------------------------------
p=$work/uclink
strip_into "$bin/cmd/uclinkd" "$p/usr/sbin/uclinkd"
strip_into "$bin/cmd/uclink" "$p/usr/bin/uclink"
strip_into "$bin/pppif/pppd_hook" "$p/usr/libexec/uclink/pppd-hook"
install -D -m 0644 dist/uclinkd.service "$p/lib/systemd/system/uclinkd.service"
for f in dist/udev/*.rules; do [ -e "$f" ] && install -D -m 0644 "$f" "$p/lib/udev/rules.d/$(basename "$f")"; done
for f in dist/NetworkManager/conf.d/*.conf; do
  [ -e "$f" ] && install -D -m 0644 "$f" "$p/usr/lib/NetworkManager/conf.d/$(basename "$f")"
done
mkdir -p "$p/etc/uclink"
python3 packaging/conffile.py docs/configuration.md >"$p/etc/uclink/uclink.toml"
chmod 0644 "$p/etc/uclink/uclink.toml"
install -D -m 0644 dist/bash-completion/uclink "$p/usr/share/bash-completion/completions/uclink"
man_into docs/man/uclink.1.md "$p/usr/share/man/man1/uclink.1.gz"
man_into docs/man/uclinkd.8.md "$p/usr/share/man/man8/uclinkd.8.gz"
# uclink.toml(5) is docs/configuration.md itself, its chapters made the page's sections.
python3 packaging/manpage_source.py UCLINK.TOML 5 "uclink.toml - configuration file of uclinkd" \
  docs/configuration.md >"$work/uclink.toml.5.md"
man_into "$work/uclink.toml.5.md" "$p/usr/share/man/man5/uclink.toml.5.gz"
changelog_into uclink
# Uncompressed: the unit's Documentation= names them by path.
install -m 0644 README.md docs/*.md "$p/usr/share/doc/uclink/"
rm -f "$p/usr/share/doc/uclink/simulator"*.md

# --- uclink-sim -------------------------------------------------------------------------------
s=$work/uclink-sim
strip_into "$bin/cmd/uclink-sim" "$s/usr/bin/uclink-sim"
changelog_into uclink-sim
install -m 0644 docs/simulator.md docs/simulator-services.md "$s/usr/share/doc/uclink-sim/"

# --- control files, then the .debs ------------------------------------------------------------
# dpkg-shlibdeps reads a source package's debian/control; a minimal one names both packages.
mkdir -p "$work/src/debian"
printf 'Source: uclink\n\nPackage: uclink\nArchitecture: any\n\nPackage: uclink-sim\nArchitecture: any\n' \
  >"$work/src/debian/control"
# libcurl and libmosquitto are dlopen()ed on first use (control/native/lazy_library.h), so no
# ELF file names them: packaging/control.in recommends them by hand.
depends_of() {  # depends_of PKGDIR: the Depends line dpkg-shlibdeps derives from the ELF files
  local elf=()
  mapfile -t elf < <(find "$1/usr" -type f -perm -0100)
  (cd "$work/src" && DEB_HOST_ARCH=$arch dpkg-shlibdeps -O -l"/usr/lib/$triplet" \
    "${elf[@]}" 2>/dev/null) | sed -n 's/^shlibs:Depends=//p'
}
for pkg in uclink uclink-sim; do
  d=$work/$pkg
  mkdir -p "$d/DEBIAN"
  template=packaging/control.in
  if [ "$pkg" = uclink-sim ]; then template=packaging/control-sim.in; fi
  sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s|@MAINTAINER@|$maintainer|" \
    -e "s/@SIZE@/$(du -sk --exclude=DEBIAN "$d" | cut -f1)/" \
    -e "s/@DEPENDS@/$(depends_of "$d")/" "$template" >"$d/DEBIAN/control"
  if [ "$pkg" = uclink ]; then
    echo /etc/uclink/uclink.toml >"$d/DEBIAN/conffiles"
    install -m 0755 packaging/postinst packaging/prerm packaging/postrm "$d/DEBIAN/"
  fi
  (cd "$d" && find . -type f ! -path './DEBIAN/*' -printf '%P\n' | LC_ALL=C sort |
    xargs md5sum >DEBIAN/md5sums)
  chmod 0644 "$d/DEBIAN/md5sums"
  find "$d" -type d -exec chmod 0755 {} +
  dpkg-deb --root-owner-group -Zxz --build "$d" "$out/${pkg}_${version}_${arch}.deb" >/dev/null
  echo "tools/package.sh: $out/${pkg}_${version}_${arch}.deb ($(du -k "$out/${pkg}_${version}_${arch}.deb" | cut -f1) KiB)"
done
