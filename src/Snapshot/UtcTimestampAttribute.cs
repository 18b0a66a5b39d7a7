using Parquet.Serialization.Attributes;

namespace Sideye.Snapshot;

/// <summary>
/// How every timestamp column is written: Parquet's INT64 TIMESTAMP(MICROS) logical type, not Parquet.Net's default INT96
/// (deprecated by the format for a decade; some readers misread it). The values are UTC; the type says "not adjusted to
/// UTC" so that every engine reads them as a plain TIMESTAMP, as they are (DuckDB, Spark's TIMESTAMP_NTZ, Trino's
/// timestamp), not shifted into a session's time zone. docs/snapshot-format.md says they are UTC.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class UtcTimestampAttribute() : ParquetTimestampAttribute(ParquetTimestampResolution.Microseconds, useLogicalTimestamp: true, isAdjustedToUTC: false);
