namespace Sideye.Freezer.Seccomp;

/// <summary>The errno names the seccomp check can meet (x86-64 values), for reasons a person reads.</summary>
internal static class ErrnoNames
{
    public const int EPERM = 1, ENOENT = 2, ESRCH = 3, EIO = 5, ENOMEM = 12, EACCES = 13, EFAULT = 14, EINVAL = 22,
        EMEDIUMTYPE = 124;

    public static string Name(int errno) => errno switch
    {
        EPERM => "EPERM",
        ENOENT => "ENOENT",
        ESRCH => "ESRCH",
        EIO => "EIO",
        ENOMEM => "ENOMEM",
        EACCES => "EACCES",
        EFAULT => "EFAULT",
        EINVAL => "EINVAL",
        EMEDIUMTYPE => "EMEDIUMTYPE",
        _ => $"errno {errno}",
    };
}
