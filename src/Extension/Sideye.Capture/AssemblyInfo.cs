using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("Sideye.Capture.Tests")]
[assembly: InternalsVisibleTo("Sideye.EndToEnd.Tests")]
