using System.Text.Json;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace CityEye.Api.Infrastructure;

/// <summary>
/// Query parameters are documented in camelCase (<c>q</c>, <c>pageSize</c>), as clients send them and as every
/// JSON member is named; <c>[AsParameters]</c> records would otherwise publish their C# names (<c>Q</c>,
/// <c>PageSize</c>). Binding is case-insensitive, so both spellings work.
/// </summary>
internal sealed class OpenApiParameterNames : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
        {
            if (parameter.In == ParameterLocation.Query && parameter.Name is { Length: > 0 } name)
            {
                parameter.Name = JsonNamingPolicy.CamelCase.ConvertName(name);
            }
        }

        return Task.CompletedTask;
    }
}
