using System.Text.Json;
using System.Text.Json.Serialization;
using CityEye.Api.Auth;
using CityEye.Api.Dashboard;
using CityEye.Api.Health;
using CityEye.Api.Infrastructure;
using CityEye.Api.Jobs;
using CityEye.Api.Organisations;
using CityEye.Core.Storage;
using Microsoft.Extensions.Options;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddCityEyeCore(builder.Configuration);
builder.Services.AddCityEyeAuthentication();
builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = ProblemDetailsDefaults.Customize);
builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
builder.Services.AddValidation();
// Malformed JSON and unbindable parameters throw, so the exception handler can answer with a ProblemDetails
// that names the problem instead of an empty 400.
builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
builder.Services.ConfigureHttpJsonOptions(options =>
{
    options.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
    options.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
});
builder.Services.AddOpenApi(options => options.AddDocumentTransformer<OpenApiSecurityTransformer>());

var app = builder.Build();

try
{
    await StartupBootstrap.RunAsync(app.Services, app.Lifetime.ApplicationStopping);
}
catch (Exception ex) when (ex is StoreUnavailableException or OptionsValidationException or InvalidOperationException)
{
    // One clear line for the operator instead of a stack trace: an unreachable store, or configuration that does
    // not bind or validate (e.g. "Failed to convert configuration value at 'Storage:Provider'...").
    await Console.Error.WriteLineAsync($"CityEye cannot start: {ex.Message.ReplaceLineEndings(" ")}");
    return 1;
}

app.UseSecurityHeaders();
app.UseExceptionHandler();
app.UseStatusCodePages();
var spa = SpaHosting.Resolve(app);
app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = spa });
app.UseStaticFiles(SpaHosting.StaticFileOptions(spa));
app.UseAuthentication();
app.UseAuthorization();

app.MapHealthEndpoints();
app.MapAuthEndpoints();
app.MapDashboardEndpoints();
app.MapJobEndpoints();
app.MapOrganisationEndpoints();

app.MapOpenApi().AllowAnonymous();
// The reference page works offline: no web fonts, telemetry or hosted AI agent (the node has no Internet access).
app.MapScalarApiReference("/api-docs", options => options
        .WithTitle("CityEye API")
        .DisableDefaultFonts()
        .DisableTelemetry()
        .DisableAgent()
        .HideDeveloperTools()
        .WithDotNetFlag(false))
    .AllowAnonymous();

// Unknown API routes are 404 (or 405) ProblemDetails; every other unknown path is a client-side route of the SPA.
app.MapApiFallback();
app.MapFallbackToFile("index.html", SpaHosting.StaticFileOptions(spa)).AllowAnonymous();

await app.RunAsync();
return 0;

/// <summary>Entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
