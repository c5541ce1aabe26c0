#!/bin/sh
# Self-check for a reporting unit: ./自查.sh 报告文件.yaml
# Checks the file against the plan shipped beside this script.
here=$(dirname "$0")
if [ $# -eq 0 ]; then
  echo "用法：./自查.sh 报告文件.yaml（检查这份报告，并显示结果）"
  exit 2
fi
exec "$here/nianbao" --plan "$here/plan" check "$@"
