using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Sideye.QueryServer.Api;

/// <summary>Documents each <see cref="AlternateRepresentation"/> of an endpoint as another content type of its 200 response.</summary>
internal sealed class AlternateRepresentationFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var alternates = context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<AlternateRepresentation>().ToList();
        if (alternates.Count == 0 || operation.Responses?.TryGetValue("200", out IOpenApiResponse? response) != true || response?.Content is null)
            return;
        foreach (AlternateRepresentation alternate in alternates)
        {
            response.Content[alternate.MediaType] = new OpenApiMediaType
            {
                Schema = context.SchemaGenerator.GenerateSchema(alternate.BodyType, context.SchemaRepository),
            };
        }
    }
}
