using System.Runtime.CompilerServices;

// Here rather than in the csproj so that the seccomp work stays inside Seccomp/ (the csproj is shared).
[assembly: InternalsVisibleTo("Sideye.Freezer.Tests")]
