#!/bin/bash
# dmstats on both libraries, without udev (nodes made by the library).
# usage: stats.sh BUILD_DIR COMMANDS_FILE
export DM_DISABLE_UDEV=1
exec "$(dirname "$0")/dmsetup-compare.sh" "$@"
