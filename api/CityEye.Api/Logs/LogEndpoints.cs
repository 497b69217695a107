using System.ComponentModel.DataAnnotations;
using CityEye.Analytics;
using CityEye.Analytics.Logging;
using CityEye.Api.Auth;
using CityEye.Api.Devices.Transfer;
using CityEye.Api.Spreadsheets;
using CityEye.Core.Auth;
using CityEye.Core.Validation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CityEye.Api.Logs;

/// <summary>A log search: every filter optional; <c>from</c>/<c>to</c> ISO-8601 times (<c>to</c> exclusive).</summary>
public sealed record LogSearchRequest(
    [property: AllowedValues(null, "", "operation", "serviceCall", "security")] string? Kind = null,
    [property: MaxLength(128)] string? User = null,
    long? OrganisationId = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    [property: MaxLength(64)] string? Module = null,
    [property: MaxLength(64)] string? Operation = null,
    [property: MaxLength(64)] string? DataType = null,
    [property: MaxLength(64)] string? Ip = null,
    [property: MaxLength(64)] string? Device = null,
    [property: MaxLength(128)] string? System = null,
    [property: Range(100, 599)] int? Status = null,
    [property: MaxLength(200)] string? Text = null,
    [property: Range(1, 10_000)] int Page = 1,
    [property: Range(1, 200)] int PageSize = 20) : IValidatableObject
{
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (From is { } from && To is { } to && to <= from)
        {
            yield return new CodedValidationResult(nameof(To), ErrorCodes.Range, new Dictionary<string, object?> { ["min"] = from, ["max"] = null });
        }
    }

    internal LogQuery ToQuery(int offset, int limit) => new()
    {
        Kind = Kind,
        Username = User,
        OrganisationId = OrganisationId,
        From = From,
        To = To,
        Module = Module,
        Operation = Operation,
        DataType = DataType,
        ClientIp = Ip,
        DeviceCode = Device,
        SystemName = System,
        Status = Status,
        Text = Text,
        Offset = offset,
        Limit = limit,
    };
}

/// <summary>A page of log entries, newest first.</summary>
public sealed record LogEntryPage(long Total, IReadOnlyList<LogEntry> Items);

/// <summary>Whether the stored log chain is intact, and where it first breaks.</summary>
/// <param name="Intact">True when every stored entry follows from the one before it.</param>
/// <param name="Checked">Entries checked.</param>
/// <param name="FirstSequence">The oldest stored entry (older days may have gone by retention; it anchors the check).</param>
/// <param name="LastSequence">The newest stored entry checked.</param>
/// <param name="Break">The first break, if any.</param>
/// <param name="JournalSequence">The newest entry written to the journal (it may not be stored yet).</param>
public sealed record LogChainState(bool Intact, long Checked, long FirstSequence, long LastSequence, LogChainBreak? Break, long JournalSequence);

/// <summary>The operation, service-call and security log (UM-8, UM-9): search, export, chain verification.</summary>
internal static class LogEndpoints
{
    /// <summary>Most entries one export holds.</summary>
    public const int MaxExport = 50_000;

    public static RouteGroupBuilder MapLogEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/logs").WithTags("Logs");

        group.MapGet("/operations", SearchAsync)
            .RequirePermission(Permissions.AuditView)
            .WithName("Logs_Operations")
            .WithSummary("Searches the operation, service-call and security log by any field (user, unit, time range, module, operation, data type, address, device, system, status, text), newest first.")
            .ProducesValidationProblem();

        group.MapGet("/operations.xlsx", ExportAsync)
            .RequirePermission(Permissions.AuditView)
            .WithName("Logs_Export")
            .WithSummary("The entries a search finds (up to 50,000, newest first) as xlsx.")
            .ProducesValidationProblem();

        group.MapGet("/verify", VerifyAsync)
            .RequirePermission(Permissions.AuditView)
            .WithName("Logs_Verify")
            .WithSummary("Recomputes the SM3 chain over every stored entry: whether it is intact and where it first breaks.");

        return group;
    }

    private static async Task<Ok<LogEntryPage>> SearchAsync([AsParameters] LogSearchRequest request, IAnalyticsStore store, CancellationToken cancellationToken)
    {
        var page = await store.SearchAsync(request.ToQuery((request.Page - 1) * request.PageSize, request.PageSize), cancellationToken);
        return TypedResults.Ok(new LogEntryPage(page.Total, page.Items));
    }

    private static async Task<FileContentHttpResult> ExportAsync([AsParameters] LogSearchRequest request, IAnalyticsStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var page = await store.SearchAsync(request.ToQuery(0, MaxExport), cancellationToken);
        string[] header = ["序号", "时间", "类型", "用户", "用户姓名", "单位/所属部门", "IP 地址", "模块", "操作类型", "数据类型", "相关设备", "设备名称", "调用系统", "委办单位", "服务类别", "服务子类", "服务名称", "方法", "调用地址", "返回状态", "耗时(ms)", "说明", "SM3"];
        var rows = page.Items.Select(e => (IReadOnlyList<object?>)
        [
            e.Sequence, e.At.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture), e.Kind, e.Username,
            e.UserDisplayName, e.OrganisationName, e.ClientIp, e.Module, e.Operation, e.DataType, e.DeviceCode, e.DeviceName, e.SystemName, e.CommissioningUnit,
            e.ServiceCategory, e.ServiceSubcategory, e.ServiceName, e.Method, e.Path, e.Status, e.DurationMs, e.Detail, e.Hash,
        ]);
        using var buffer = new MemoryStream();
        XlsxWriter.Write(buffer, [new XlsxSheet("操作日志", header, rows)]);
        return TypedResults.File(buffer.ToArray(), TransferEndpoints.XlsxType, $"logs-{time.GetUtcNow().ToOffset(TimeSpan.FromHours(8)):yyyyMMdd-HHmm}.xlsx");
    }

    private static async Task<Ok<LogChainState>> VerifyAsync(LogChainVerifier verifier, CancellationToken cancellationToken) =>
        TypedResults.Ok(await verifier.VerifyAsync(cancellationToken));
}
