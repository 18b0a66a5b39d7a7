namespace Sideye.SpecCompiler.Tests;

/// <summary>An <see cref="ISqlBinder"/> that reports the errors it was given and remembers what it was asked to bind.</summary>
internal sealed class FakeSqlBinder(params SqlBindError[] errors) : ISqlBinder
{
    public SpecSql? Received { get; private set; }

    public IReadOnlyList<SqlBindError> Bind(SpecSql sql)
    {
        Received = sql;
        return errors;
    }
}
