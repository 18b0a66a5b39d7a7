using System.Text.Json.Serialization;

namespace Sideye.Freezer.Protocol;

/// <summary>The JSON of the freezer's protocol, generated at build time (no reflection in either process).</summary>
[JsonSourceGenerationOptions(WriteIndented = false)]
[JsonSerializable(typeof(FreezerRequest))]
[JsonSerializable(typeof(FreezeReply))]
[JsonSerializable(typeof(ReleaseReply))]
public sealed partial class FreezerJson : JsonSerializerContext;
