namespace Sideye.SpecCompiler.Tests;

/// <summary>Which names, types and texts are redacted, and how a spec's <c>redact:</c> and <c>allow:</c> change that.</summary>
public sealed class RedactionRulesTests
{
    [Theory]
    [InlineData("password")]
    [InlineData("Password")]
    [InlineData("<Password>k__BackingField")] // an auto-property's backing field
    [InlineData("<password>5__2")] // a hoisted async local
    [InlineData("_dbPassword")]
    [InlineData("api_key")]
    [InlineData("X-Api-Key")]
    [InlineData("ClientSecret")]
    [InlineData("accessToken")]
    [InlineData("refresh_token")]
    [InlineData("Authorization")]
    [InlineData("Cookie")]
    [InlineData("ConnectionString")]
    [InlineData("m_credentials")]
    [InlineData("PrivateKey")]
    [InlineData("SessionId")]
    public void Sensitive_names_are_redacted(string name) => Assert.True(RedactionRules.Default.IsSensitiveName(name), name);

    [Theory]
    [InlineData("UserName")]
    [InlineData("tokenCount")] // "token" only where a name ends with it
    [InlineData("Tokenizer")]
    [InlineData("ClientId")]
    [InlineData("Headers")]
    [InlineData("Processing")]
    [InlineData("<>4__this")]
    [InlineData("Spinner")] // "pin" only at the end
    [InlineData("cancellationToken")] // a CancellationToken, named like one everywhere
    [InlineData("stoppingToken")]
    public void Other_names_are_not(string name) => Assert.False(RedactionRules.Default.IsSensitiveName(name), name);

    [Fact]
    public void A_spec_adds_names_and_types_and_allows_a_name()
    {
        Spec spec = Load("""
            redact:
              names: [Nickname, pin_code]
              types: [MyApp.Secrets]
            allow:
              names: [api_key]
            """);
        RedactionRules rules = spec.Redaction;
        Assert.True(rules.IsSensitiveName("<Nickname>k__BackingField"));
        Assert.True(rules.IsSensitiveName("PinCode")); // separators and case do not matter
        Assert.False(rules.IsSensitiveName("ApiKey")); // allowed
        Assert.True(rules.IsSensitiveName("Password")); // the built-in list still applies
        Assert.True(rules.IsSensitiveType("MyApp.Secrets"));
        Assert.True(rules.IsSensitiveType("System.Security.Cryptography.SymmetricAlgorithm"));
        Assert.False(rules.IsSensitiveType("MyApp.Account"));
        Assert.Equal(rules, spec.Compile().Plan.Redaction); // what the capture engine is given
    }

    [Fact]
    public void Allowing_a_name_the_list_does_not_redact_is_a_warning()
    {
        SpecParseResult result = SpecParser.Parse("""
            allow:
              names: [UserName]
            """, "s.yaml");
        SpecDiagnostic warning = Assert.Single(result.Diagnostics);
        Assert.Equal(SpecSeverity.Warning, warning.Severity);
        Assert.Contains("'UserName' in allow is not redacted by the built-in list", warning.Message);
        Assert.Equal(2, warning.Line);
    }

    [Fact]
    public void Check_warns_where_a_capture_will_be_redacted()
    {
        SpecParseResult result = SpecParser.Parse("""
            functions:
              - function: A.B.C
                capture: [request, request.ApiToken, password]
            """, "s.yaml");
        Assert.NotNull(result.Spec);
        Assert.Equal(["request.ApiToken", "password"], result.Diagnostics.Select(d => d.Message.Split('\'')[1]));
        Assert.All(result.Diagnostics, d => Assert.Contains("will be redacted at capture", d.Message));
        Assert.All(result.Diagnostics, d => Assert.Contains("allow: { names: [", d.Fix));
    }

    [Theory]
    [InlineData("Bearer eyJhbGciOi", true)]
    [InlineData("  basic dXNlcjpwYXNz", true)]
    [InlineData("Server=db;User Id=app;Password=x", true)]
    [InlineData("Host=db;Pwd=x", true)]
    [InlineData("application/json", false)]
    [InlineData("Bearers of news", false)]
    public void Texts_that_are_credentials_on_their_face(string text, bool sensitive) =>
        Assert.Equal(sensitive, RedactionRules.IsSensitiveText(text));

    [Theory]
    [InlineData("dotnet app.dll --password hunter2 --port 80", "dotnet app.dll --password [redacted] --port 80")]
    [InlineData("dotnet app.dll --api-key=abc123 --verbose", "dotnet app.dll --api-key=[redacted] --verbose")]
    [InlineData("app --db Server=db;User=app;Password=hunter2;Pooling=true", "app --db Server=db;User=app;Password=[redacted];Pooling=true")]
    [InlineData("app --client-secret s3cr3t", "app --client-secret [redacted]")]
    [InlineData("dotnet SlowRpc.Server.dll --hold-ms 60000", "dotnet SlowRpc.Server.dll --hold-ms 60000")]
    public void Command_lines_keep_their_shape_and_lose_their_secrets(string commandLine, string redacted) =>
        Assert.Equal(redacted, RedactionRules.Default.RedactCommandLine(commandLine));

    private static Spec Load(string yaml)
    {
        SpecParseResult result = SpecParser.Parse(yaml, "s.yaml");
        Assert.True(result.Spec is not null, string.Join("\n", result.Diagnostics.Select(d => d.Message)));
        return result.Spec!;
    }
}
