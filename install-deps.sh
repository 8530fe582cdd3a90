#!/bin/sh
# install-deps.sh: installs the Debian packages herd builds and tests with
# (libsoup-3.0-dev and glib-networking, GIO's TLS: herd import's client of
# a running oVirt engine, which tests/test-cli.sh tries over HTTPS with a
# certificate openssl makes; libcrypt-dev: the yescrypt hashes of the
# REST API's password file, herd passwd; ganeti-htools: hspace, which
# tests/test-plan-hspace.sh compares with;
# gnuplot-nox: the charts of herd report; clang with its compiler-rt,
# libclang-rt-dev: the fuzz harnesses of docs/fuzzing.md; python3: the
# socket clients of tests/test-run-access.sh; curl: the integration
# suite's client of herd run's REST API; systemd: systemd-analyze, which
# tests/test-cli.sh verifies herd run's unit with), and the real hosts the
# integration suite starts (libvirtd, QEMU/KVM, sanlock: tests/integration).
# Run as root (or through sudo) on Debian 12.  Safe to run again.
set -eu
packages="build-essential cmake pkg-config
  libglib2.0-dev libjson-glib-dev libsqlite3-dev libgsl-dev libcunit1-dev
  libvirt-dev libsanlock-dev libfuse3-dev libsoup-3.0-dev glib-networking
  libcrypt-dev
  sqlite3 ganeti-htools gnuplot-nox bc openssl
  clang libclang-rt-dev python3 curl systemd"
# With their recommended packages, as tests/integration/README.md used them.
hosts="libvirt-daemon-system libvirt-daemon-driver-qemu libvirt-clients libvirt-sanlock
  qemu-system-x86 qemu-utils sanlock iproute2 cpio linux-image-cloud-amd64"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $packages >/dev/null
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq $hosts >/dev/null
echo "install-deps.sh: installed: $(echo $packages $hosts)"
