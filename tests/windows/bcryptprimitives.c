/*
 * A stand-in for Windows' bcryptprimitives.dll, for running nianbao.exe under Wine 8 in
 * CI only. Rust's standard library imports ProcessPrng from that DLL (Windows 10 and later
 * have it); Wine 8 does not ship it, so the program would not start. This exports
 * ProcessPrng by calling RtlGenRandom (SystemFunction036 in advapi32), which Wine has.
 * It is built by packaging/smoke.sh beside the .exe under test and never goes into a
 * package: real Windows has the real DLL.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
