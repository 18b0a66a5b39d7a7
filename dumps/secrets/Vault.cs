namespace Secrets;

/// <summary>
/// Where the secrets are held while a snapshot is taken: a thread parked in <see cref="HoldSync"/> (an argument named
/// <c>password</c>, a list of accounts), and an async call suspended in <see cref="HoldAsync"/> (a hoisted local
/// named <c>token</c>).
/// </summary>
public static class Vault
{
    private static readonly ManualResetEventSlim Never = new();

    public static void HoldSync(Account account, string password, List<Account> others)
    {
        Never.Wait(); // PARKED
        GC.KeepAlive(account);
        GC.KeepAlive(password);
        GC.KeepAlive(others);
    }

    public static async Task HoldAsync(Account account)
    {
        string token = $"{Account.Marker}hoisted-token";
        await Task.Delay(Timeout.Infinite);
        GC.KeepAlive(account);
        GC.KeepAlive(token);
    }
}
