using System.Text;

namespace Sideye.SpecCompiler;

/// <summary>
/// Which captured values are replaced by a marker before anything is written: values whose field, property,
/// variable or dictionary key name is sensitive, values of sensitive types, and strings that carry a credential
/// on their face. Names match case- and separator-insensitively (<c>api_key</c>, <c>ApiKey</c>, <c>x-api-key</c>,
/// <c>&lt;Password&gt;k__BackingField</c> are all <c>apikey</c> or <c>password</c>). A spec adds names and types
/// (<c>redact:</c>) and may allow a name the built-in list would redact (<c>allow:</c>). Value equality: the plan
/// that carries it stays equal when the rules do.
/// </summary>
public sealed record RedactionRules(EquatableArray<string> Names, EquatableArray<string> Types, EquatableArray<string> Allowed)
{
    /// <summary>Redacted wherever they appear in a name: <c>dbPassword</c>, <c>clientSecret</c>, <c>x-api-key</c>.</summary>
    public static readonly IReadOnlyList<string> BuiltInContains =
    [
        "password", "passwd", "passphrase", "secret", "apikey", "privatekey", "connectionstring", "authorization",
        "cookie", "credential", "bearer", "creditcard", "cardnumber", "cvv", "signingkey", "encryptionkey", "clientkey",
    ];

    /// <summary>Redacted where a name ends with them (<c>accessToken</c>, <c>refresh_token</c>), not inside one (<c>tokenCount</c>).</summary>
    public static readonly IReadOnlyList<string> BuiltInEndsWith = ["token", "sessionid", "pwd", "pin", "ssn", "salt"];

    /// <summary>Names that end like a secret and never hold one: a <c>CancellationToken</c> is named <c>cancellationToken</c> everywhere.</summary>
    public static readonly IReadOnlyList<string> NeverSensitive = ["cancellationtoken", "canceltoken", "stoppingtoken"];

    /// <summary>Types whose every value is redacted (key material and secure strings), and types derived from them.</summary>
    public static readonly IReadOnlyList<string> BuiltInTypes =
    [
        "System.Security.SecureString",
        "System.Security.Cryptography.AsymmetricAlgorithm",
        "System.Security.Cryptography.SymmetricAlgorithm",
        "System.Security.Cryptography.KeyedHashAlgorithm",
        "System.Security.Cryptography.CngKey",
        "System.Security.Cryptography.ECDiffieHellmanPublicKey",
    ];

    public static readonly RedactionRules Default = new([], [], []);

    /// <summary>The marker's reasons: a sensitive name, a sensitive type, or a credential in the text itself.</summary>
    public const string ByName = "name";
    public const string ByType = "type";
    public const string ByValue = "value";

    /// <summary>Whether a value found under this name is redacted.</summary>
    public bool IsSensitiveName(string name)
    {
        string key = Normalize(name);
        if (key.Length == 0 || Allowed.Any(a => Normalize(a) == key) || NeverSensitive.Any(n => key.EndsWith(n, StringComparison.Ordinal)))
            return false;
        if (Names.Any(n => key.Contains(Normalize(n), StringComparison.Ordinal)))
            return true;
        return BuiltInContains.Any(k => key.Contains(k, StringComparison.Ordinal)) || BuiltInEndsWith.Any(k => key.EndsWith(k, StringComparison.Ordinal));
    }

    /// <summary>Whether a value of this type (full name; its base types are asked one by one by the caller) is redacted.</summary>
    public bool IsSensitiveType(string typeName)
    {
        string name = TypeNames.Normalize(typeName);
        return BuiltInTypes.Contains(name, StringComparer.Ordinal) || Types.Any(t => string.Equals(TypeNames.Normalize(t), name, StringComparison.Ordinal));
    }

    /// <summary>A string that is a credential whatever it is called: an HTTP authorization value, a connection string with a password.</summary>
    public static bool IsSensitiveText(string text)
    {
        ReadOnlySpan<char> t = text.AsSpan().TrimStart();
        return t.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || t.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)
            || text.Contains("password=", StringComparison.OrdinalIgnoreCase) || text.Contains("pwd=", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// A command line with its secrets replaced by <c>[redacted]</c>: the value of an option or <c>key=value</c> pair
    /// with a sensitive name (<c>--password x</c>, <c>--api-key=x</c>, <c>Password=x;</c> inside a connection
    /// string), and any argument that is a credential on its face (<see cref="IsSensitiveText"/>).
    /// </summary>
    public string RedactCommandLine(string commandLine)
    {
        string[] args = commandLine.Split(' ');
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            if (arg.Length == 0)
                continue;
            if (arg.StartsWith('-') && !arg.Contains('=', StringComparison.Ordinal) && IsSensitiveName(arg) && i + 1 < args.Length && !args[i + 1].StartsWith('-'))
            {
                args[++i] = Redacted; // "--password hunter2"
                continue;
            }
            // "--password=x", "Password=x", and each "key=value" of "Server=db;Password=x"
            string[] pairs = arg.Split(';');
            for (int p = 0; p < pairs.Length; p++)
            {
                int eq = pairs[p].IndexOf('=', StringComparison.Ordinal);
                if (eq > 0 && IsSensitiveName(pairs[p][..eq]))
                    pairs[p] = pairs[p][..(eq + 1)] + Redacted;
            }
            args[i] = string.Join(';', pairs);
            if (IsSensitiveText(args[i]) && !args[i].Contains(Redacted, StringComparison.Ordinal))
                args[i] = Redacted;
        }
        return string.Join(' ', args);
    }

    /// <summary>What stands for a redacted part of a text (a command line).</summary>
    public const string Redacted = "[redacted]";

    /// <summary>
    /// A name as compared: the C# name inside compiler decorations (<c>&lt;Password&gt;k__BackingField</c>,
    /// <c>&lt;token&gt;5__2</c>), then lower-case letters and digits only.
    /// </summary>
    public static string Normalize(string name)
    {
        ReadOnlySpan<char> n = name.AsSpan();
        if (n.Length > 1 && n[0] == '<' && n.IndexOf('>') is int close and > 1)
            n = n[1..close];
        var builder = new StringBuilder(n.Length);
        foreach (char c in n)
        {
            if (char.IsAsciiLetterOrDigit(c))
                builder.Append(char.ToLowerInvariant(c));
        }
        return builder.ToString();
    }
}
