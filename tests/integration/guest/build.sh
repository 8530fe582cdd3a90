#!/bin/bash
# build.sh OUTDIR: the integration suite's Linux guest: writes OUTDIR/kernel
# (Debian's cloud kernel, from linux-image-cloud-amd64) and
# OUTDIR/initramfs.cpio (the static writer.c as /init, and the virtio
# modules it loads).  Exit 1 with a message when the kernel is missing.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$1
kernel=$(ls /boot/vmlinuz-*-cloud-amd64 2>/dev/null | sort -V | tail -1)
[ -n "$kernel" ] || { echo "build.sh: no /boot/vmlinuz-*-cloud-amd64 (install linux-image-cloud-amd64)" >&2; exit 1; }
version=${kernel#/boot/vmlinuz-}
mods=/lib/modules/$version/kernel/drivers
root=$OUT/initramfs
rm -rf "$root"; mkdir -p "$root/dev"
gcc -O2 -static -o "$root/init" "$HERE/writer.c"
: > "$root/modules.order"
for m in virtio/virtio_ring.ko virtio/virtio.ko virtio/virtio_pci_legacy_dev.ko \
         virtio/virtio_pci_modern_dev.ko virtio/virtio_pci.ko block/virtio_blk.ko; do
  [ -f "$mods/$m" ] || continue   # built in, or not split out in this kernel
  cp "$mods/$m" "$root/"
  echo "/$(basename "$m")" >> "$root/modules.order"
done
(cd "$root" && find . | cpio -o -H newc --quiet) > "$OUT/initramfs.cpio"
cp "$kernel" "$OUT/kernel"
