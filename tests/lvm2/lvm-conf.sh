#!/bin/sh
# Writes the lvm.conf that the project's own LVM2 runs use (the everyday
# differential test, make demo, make bench-lvm2): loop devices only, no
# lvmetad, udev or dmeventd, no metadata backups, locks in LOCK_DIR.
# usage: lvm-conf.sh CONF_DIR LOCK_DIR   (then LVM_SYSTEM_DIR=CONF_DIR)
set -eu
conf=$1 lock=$2
mkdir -p "$conf" "$lock"
cat >"$conf/lvm.conf" <<EOC
devices { filter = [ "a|^/dev/loop|", "r|.*|" ] obtain_device_list_from_udev = 0 }
global { use_lvmetad = 0 locking_dir = "$lock" thin_check_executable = "" }
activation { udev_sync = 0 udev_rules = 0 verify_udev_operations = 1 monitoring = 0 }
backup { backup = 0 archive = 0 }
EOC
