namespace Sideye.QueryServer.Engine;

/// <summary>Where one table of a snapshot lives: a single Parquet file or a folder of them (Hive layout).</summary>
/// <param name="Table">The table name, e.g. <c>stacks</c>.</param>
/// <param name="Path">The absolute path of the file or folder.</param>
/// <param name="IsDirectory">True for a folder, read recursively with Hive partitioning.</param>
internal sealed record TableSource(string Table, string Path, bool IsDirectory)
{
    /// <summary>
    /// The <c>read_parquet</c> call for the view. <c>union_by_name</c> because a plain multi-file read takes the
    /// first file's schema and silently drops columns added later (schema drift across captures).
    /// </summary>
    public string ReadParquetSql() => IsDirectory
        ? $"read_parquet({SqlText.Literal(System.IO.Path.Combine(Path, "**", "*.parquet"))}, union_by_name = true, hive_partitioning = true)"
        : $"read_parquet({SqlText.Literal(Path)}, union_by_name = true)";
}
