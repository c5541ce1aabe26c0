#!/usr/bin/env bash
# Writes the packages for the office and the reporting units into dist/:
#   dist/nianbao-<version>-windows-x64.zip     nianbao.exe, plan\, reports\, 使用说明.txt, 自查.bat, 汇编.bat
#   dist/nianbao-<version>-linux-arm64.tar.gz  nianbao, plan/, reports/, 使用说明.txt, 自查.sh, 汇编.sh
#
# Usage: packaging/package.sh [windows] [arm64]        (both when none is named)
# Needs the Rust targets x86_64-pc-windows-gnu and aarch64-unknown-linux-gnu (rustup target
# add …) and Debian's gcc-mingw-w64-x86-64 and gcc-aarch64-linux-gnu; the linkers are named
# in .cargo/config.toml.
set -euo pipefail
cd "$(dirname "$0")/.."

version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(windows arm64)
mkdir -p dist
for t in "${targets[@]}"; do
  case "$t" in
    windows) triple=x86_64-pc-windows-gnu exe=nianbao.exe name="nianbao-$version-windows-x64" ;;
    arm64) triple=aarch64-unknown-linux-gnu exe=nianbao name="nianbao-$version-linux-arm64" ;;
    *) echo "不认识的目标：$t（可用 windows、arm64）" >&2; exit 2 ;;
  esac
  cargo build --release --locked --target "$triple"
  python3 packaging/assemble.py "$t" "target/$triple/release/$exe" "dist/$name"
done
