#!/usr/bin/env bash
# The smoke suite of the packages: unpack each into a folder whose path has Chinese
# characters, spaces and full-width brackets, run the program there the way users do, and
# compare what it writes with the Linux (x86-64) build's output byte for byte.
#
#   packaging/smoke.sh windows   nianbao.exe under Wine, the .bat helpers under Wine's cmd
#   packaging/smoke.sh arm64     the ARM64 build under qemu-user, the .sh helpers
#
# Run packaging/package.sh first. REF names the Linux build to compare with (default
# target/debug/nianbao, which `cargo test` leaves).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
ref=${REF:-$repo/target/debug/nianbao}
[ -x "$ref" ] || cargo build --locked
platform=${1:?windows 或 arm64}

fail() { echo "失败：$*" >&2; exit 1; }
ok() { echo "  通过：$*"; }
# 2027-01-08 00:00 UTC: "today" for every run, so the default year and dates are fixed.
export SOURCE_DATE_EPOCH=1799366400 NO_COLOR=1

scratch=$(mktemp -d)
# Wine's server outlives the programs it ran; stop it before its prefix is removed.
trap '[ "${WINEPREFIX:-}" ] && wineserver -k 2>/dev/null; rm -rf "$scratch"' EXIT
work="$scratch/报告 工具（测试）"
mkdir -p "$work"

case "$platform" in
  windows)
    name="nianbao-$version-windows-x64"
    python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' \
      "dist/$name.zip" "$work"
    pkg="$work/$name"
    [ -f "$pkg/自查.bat" ] || fail "压缩包中的中文文件名没有保留"
    # Wine 8 lacks bcryptprimitives.dll, which Rust's standard library imports; the
    # stand-in (tests/windows/bcryptprimitives.c) is put beside the program for this run
    # only. It is never in the package: real Windows 10 and 11 have the DLL.
    x86_64-w64-mingw32-gcc -shared -O2 -o "$pkg/bcryptprimitives.dll" \
      tests/windows/bcryptprimitives.c -ladvapi32
    # Wine turns the Unix arguments into Windows ones by the locale: without a UTF-8 one,
    # every Chinese character of a path would arrive as "?".
    export LANG=C.UTF-8 LC_ALL=C.UTF-8
    export WINEPREFIX="$scratch/wine" WINEDEBUG=-all WINEDLLOVERRIDES="winemenubuilder.exe=d;mscoree=d;mshtml=d"
    run() { wine "$pkg/nianbao.exe" "$@"; }
    winpath() { winepath -w "$1" 2>/dev/null; }
    ;;
  arm64)
    name="nianbao-$version-linux-arm64"
    tar -xzf "dist/$name.tar.gz" -C "$work"
    pkg="$work/$name"
    # No binfmt_misc on a CI machine: the program runs through qemu-user by a wrapper of
    # the same name, so the helpers call it as they would on a Kylin or UOS desktop.
    mv "$pkg/nianbao" "$pkg/nianbao.aarch64"
    printf '#!/bin/sh\nexec qemu-aarch64 -L /usr/aarch64-linux-gnu "$(dirname "$0")/nianbao.aarch64" "$@"\n' \
      > "$pkg/nianbao"
    chmod +x "$pkg/nianbao"
    run() { "$pkg/nianbao" "$@"; }
    winpath() { printf '%s' "$1"; }
    ;;
  *) fail "不认识的平台 $platform" ;;
esac
echo "== $name"

# Output the two builds print: Windows paths read with backslashes, and Wine's console
# may end lines with CR; both are normalised before comparing.
same_text() {
  diff <(tr -d '\r' < "$1" | tr '\\' '/') <(tr '\\' '/' < "$2") > "$scratch/diff" \
    || { head -20 "$scratch/diff" >&2; fail "$3"; }
}

[ "$(run --version | tr -d '\r')" = "nianbao $version" ] || fail "--version"
ok "--version"

# The sample tree, twice: one for this build, one for the reference.
for side in this ref; do
  mkdir -p "$work/样例 $side"
  cp -r plan reports "$work/样例 $side/"
done
(cd "$work/样例 this" && run --year 2026 check > "$scratch/check.this" 2>&1) && rc=0 || rc=$?
[ "$rc" = 1 ] || fail "check 的退出码应为 1，实际为 $rc"
(cd "$work/样例 ref" && "$ref" --year 2026 check > "$scratch/check.ref" 2>&1) || true
same_text "$scratch/check.this" "$scratch/check.ref" "check 的输出与 Linux 版不同"
ok "check 样例（退出码 1，输出与 Linux 版相同）"

# A GBK file with a Chinese name holding a space and full-width brackets, given by an
# absolute path (a drive letter and backslashes under Wine).
inbox="$work/收件 箱"
mkdir -p "$inbox"
gbk="$inbox/水利厅 2026年度报告（终稿）.yaml"
python3 -c 'import sys; open(sys.argv[2], "wb").write(open(sys.argv[1], encoding="utf-8").read().encode("gbk"))' \
  reports/2026/shuili.yaml "$gbk"
given=$(winpath "$gbk")
[ "$platform" != windows ] || case "$given" in [A-Z]:\\*) ;; *) fail "winepath 没有给出盘符路径：$given" ;; esac
(cd "$work/样例 this" && run check "$given" > "$scratch/gbk.out" 2>&1) && rc=0 || rc=$?
[ "$rc" = 1 ] && grep -q "NB002" "$scratch/gbk.out" || { cat "$scratch/gbk.out" >&2; fail "GBK 文件的自查"; }
grep -q "结果：0 个错误，1 个警告" "$scratch/gbk.out" || { cat "$scratch/gbk.out" >&2; fail "GBK 文件的检查结果"; }
ok "check $given"
# From a folder with no plan/ anywhere above it, the plan beside the program is used.
(cd "$inbox" && run check "$given" > "$scratch/beside.out" 2>&1) || true
grep -q "nianbao-$version-.*plan.meili-ningxia.toml" "$scratch/beside.out" \
  || { cat "$scratch/beside.out" >&2; fail "没有用程序旁边的方案"; }
ok "在没有 plan 的文件夹中自查：用程序旁边的方案"

# Charts in Word are drawn in a Chinese font found on the machine. A fresh Wine prefix has
# none (nianbao would then print the charts as tables), so it gets the one the Linux build
# uses, as a Windows machine has 微软雅黑.
if [ "$platform" = windows ]; then
  cjk=$(fc-match -f '%{file}' 'Noto Sans CJK SC')
  case "$cjk" in *CJK*) ;; *) fail "没有找到 Noto Sans CJK 字体（fonts-noto-cjk）" ;; esac
  mkdir -p "$WINEPREFIX/drive_c/windows/Fonts"
  cp "$cjk" "$WINEPREFIX/drive_c/windows/Fonts/"
fi

# Two Word files hold the same document: every part the same bytes, and the same chart
# pictures by name and PNG signature (their pixels are anti-aliased by floating point and
# may round differently on another processor; what they show is the SVG compared above).
same_docx() {
  rm -rf "$scratch/docx-a" "$scratch/docx-b"
  mkdir -p "$scratch/docx-a" "$scratch/docx-b"
  python3 -m zipfile -e "$1" "$scratch/docx-a" && python3 -m zipfile -e "$2" "$scratch/docx-b" || fail "无法解开 Word 文件"
  diff -r -x media "$scratch/docx-a" "$scratch/docx-b" > "$scratch/diff" || { head -20 "$scratch/diff" >&2; fail "$3"; }
  diff <(ls "$scratch/docx-a/word/media" 2>/dev/null) <(ls "$scratch/docx-b/word/media" 2>/dev/null) > /dev/null \
    || fail "$3（图表数量不同）"
  for png in "$scratch"/docx-a/word/media/*.png; do
    [ -e "$png" ] || continue
    [ "$(head -c 4 "$png" | od -An -c | tr -d ' ')" = "211PNG" ] || fail "$3（$png 不是 PNG）"
  done
}

# compile: the same documents as the Linux build.
for side in this ref; do
  exe=run
  [ "$side" = ref ] && exe="$ref"
  (cd "$work/样例 $side" && $exe --year 2026 compile --date 2026-12-28 --format md,html,docx > /dev/null 2>&1) \
    || fail "compile（$side）"
done
for f in report.md report.html; do
  cmp "$work/样例 this/out/2026/$f" "$work/样例 ref/out/2026/$f" || fail "$f 与 Linux 版不同"
done
same_docx "$work/样例 this/out/2026/report.docx" "$work/样例 ref/out/2026/report.docx" "report.docx 与 Linux 版不同"
ls "$scratch/docx-a/word/media/"*.png > /dev/null 2>&1 || fail "Word 文件中没有图表图片"
ok "compile：Markdown、HTML 与 Linux 版逐字节相同，Word 各部分相同、图表为图片"

# status --format csv: the same bytes.
(cd "$work/样例 this" && run --year 2026 status --format csv > "$scratch/status.this")
(cd "$work/样例 ref" && "$ref" --year 2026 status --format csv > "$scratch/status.ref")
cmp "$scratch/status.this" "$scratch/status.ref" || fail "status --format csv 与 Linux 版不同"
ok "status --format csv"

# intake of the GBK file into an empty year: filed as UTF-8, the same bytes.
for side in this ref; do
  mkdir -p "$work/收取 $side"
  cp -r plan "$work/收取 $side/"
  exe=run
  [ "$side" = ref ] && exe="$ref"
  file="$gbk"
  [ "$side" = this ] && file="$given"
  (cd "$work/收取 $side" && $exe intake "$file" --received "2026-12-20 10:00" > "$scratch/intake.$side" 2>&1) \
    || { cat "$scratch/intake.$side" >&2; fail "intake（$side）"; }
done
cmp "$work/收取 this/reports/2026/shuili.yaml" "$work/收取 ref/reports/2026/shuili.yaml" \
  || fail "intake 存入的报告与 Linux 版不同"
ok "intake GBK 文件"

# The helpers, as a user starts them: 自查 with a dropped file and without one, 汇编 by
# double-click in a package folder holding the sample reports.
cp -r reports/2026 "$pkg/reports/"
if [ "$platform" = windows ]; then
  # "call" keeps cmd from stripping the quotes around the helper's path, as Explorer's
  # own double quoting does when a file is dropped on it.
  helper() { (cd "$scratch" && wine cmd /c call "$(winpath "$pkg/$1")" "${@:2}" < /dev/null 2>&1 | tr -d '\r'); }
  selfcheck=自查.bat compile=汇编.bat
else
  helper() { (cd "$scratch" && "$pkg/$1" "${@:2}" < /dev/null 2>&1); }
  selfcheck=自查.sh compile=汇编.sh
fi
out=$(helper "$selfcheck" "$given") || true
echo "$out" | sed 's/^/    | /' | tail -6
grep -q "结果：0 个错误，1 个警告" <<< "$out" || { echo "$out" >&2; fail "$selfcheck 拖入文件"; }
out=$(helper "$selfcheck") || true
grep -q "报告文件" <<< "$out" || { echo "$out" >&2; fail "$selfcheck 未拖入文件时的提示"; }
out=$(helper "$compile") || true
grep -q "已写入" <<< "$out" || { echo "$out" >&2; fail "$compile"; }
for f in report.md report.html report.docx; do
  [ -s "$pkg/out/2026/$f" ] || fail "$compile 没有写出 $f"
done
cmp "$pkg/out/2026/report.md" "$work/样例 ref/out/2026/report.md" > /dev/null \
  || echo "  （$compile 用当天日期落款，与上面 --date 的结果不同，属正常）"
ok "$selfcheck、$compile"
echo "== $name：全部通过"
