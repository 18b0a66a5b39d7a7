using Xunit.Abstractions;

namespace Sideye.Capture.Tests;

/// <summary>The renderer against a Debug build: async state machines are classes the boxes point to.</summary>
public sealed class ValuesRendererDebugTests(DebugTargetFixture target, ITestOutputHelper output)
    : ValuesRendererTests(target, output), IClassFixture<DebugTargetFixture>;
