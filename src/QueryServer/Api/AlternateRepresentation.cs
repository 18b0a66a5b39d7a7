namespace Sideye.QueryServer.Api;

/// <summary>
/// Endpoint metadata: a 200 response can also come as <paramref name="MediaType"/> with this body type
/// (content negotiation). ApiExplorer keeps one response type per status code, so
/// <see cref="AlternateRepresentationFilter"/> adds these to the OpenAPI document.
/// </summary>
public sealed record AlternateRepresentation(string MediaType, Type BodyType);
