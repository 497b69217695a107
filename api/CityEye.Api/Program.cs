using CityEye.Api.Analytics;
using CityEye.Api.Audit;
using CityEye.Api.Auth;
using CityEye.Api.Captures;
using CityEye.Api.Crypto;
using CityEye.Api.Dashboard;
using CityEye.Api.Demo;
using CityEye.Api.Devices;
using CityEye.Api.Devices.Audit;
using CityEye.Api.Devices.Networking;
using CityEye.Api.Devices.Sync;
using CityEye.Api.Devices.Transfer;
using CityEye.Api.Health;
using CityEye.Api.Infrastructure;
using CityEye.Api.Infrastructure.Startup;
using CityEye.Api.Infrastructure.Validation;
using CityEye.Api.Jobs;
using CityEye.Api.Logs;
using CityEye.Api.Map;
using CityEye.Api.Notifications;
using CityEye.Api.Organisations;
using CityEye.Api.Plans;
using CityEye.Api.Search;
using CityEye.Api.Tags;
using CityEye.Api.Users;
using CityEye.Api.Video;
using CityEye.Api.Vision;
using CityEye.Api.Walls;
using CityEye.Api.Watermark;
using CityEye.Core.Storage;
using Microsoft.Extensions.Options;
using Scalar.AspNetCore;

// The release-signing tool runs instead of the node: dotnet CityEye.Api.dll release key|sign|verify …
if (args is ["release", .. var releaseArgs])
{
    return await ReleaseCommand.RunAsync(releaseArgs, Console.Out, Console.Error);
}

var builder = WebApplication.CreateBuilder(args);

// Features register themselves; start-up steps run in this order (configuration, store, roles, archive catalog,
// search index, demo, first-admin).
builder.AddHttpFeature();
builder.Services
    .AddStoreFeature()
    .AddCryptoFeature()
    .AddAuthFeature()
    .AddOrganisationsFeature()
    .AddDevicesFeature()
    .AddNotificationsFeature()
    .AddAnalyticsFeature()
    .AddLogsFeature()
    .AddBehaviourFeature()
    .AddVisionFeature()
    .AddCapturesFeature()
    .AddVideoFeature()
    .AddWatermarkFeature()
    .AddWallFeature()
    .AddTagsFeature()
    .AddPlansFeature()
    .AddSearchFeature()
    .AddMapFeature()
    .AddJobsFeature()
    .AddDemoFeature()
    .AddFirstAdministratorStep();

var app = builder.Build();

try
{
    await StartupSteps.RunAsync(app.Services, app.Lifetime.ApplicationStopping);
}
catch (Exception ex) when (ex is CannotStartException or StoreUnavailableException or OptionsValidationException)
{
    // One clear line for the operator instead of a stack trace.
    await Console.Error.WriteLineAsync($"CityEye cannot start: {ex.Message.ReplaceLineEndings(" ")}");
    return 1;
}

app.UseHttpFeature();
var spa = SpaHosting.Resolve(app);
app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = spa });
app.UseStaticFiles(SpaHosting.StaticFileOptions(spa));
app.UseOperationLog();
app.UseCsrfProtection();
app.UseRateLimiter();
app.UseAuthentication();
app.UseAuthorization();
app.UsePasswordChangeGate();
app.UseServiceGate();

// Every endpoint's request records are validated by the one validation filter.
var api = app.MapGroup(string.Empty).AddEndpointFilterFactory(RequestValidation.Factory);
api.MapHealthEndpoints();
api.MapAuthEndpoints();
api.MapUserAdminEndpoints();
api.MapUserEndpoints();
api.MapRoleEndpoints();
api.MapDashboardEndpoints();
api.MapJobEndpoints();
api.MapOrganisationEndpoints();
api.MapDeviceEndpoints();
api.MapTransferEndpoints();
api.MapCatalogEndpoints();
api.MapLedgerSyncEndpoints();
api.MapNetworkingPointEndpoints();
api.MapAuditEndpoints();
api.MapNotificationEndpoints();
api.MapLogEndpoints();
api.MapBehaviourEndpoints();
api.MapSearchEndpoints();
api.MapMapEndpoints();
api.MapCaptureEndpoints();
api.MapWorkbenchEndpoints();
api.MapVideoEndpoints();
api.MapTagEndpoints();
api.MapPlanEndpoints();
api.MapWatermarkEndpoints();
api.MapWallEndpoints();
api.MapCryptoEndpoints();

app.MapOpenApi().ApiDocsAccess(app);
// The reference page works offline: no web fonts, telemetry or hosted AI agent (the node has no Internet access).
app.MapScalarApiReference("/api-docs", options => options
        .WithTitle("CityEye API")
        .DisableDefaultFonts()
        .DisableTelemetry()
        .DisableAgent()
        .HideDeveloperTools()
        .WithDotNetFlag(false))
    .ApiDocsAccess(app);

// Unknown API routes are 404 (or 405) ProblemDetails; every other unknown path is a client-side route of the SPA.
app.MapApiFallback();
app.MapFallbackToFile("index.html", SpaHosting.StaticFileOptions(spa)).AllowAnonymous();

await app.RunAsync();
return 0;

/// <summary>Entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
