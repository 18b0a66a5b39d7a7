using System.Runtime.CompilerServices;

// The tests check that the format reference documents every key of SpecKeys.
[assembly: InternalsVisibleTo("Sideye.SpecCompiler.Tests")]
