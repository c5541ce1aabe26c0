#!/bin/sh
# For the office: the progress table, then the consolidated report of the year in force,
# written into out/ beside this script.
cd "$(dirname "$0")" || exit 2
./nianbao status
echo
exec ./nianbao compile
