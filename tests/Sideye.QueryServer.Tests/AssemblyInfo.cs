// The server runs on Linux (and the tests check Unix file modes of what it writes).
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
