using Secrets;

// Holds its secrets in a parked thread and a suspended async call, then prints READY <pid> (see dumps/README.md).
var parked = new Thread(() => Vault.HoldSync(new Account("alice", 1), $"{Account.Marker}argument", [new Account("bob", 2), new Account("carol", 3)]))
{
    IsBackground = true,
    Name = "vault",
};
parked.Start();
Task held = Vault.HoldAsync(new Account("dave", 4));
while ((parked.ThreadState & ThreadState.WaitSleepJoin) == 0)
    Thread.Sleep(10);
Console.WriteLine($"READY {Environment.ProcessId}");
GC.KeepAlive(held);
Thread.Sleep(Timeout.Infinite);
