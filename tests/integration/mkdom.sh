#!/bin/bash
# mkdom.sh NAME > NAME.xml : tiny guest, 64 MiB, 1 vCPU, no disk; kvm if
# /dev/kvm exists, else qemu (software emulation).
name=${1:-tiny}
type=qemu; [ -e /dev/kvm ] && type=kvm
cat <<XML
<domain type='$type'>
  <name>$name</name>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <boot dev='network'/>
  </os>
  <features><acpi/></features>
  <clock offset='utc'/>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <serial type='pty'><target port='0'/></serial>
    <console type='pty'><target type='serial' port='0'/></console>
    <controller type='usb' model='none'/>
    <memballoon model='none'/>
  </devices>
</domain>
XML
