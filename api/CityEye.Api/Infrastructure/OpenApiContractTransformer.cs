using System.Text.Json.Nodes;
using CityEye.Core.Auth;
using CityEye.Core.Validation;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace CityEye.Api.Infrastructure;

/// <summary>
/// Publishes the parts of the contract that are not request or response records, so the SPA's generated types
/// carry them too: every error code (<c>ErrorCode</c>), every permission (<c>Permission</c>), the problem body with
/// <c>code</c>, <c>args</c> and <c>violations</c> (<c>CityEyeProblem</c>, <c>Violation</c>), and the CSRF header.
/// </summary>
internal sealed class OpenApiContractTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        // No server URL: clients use the node they fetched the document from, and the document is the same for every
        // node and port (the SPA's committed copy is compared with it).
        document.Servers?.Clear();
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal);
        document.Components.Schemas["ErrorCode"] = Enum("Every error code the API sends (ProblemDetails code, violation code).", ErrorCodes.All);
        document.Components.Schemas["Permission"] = Enum("Every function permission.", Permissions.All.Keys.Order(StringComparer.Ordinal));
        document.Components.Schemas["Violation"] = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "One broken rule of one field.",
            Required = new HashSet<string> { "field", "code", "message" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["field"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "JSON name of the field." },
                ["code"] = new OpenApiSchemaReference("ErrorCode", document),
                ["args"] = new OpenApiSchema { Type = JsonSchemaType.Object | JsonSchemaType.Null, AdditionalProperties = new OpenApiSchema() },
                ["message"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "English text for API clients; the SPA translates the code." },
            },
        };
        document.Components.Schemas["CityEyeProblem"] = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "RFC 9457 ProblemDetails as CityEye sends it.",
            Required = new HashSet<string> { "status", "title", "code" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["type"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
                ["title"] = new OpenApiSchema { Type = JsonSchemaType.String },
                ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer },
                ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
                ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
                ["code"] = new OpenApiSchemaReference("ErrorCode", document),
                ["args"] = new OpenApiSchema { Type = JsonSchemaType.Object | JsonSchemaType.Null, AdditionalProperties = new OpenApiSchema() },
                ["violations"] = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchemaReference("Violation", document) },
                ["errors"] = new OpenApiSchema { Type = JsonSchemaType.Object, AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } } },
            },
        };
        // Permission lists are typed as permissions, so the SPA checks its permission names at compile time.
        foreach (var (schema, property) in new[] { ("MeResponse", "permissions"), ("ApiTokenResponse", "scopes"), ("CreateApiTokenRequest", "scopes") })
        {
            if (document.Components.Schemas.TryGetValue(schema, out var owner) && owner.Properties?.TryGetValue(property, out var list) == true && list is OpenApiSchema array)
            {
                array.Items = new OpenApiSchemaReference("Permission", document);
            }
        }

        document.Info.Description += " State-changing requests made with the session cookie must send the header `X-CityEye-Request: 1` (and, from a browser, an Origin of the node itself); bearer-token calls are exempt. Errors carry a `code` from the ErrorCode schema and, for bad input, `violations`.";
        return Task.CompletedTask;
    }

    private static OpenApiSchema Enum(string description, IEnumerable<string> values) => new()
    {
        Type = JsonSchemaType.String,
        Description = description,
        Enum = [.. values.Select(v => (JsonNode)JsonValue.Create(v)!)],
    };
}
