using Xunit.Abstractions;

namespace Sideye.Capture.Tests;

/// <summary>The renderer against a Release build: async state machines are structs embedded in their boxes.</summary>
public sealed class ValuesRendererReleaseTests(ReleaseTargetFixture target, ITestOutputHelper output)
    : ValuesRendererTests(target, output), IClassFixture<ReleaseTargetFixture>;
