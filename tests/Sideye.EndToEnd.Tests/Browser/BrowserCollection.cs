namespace Sideye.EndToEnd.Tests.Browser;

/// <summary>
/// The browser tests run one class at a time: each drives a Chromium and a server, and on a 2-core machine two at
/// once starve the live demo whose timing the walkthrough asserts on.
/// </summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection
{
    public const string Name = "Browser";
}
