"""Puts one package together from a built program: the program, the shipped plan, an
empty reports folder, the Chinese instructions and the helpers for the platform.

    python3 packaging/assemble.py windows|arm64 PROGRAM dist/NAME

writes dist/NAME.zip (Windows) or dist/NAME.tar.gz (ARM64), every entry under NAME/.
Entries get a fixed time and mode, so the same inputs give the same archive. Zip entry
names that are not ASCII carry the UTF-8 flag (Python sets it), which Windows Explorer's
built-in unzip reads, so 自查.bat keeps its name.
"""

import gzip
import io
import sys
import tarfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EPOCH = (1980, 1, 1, 0, 0, 0)


def files(platform, program):
    """(name inside the package, bytes, executable) for every file."""
    here = ROOT / "packaging" / platform
    out = [(("nianbao.exe" if platform == "windows" else "nianbao"), program.read_bytes(), True)]
    for plan in sorted((ROOT / "plan").glob("*.toml")):
        out.append((f"plan/{plan.name}", plan.read_bytes(), False))
    guide = (here / "使用说明.txt").read_text(encoding="utf-8")
    if platform == "windows":
        # Notepad reads UTF-8 either way since Windows 10 1903; the BOM and CRLF make older
        # Notepad and any editor that guesses the encoding show the Chinese too.
        out.append(("使用说明.txt", ("\ufeff" + guide.replace("\n", "\r\n")).encode("utf-8"), False))
        for bat in ("自查.bat", "汇编.bat"):
            data = (here / bat).read_bytes()
            assert data.isascii() and b"\r\n" in data, f"{bat} must be ASCII with CRLF"
            out.append((bat, data, False))
    else:
        out.append(("使用说明.txt", guide.encode("utf-8"), False))
        for sh in ("自查.sh", "汇编.sh"):
            out.append((sh, (here / sh).read_bytes(), True))
    return out


def write_zip(target, top, entries):
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for folder in ("", "plan/", "reports/"):
            info = zipfile.ZipInfo(f"{top}/{folder}", EPOCH)
            info.external_attr = 0o40755 << 16 | 0x10
            z.writestr(info, b"")
        for name, data, _ in entries:
            info = zipfile.ZipInfo(f"{top}/{name}", EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o100644 << 16
            z.writestr(info, data)


def write_tar(target, top, entries):
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as t:
        for folder in ("", "plan", "reports"):
            info = tarfile.TarInfo(f"{top}/{folder}".rstrip("/"))
            info.type, info.mode, info.mtime = tarfile.DIRTYPE, 0o755, 315532800
            t.addfile(info)
        for name, data, executable in entries:
            info = tarfile.TarInfo(f"{top}/{name}")
            info.size, info.mtime = len(data), 315532800
            info.mode = 0o755 if executable else 0o644
            t.addfile(info, io.BytesIO(data))
    with open(target, "wb") as f, gzip.GzipFile(fileobj=f, mode="wb", mtime=0, filename="") as g:
        g.write(raw.getvalue())


def main():
    platform, program, dest = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    top = dest.name
    entries = files(platform, program)
    if platform == "windows":
        target = dest.with_name(top + ".zip")
        write_zip(target, top, entries)
    else:
        target = dest.with_name(top + ".tar.gz")
        write_tar(target, top, entries)
    print(f"已生成 {target}（{target.stat().st_size / 1024 / 1024:.1f} MB）")


if __name__ == "__main__":
    main()
