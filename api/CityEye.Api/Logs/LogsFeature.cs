using System.ComponentModel.DataAnnotations;
using System.Diagnostics;
using CityEye.Analytics;
using CityEye.Analytics.Logging;
using CityEye.Api.Auth;
using CityEye.Api.Infrastructure;
using CityEye.Core.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace CityEye.Api.Logs;

/// <summary>The <c>Logs</c> configuration section.</summary>
public sealed class LogsOptions
{
    public const string SectionName = "Logs";

    /// <summary>Days of log kept in the analytics store (at least 180, MLPS level 3).</summary>
    [Range(180, 3650)]
    public int RetentionDays { get; set; } = 180;

    /// <summary>Journal folder; empty: <c>{CityEye:DataDir}/journal</c>.</summary>
    public string? JournalPath { get; set; }

    /// <summary>Stops moving the journal into the analytics store (store maintenance); entries wait in the journal.</summary>
    public bool DrainPaused { get; set; }
}

/// <summary>
/// The operation, service-call and security log (UM-8, UM-9): one middleware writes an entry for every API call to the
/// local journal; a background drain moves the journal into the analytics store in batches.
/// </summary>
internal static class LogsFeature
{
    public static IServiceCollection AddLogsFeature(this IServiceCollection services)
    {
        services.AddOptions<LogsOptions>().BindConfiguration(LogsOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<LogsOptions>>().Value;
            var folder = string.IsNullOrWhiteSpace(options.JournalPath)
                ? Path.Combine(sp.GetRequiredService<IOptions<CityEyeOptions>>().Value.ResolveDataDir(), "journal")
                : options.JournalPath;
            return new LogJournal(folder);
        });
        services.AddSingleton<ISecurityEventSink, JournalSecurityEventSink>();
        services.AddSingleton<TokenNames>();
        services.AddSingleton<DeviceNames>();
        services.AddSingleton<LogDrain>();
        services.AddSingleton<LogChainVerifier>();
        services.AddHostedService(sp => sp.GetRequiredService<LogDrain>());
        return services;
    }

    /// <summary>Writes one entry per API call (also refused ones); the SPA's background polls are not user operations.</summary>
    public static IApplicationBuilder UseOperationLog(this IApplicationBuilder app) => app.UseMiddleware<OperationLogMiddleware>();
}

/// <summary>Security events join the log's chain as entries of kind <c>security</c>.</summary>
internal sealed partial class JournalSecurityEventSink(LogJournal journal, ILogger<JournalSecurityEventSink> logger) : ISecurityEventSink
{
    public void Record(DateTimeOffset at, string eventName, string? username, long? userId, string? ipAddress, string? detail)
    {
        try
        {
            Append(at, eventName, username, userId, ipAddress, detail);
        }
#pragma warning disable CA1031 // The event is in the security_events table already; a full journal disk must not fail sign-in.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogFailed(logger, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "A security event could not be written to the operation log journal")]
    private static partial void LogFailed(ILogger logger, Exception exception);

    private void Append(DateTimeOffset at, string eventName, string? username, long? userId, string? ipAddress, string? detail) =>
        journal.Append(new LogEntry
        {
            Sequence = 0,
            At = at,
            Kind = LogKinds.Security,
            UserId = userId ?? 0,
            Username = username ?? string.Empty,
            ClientIp = ipAddress ?? string.Empty,
            Module = "auth",
            Operation = eventName,
            DataType = "security",
            Detail = detail ?? string.Empty,
        });
}

/// <summary>
/// Logs every <c>/api</c> request after it ends: who (user, unit, address, or the calling system for bearer tokens),
/// what (module, operation and data type from the endpoint, related device, call address), how it ended (status,
/// duration). The entry is in the journal before the request's task completes; the analytics store is never waited for.
/// </summary>
/// <summary>
/// API token names by owner and id (a token's name never changes), for the calling system of service-call entries.
/// Keyed by the owner too: SQLite hands the id of a deleted newest row (a user deleted with its tokens) to the next
/// token, which then belongs to another user.
/// </summary>
internal sealed class TokenNames(ApiTokenStore tokens)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(long UserId, long TokenId), (string Name, string CommissioningUnit)> _names = new();

    /// <summary>The calling system's name and commissioning unit for a token (a token's name and unit never change).</summary>
    public async Task<(string Name, string CommissioningUnit)> NameAsync(long userId, long tokenId, CancellationToken cancellationToken)
    {
        if (_names.TryGetValue((userId, tokenId), out var name))
        {
            return name;
        }

        var found = (await tokens.ListAsync(userId, null, cancellationToken)).FirstOrDefault(t => t.Id == tokenId);
        return found is null ? ($"token {tokenId}", string.Empty) : _names.GetOrAdd((userId, tokenId), ($"{found.Name} (token {tokenId})", found.CommissioningUnit ?? string.Empty));
    }
}

/// <summary>Device names by id for log entries (a small cache; a renamed device shows its new name after a restart).</summary>
internal sealed class DeviceNames(Core.Devices.DeviceStore devices)
{
    private const int Capacity = 100_000;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, string> _names = new();

    public async Task<string> NameAsync(long id, CancellationToken cancellationToken)
    {
        if (_names.TryGetValue(id, out var name))
        {
            return name;
        }

        var list = await devices.GetManyAsync([id], cancellationToken);
        var found = list.Count > 0 ? list[0].Name : null;
        if (found is not null && _names.Count < Capacity)
        {
            _names[id] = found;
        }

        return found ?? string.Empty;
    }
}

internal sealed partial class OperationLogMiddleware(RequestDelegate next, LogJournal journal, TokenNames tokenNames, DeviceNames deviceNames, TimeProvider time, ILogger<OperationLogMiddleware> logger)
{
    private const string DeviceItem = "cityeye.log.device";

    /// <summary>Names the device a request outside <c>/api/devices/{id}</c> works on (its body's device id), for the log entry.</summary>
    public static void NameDevice(HttpContext context, long deviceId)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Items[DeviceItem] = deviceId;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal) || IsBackgroundPoll(context.Request))
        {
            await next(context);
            return;
        }

        var at = time.GetUtcNow();
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            try
            {
                var elapsed = (int)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                var user = context.User;
                if (user.Identity?.IsAuthenticated != true && (context.Request.Headers.Cookie.Count > 0 || context.Request.Headers.Authorization.Count > 0))
                {
                    // Refused before authentication ran (a cross-site write, a rate limit): still say whose request it was.
                    var result = await context.AuthenticateAsync();
                    user = result.Succeeded ? result.Principal : user;
                }

                var entry = Entry(context, user, at, elapsed);
                try
                {
                    if (entry.Kind == LogKinds.ServiceCall && user.FindFirst(CityEyeClaims.ApiTokenId)?.Value is { } tokenId)
                    {
                        var (system, unit) = await tokenNames.NameAsync(entry.UserId, long.Parse(tokenId, System.Globalization.CultureInfo.InvariantCulture), CancellationToken.None);
                        entry = entry with { SystemName = system, CommissioningUnit = unit };
                    }

                    if (long.TryParse(entry.DeviceCode, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var deviceId))
                    {
                        entry = entry with { DeviceName = await deviceNames.NameAsync(deviceId, CancellationToken.None) };
                    }
                }
#pragma warning disable CA1031 // Names are a courtesy: a store that cannot answer must not cost the entry itself.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    LogNamesFailed(logger, e);
                }

                journal.Append(entry);
            }
#pragma warning disable CA1031 // A full disk must not turn every answer into a 500; it is reported loudly instead.
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogJournalFailed(logger, e);
            }
        }
    }

    /// <summary>
    /// The SPA's timer-driven reads of the header badges and the dashboard. The header alone proves nothing (a client
    /// sets it), so only these GETs are left out; any other request with it is logged like every other.
    /// </summary>
    internal static bool IsBackgroundPoll(HttpRequest request) =>
        HttpMethods.IsGet(request.Method)
        && request.Headers.ContainsKey(SessionAuthenticationHandler.BackgroundHeader)
        && request.Path.Value is "/api/jobs" or "/api/notifications" or "/api/dashboard/summary" or "/api/auth/me";

    internal static LogEntry Entry(HttpContext context, System.Security.Claims.ClaimsPrincipal principal, DateTimeOffset at, int durationMs)
    {
        var endpoint = context.GetEndpoint();
        var name = endpoint?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? string.Empty;
        var tag = endpoint?.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.ITagsMetadata>()?.Tags is [var first, ..] ? first : string.Empty;
        var segments = context.Request.Path.Value!.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var module = segments.Length > 1 ? segments[1] : "api";
        var user = principal.Identity?.IsAuthenticated == true ? principal.ToUserData() : null;
        var token = user?.ApiTokenId;
        var (dataType, operation) = Describe(name, context.Request.Method);
        var path = context.Request.Path.Value + context.Request.QueryString.Value;
        return new LogEntry
        {
            Sequence = 0,
            At = at,
            Kind = token is null ? LogKinds.Operation : LogKinds.ServiceCall,
            UserId = user?.UserId ?? 0,
            Username = user?.Username ?? string.Empty,
            OrganisationId = user?.OrganisationId ?? 0,
            OrganisationName = user?.OrganisationName ?? string.Empty,
            UserDisplayName = user?.DisplayName ?? string.Empty,
            ClientIp = context.Connection.RemoteIpAddress?.ToString() ?? string.Empty,
            Module = module,
            Operation = operation,
            DataType = dataType,
            DeviceCode = module == "devices" && context.Request.RouteValues.TryGetValue("id", out var id) ? Convert.ToString(id, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty
                : context.Items.TryGetValue(DeviceItem, out var named) ? Convert.ToString(named, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty : string.Empty,
            SystemName = token is null ? string.Empty : $"token {token}",
            ServiceCategory = token is null ? string.Empty : tag,
            ServiceSubcategory = token is null ? string.Empty : dataType,
            ServiceName = token is null ? string.Empty : name,
            Method = context.Request.Method,
            Path = path.Length > 1000 ? path[..1000] : path,
            Status = context.Response.StatusCode,
            DurationMs = durationMs,
        };
    }

    /// <summary>Data type and operation type from the endpoint name (<c>Devices_Export</c> → devices, export), else from the method.</summary>
    private static (string DataType, string Operation) Describe(string endpointName, string method)
    {
        var separator = endpointName.IndexOf('_', StringComparison.Ordinal);
        if (separator > 0)
        {
            var operation = endpointName[(separator + 1)..];
            return (endpointName[..separator].ToLowerInvariant(), char.ToLowerInvariant(operation[0]) + operation[1..]);
        }

        return (string.Empty, method switch
        {
            "GET" or "HEAD" => "view",
            "POST" => "create",
            "PUT" or "PATCH" => "update",
            "DELETE" => "delete",
            _ => method.ToLowerInvariant(),
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The token or device name of a log entry could not be looked up; the entry is written without it")]
    private static partial void LogNamesFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The operation log journal cannot be written")]
    private static partial void LogJournalFailed(ILogger logger, Exception exception);
}

/// <summary>
/// Moves journal entries into the analytics store in batches, and drops journal segments once stored; at start it
/// continues the chain after what the store already holds. Store outages only delay it: the journal keeps everything.
/// </summary>
internal sealed partial class LogDrain(LogJournal journal, IAnalyticsStore store, IOptions<LogsOptions> options, TimeProvider time, ILogger<LogDrain> logger) : BackgroundService
{
    public const int BatchSize = 10_000;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _stored = -1;
    private DateOnly _lastRetention;

    /// <summary>Sequence of the newest entry in the store, as the drain last saw it.</summary>
    public long StoredSequence => Interlocked.Read(ref _stored);

    /// <summary>Moves what is waiting now (also used by tests and the verify endpoint); returns how many entries moved.</summary>
    public async Task<int> DrainAsync(CancellationToken cancellationToken)
    {
        if (options.Value.DrainPaused)
        {
            return 0;
        }

        // The background loop and /api/logs/verify both drain: one at a time, so the stored position only moves on.
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return await DrainOnceAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    public override void Dispose()
    {
        _gate.Dispose();
        base.Dispose();
    }

    private async Task<int> DrainOnceAsync(CancellationToken cancellationToken)
    {
        if (_stored < 0)
        {
            var max = await store.MaxSequenceAsync(cancellationToken);
            if (max > journal.LastSequence && await store.ReadAfterAsync(max - 1, 1, cancellationToken) is [var newest, ..])
            {
                journal.ContinueAfter(newest.Sequence, newest.Hash);
            }

            Interlocked.Exchange(ref _stored, max);
        }

        var moved = 0;
        while (true)
        {
            var batch = journal.ReadAfter(_stored, BatchSize);
            if (batch.Count == 0)
            {
                break;
            }

            await store.AppendAsync(batch, cancellationToken);
            moved += batch.Count;
            Interlocked.Exchange(ref _stored, batch[^1].Sequence);
        }

        if (moved > 0)
        {
            journal.DeleteStored(_stored);
        }

        return moved;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await DrainAsync(stoppingToken);
                var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
                if (today != _lastRetention)
                {
                    var dropped = await store.DropDaysBeforeAsync(today.AddDays(-options.Value.RetentionDays), stoppingToken);
                    _lastRetention = today;
                    if (dropped > 0)
                    {
                        LogRetention(logger, dropped);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // The drain must outlive any store failure; the journal keeps the entries meanwhile.
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogDrainFailed(logger, e);
                await Task.Delay(TimeSpan.FromSeconds(5), time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        // Whatever is left is moved at the next start; the journal is flushed to disk on disposal.
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The log drain cannot reach the analytics store; the journal keeps the entries")]
    private static partial void LogDrainFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Log retention dropped {Days} days")]
    private static partial void LogRetention(ILogger logger, int days);
}
