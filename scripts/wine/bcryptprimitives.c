/*
 * bcryptprimitives.dll for the Windows test bed under Wine 8 (setup.ts builds
 * it with mingw and puts it in the prefix's System32). Two gaps of Wine 8 stop
 * the Windows builds of Deno and Bun from starting; this DLL closes both:
 *
 * 1. Wine 8 has no bcryptprimitives.dll, whose ProcessPrng the Rust and Zig
 *    standard libraries import for random bytes (the loader then refuses the
 *    executable: "Library bcryptprimitives.dll ... not found"). ProcessPrng is
 *    provided here on top of BCryptGenRandom, which Wine has.
 * 2. When kernelbase exports VirtualAlloc2, V8 (Deno) reserves its memory as
 *    placeholders (MEM_RESERVE_PLACEHOLDER), which Wine 8 refuses, and dies
 *    with "Fatal process out of memory". When the DLL is loaded, the export's
 *    name is changed in kernelbase's export table so that
 *    GetProcAddress("VirtualAlloc2") finds nothing and V8 takes the path it
 *    uses on Windows versions before 10. SUBPROC_WINE_KEEP_VIRTUALALLOC2=1
 *    leaves the name alone (to see the failure for yourself).
 *
 * Every process in the prefix that imports the DLL gets both; Node (which
 * does not import it) runs without either.
 */
#include <windows.h>
#include <bcrypt.h>
#include <string.h>

/* BOOL ProcessPrng(PBYTE, SIZE_T): fills the buffer, never fails on Windows.
 * BCryptGenRandom takes a ULONG count, so large requests go in parts. */
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE out, SIZE_T size) {
    const SIZE_T part = 1u << 30;
    for (SIZE_T done = 0; done < size; done += part) {
        ULONG n = (ULONG)(size - done < part ? size - done : part);
        if (!BCRYPT_SUCCESS(BCryptGenRandom(NULL, out + done, n, BCRYPT_USE_SYSTEM_PREFERRED_RNG)))
            return FALSE;
    }
    return TRUE;
}

/* The export directory of a loaded 64-bit module. */
static IMAGE_EXPORT_DIRECTORY *exports_of(BYTE *base) {
    IMAGE_DOS_HEADER *dos = (IMAGE_DOS_HEADER *)base;
    IMAGE_NT_HEADERS64 *nt = (IMAGE_NT_HEADERS64 *)(base + dos->e_lfanew);
    DWORD rva = nt->OptionalHeader.DataDirectory[IMAGE_DIRECTORY_ENTRY_EXPORT].VirtualAddress;
    return rva ? (IMAGE_EXPORT_DIRECTORY *)(base + rva) : NULL;
}

/* Renames export `name` of `module` to the same name with its last character
 * replaced by '0'. GetProcAddress searches the (sorted) name table by binary
 * search; "VirtualAlloc0" still sorts between "VirtualAlloc" and
 * "VirtualAlloc2FromApp", so every other export stays findable. */
static void rename_export(HMODULE module, const char *name) {
    BYTE *base = (BYTE *)module;
    IMAGE_EXPORT_DIRECTORY *dir = exports_of(base);
    if (dir == NULL) return;
    DWORD *names = (DWORD *)(base + dir->AddressOfNames);
    for (DWORD i = 0; i < dir->NumberOfNames; i++) {
        char *entry = (char *)(base + names[i]);
        if (strcmp(entry, name) != 0) continue;
        size_t last = strlen(entry) - 1;
        DWORD protection;
        /* The export table lives in a read-only section. */
        if (VirtualProtect(entry, last + 1, PAGE_READWRITE, &protection)) {
            entry[last] = '0';
            VirtualProtect(entry, last + 1, protection, &protection);
        }
        return;
    }
}

BOOL WINAPI DllMain(HINSTANCE self, DWORD reason, LPVOID reserved) {
    (void)self;
    (void)reserved;
    if (reason != DLL_PROCESS_ATTACH) return TRUE;
    char keep[2];
    if (GetEnvironmentVariableA("SUBPROC_WINE_KEEP_VIRTUALALLOC2", keep, sizeof keep) == 0) {
        HMODULE kernelbase = GetModuleHandleA("kernelbase.dll");
        if (kernelbase != NULL) rename_export(kernelbase, "VirtualAlloc2");
    }
    return TRUE;
}
