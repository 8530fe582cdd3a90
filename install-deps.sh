#!/bin/sh
# install-deps.sh: installs the Debian packages herd builds and tests with
# (ganeti-htools: hspace, which tests/test-plan-hspace.sh compares with;
# gnuplot-nox: the charts of herd report).
# Run as root (or through sudo) on Debian 12.  Safe to run again.
set -eu
packages="build-essential cmake pkg-config
  libglib2.0-dev libjson-glib-dev libsqlite3-dev libgsl-dev libcunit1-dev
  libvirt-dev libsanlock-dev sqlite3 ganeti-htools gnuplot-nox"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $packages >/dev/null
echo "install-deps.sh: installed: $(echo $packages)"
