namespace Sideye.Freezer.Seccomp;

/// <summary>
/// The action half (SECCOMP_RET_ACTION_FULL, the top 16 bits) of a seccomp filter's return value
/// (linux/seccomp.h). The values, compared as signed 32-bit numbers, order the actions: lower wins.
/// </summary>
internal enum SeccompAction : uint
{
    KillThread = 0x0000_0000,
    Trap = 0x0003_0000,
    Errno = 0x0005_0000,
    UserNotif = 0x7FC0_0000,
    Trace = 0x7FF0_0000,
    Log = 0x7FFC_0000,
    Allow = 0x7FFF_0000,
    KillProcess = 0x8000_0000,
}
