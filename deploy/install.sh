#!/bin/sh
# Installs the claude-bridge host daemon from a release archive, and its systemd units. Downloads nothing.
#   tar -xzf claude-bridge-VERSION.tar.gz && sudo claude-bridge-VERSION/deploy/install.sh --user "$USER"
#   sudo sh install.sh --user alice claude-bridge-VERSION.tar.gz        (the archive, not unpacked)
# Options:
#   --prefix DIR      where the release goes (default /opt/claude-bridge)
#   --user NAME       the host user whose Claude Code login the bridge uses (default: $SUDO_USER)
#   --unit-dir DIR    where the systemd units go (default /etc/systemd/system)
#   --config-dir DIR  where the units' environment files go (default /etc/claude-bridge)
#   --no-systemd      copy the release only
set -eu

die() { echo "install.sh: $*" >&2; exit 1; }
usage() { sed -n '2,11s/^# \{0,1\}//p' "$0"; }

prefix=/opt/claude-bridge
user=${SUDO_USER:-}
unit_dir=/etc/systemd/system
config_dir=/etc/claude-bridge
systemd=yes
archive=
while [ $# -gt 0 ]; do
  case $1 in
    --prefix) [ $# -ge 2 ] || die "--prefix needs a directory"; prefix=$2; shift 2 ;;
    --user) [ $# -ge 2 ] || die "--user needs a name"; user=$2; shift 2 ;;
    --unit-dir) [ $# -ge 2 ] || die "--unit-dir needs a directory"; unit_dir=$2; shift 2 ;;
    --config-dir) [ $# -ge 2 ] || die "--config-dir needs a directory"; config_dir=$2; shift 2 ;;
    --no-systemd) systemd=no; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) usage >&2; die "unknown option $1" ;;
    *) archive=$1; shift ;;
  esac
done
case $prefix in /*) ;; *) die "--prefix must be an absolute path, got $prefix" ;; esac

# The release to install: the archive given, else the unpacked archive this script is part of.
if [ -n "$archive" ]; then
  [ -f "$archive" ] || die "no such archive: $archive"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  tar -xzf "$archive" -C "$tmp"
  set -- "$tmp"/claude-bridge-*/
  src=${1%/}
else
  src=$(cd "$(dirname "$0")/.." && pwd)
fi
[ -x "$src/bin/claude-bridge" ] && [ -f "$src/lib/claude-bridge.jar" ] \
  || die "$src is not an unpacked claude-bridge release (bin/claude-bridge, lib/claude-bridge.jar)"

# bin/claude is the container client; on the host it must never replace the real claude.
if [ -e "$prefix/bin/claude" ] && ! grep -q 'claude-bridge container client' "$prefix/bin/claude" 2>/dev/null; then
  die "$prefix/bin/claude exists and is not claude-bridge's; choose another --prefix"
fi
mkdir -p "$prefix"
rm -rf "$prefix/lib/native"   # the only directory whose contents differ between versions
for part in bin lib docs deploy README.md; do
  [ -e "$src/$part" ] && cp -R "$src/$part" "$prefix/"
done
echo "installed $src into $prefix"

# The units run with systemd's bare environment: check that the daemon finds a Java 25 there too.
if version=$(env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$prefix/bin/claude-bridge" --version 2>&1); then
  echo "$version"
else
  echo "install.sh: warning: $version" >&2
  echo "install.sh: install a JDK or JRE 25, or name one as CLAUDE_BRIDGE_JAVA in $config_dir/claude-bridge.env" >&2
fi

if [ "$systemd" = yes ]; then
  [ -n "$user" ] || die "--user NAME is needed: the host user whose Claude Code login the bridge uses"
  id "$user" >/dev/null 2>&1 || die "no such user: $user"
  esc() { printf '%s' "$1" | sed 's/[&|\\]/\\&/g'; }
  mkdir -p "$unit_dir" "$config_dir"
  for unit in claude-bridge.service claude-bridge@.service; do
    sed -e "s|/opt/claude-bridge|$(esc "$prefix")|g" -e "s|/etc/claude-bridge|$(esc "$config_dir")|g" \
        -e "s|^User=.*|User=$(esc "$user")|" "$src/deploy/$unit" > "$unit_dir/$unit"
  done
  [ -f "$config_dir/claude-bridge.env" ] || cp "$src/deploy/claude-bridge.env.example" "$config_dir/claude-bridge.env"
  echo "installed $unit_dir/claude-bridge.service and claude-bridge@.service (User=$user)"
  if [ "$unit_dir" = /etc/systemd/system ] && [ -d /run/systemd/system ]; then
    systemctl daemon-reload
  fi
  cat <<EOF

Next steps:
  1. Claude Code must work for $user on this host: sudo -iu $user claude   (log in once with /login)
  2. Path mappings: edit $config_dir/claude-bridge.env, e.g.
       CLAUDE_BRIDGE_ARGS=--map /workspace=/home/$user/project
  3. Start it:  systemctl enable --now claude-bridge
     Socket:    /run/claude-bridge/claude-code-bridge.sock
  4. In each container: mount that socket at /host/claude-bridge.sock and install the client
     (claude-bridge-client-VERSION-linux-ARCH.tar.gz, see $prefix/deploy/Dockerfile.agent).
  One socket per agent instead: $config_dir/AGENT.env, then systemctl enable --now claude-bridge@AGENT
  (socket /run/claude-bridge-AGENT/claude-code-bridge.sock). Details: $prefix/docs/DEPLOY.md
EOF
fi
