using System.Globalization;
using System.Text.Json;
using CityEye.Api.Infrastructure;
using CityEye.Api.Spreadsheets;
using CityEye.Core.Auth;
using CityEye.Core.Devices;
using CityEye.Core.Devices.Rules;
using CityEye.Core.Jobs;
using CityEye.Core.Validation;
using Microsoft.Extensions.Options;

namespace CityEye.Api.Devices.Transfer;

/// <summary>One row's problems in an import report (row number as in the file).</summary>
public sealed record ImportRowProblem(int Row, string? GbCode, IReadOnlyList<Violation> Violations);

/// <summary>What an import did: counts, whether it wrote, and every problem by row and field (AR-1, TG-3).</summary>
public sealed record ImportReport(
    string FileName,
    string Mode,
    int Rows,
    int Created,
    int Updated,
    int Unchanged,
    int Rejected,
    bool Written,
    IReadOnlyList<Violation> FileProblems,
    IReadOnlyList<ImportRowProblem> Problems);

/// <summary>Parameters of an import job.</summary>
internal sealed record DeviceImportParameters(string File, string FileName, ImportMode Mode, long UserId, string Username);

/// <summary>
/// Imports a device spreadsheet: reads it row by row, maps labels back to codes, merges each row into the device
/// with its GB code (columns the file does not have stay as they are), checks every rule, and writes all rows or only
/// the valid ones in one transaction. The report (on screen and as xlsx) lists every problem by row and field.
/// </summary>
internal sealed class DeviceImportJob(
    DeviceService service, DeviceStore devices, LedgerCatalog catalog, ReferenceNames names, UserStore users, IOptions<CityEyeOptions> options) : IJobHandler
{
    public const string JobKind = "device-import";

    /// <summary>Most data rows one file may have.</summary>
    public const int MaxRows = 50_000;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.CamelCase) } };

    public string Kind => JobKind;

    /// <summary>Not resumable: an interrupted import wrote nothing (one transaction) and is failed with a clear message.</summary>
    public bool Resumable => false;

    public static string Serialize(DeviceImportParameters parameters) => JsonSerializer.Serialize(parameters, Json);

    public static string Folder(CityEyeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Path.Combine(options.ResolveDataDir(), "imports");
    }

    public static string ReportPath(CityEyeOptions options, string jobId) => Path.Combine(Folder(options), $"{jobId}.report.json");

    public static async Task<ImportReport?> ReadReportAsync(CityEyeOptions options, string jobId, CancellationToken cancellationToken)
    {
        var path = ReportPath(options, jobId);
        if (!File.Exists(path))
        {
            return null;
        }

        await using var stream = File.OpenRead(path);
        return await JsonSerializer.DeserializeAsync<ImportReport>(stream, Json, cancellationToken);
    }

    public async Task<string?> RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var parameters = JsonSerializer.Deserialize<DeviceImportParameters>(context.Job.Parameters!, Json)!;
        try
        {
            var report = await ImportAsync(context, parameters, cancellationToken);
            await using (var stream = File.Create(ReportPath(options.Value, context.Job.Id)))
            {
                await JsonSerializer.SerializeAsync(stream, report, Json, cancellationToken);
            }

            return report.FileProblems.Count > 0
                ? $"{parameters.FileName}: not imported ({string.Join("; ", report.FileProblems.Select(p => p.Message))})"
                : report.Written
                    ? string.Create(CultureInfo.InvariantCulture, $"{parameters.FileName}: {report.Rows} rows, {report.Created} created, {report.Updated} updated, {report.Unchanged} unchanged, {report.Rejected} rejected")
                    : string.Create(CultureInfo.InvariantCulture, $"{parameters.FileName}: nothing written, {report.Rejected} of {report.Rows} rows have problems");
        }
        finally
        {
            File.Delete(parameters.File);
        }
    }

    private async Task<ImportReport> ImportAsync(JobContext context, DeviceImportParameters parameters, CancellationToken cancellationToken)
    {
        ImportReport Refused(params Violation[] problems) =>
            new(parameters.FileName, Mode(parameters.Mode), 0, 0, 0, 0, 0, false, problems, []);

        await context.ReportAsync(0.02, "正在读取文件 (reading the file)", cancellationToken);
        var sheets = await SheetsAsync(catalog, names, cancellationToken);
        var scope = await users.GetDeviceScopeAsync(parameters.UserId, cancellationToken);
        List<(int Row, string?[] Cells)> rows;
        try
        {
            rows = [.. XlsxReader.Read(parameters.File, MaxRows + 1)];
        }
        catch (Exception e) when (e is XlsxFormatException or System.Xml.XmlException or InvalidDataException or DocumentFormat.OpenXml.Packaging.OpenXmlPackageException or InvalidOperationException)
        {
            return Refused(new Violation("file", ErrorCodes.ImportNotXlsx));
        }
        catch (XlsxTooManyRowsException)
        {
            return Refused(new Violation("file", ErrorCodes.ImportTooManyRows, new Dictionary<string, object?> { ["max"] = MaxRows }));
        }

        if (rows.Count == 0)
        {
            return Refused(new Violation("file", ErrorCodes.ImportEmpty));
        }

        var (map, unknown, hasGbCode) = sheets.MapHeader(rows[0].Cells);
        if (unknown.Count > 0 || !hasGbCode)
        {
            var problems = new List<Violation>();
            if (unknown.Count > 0)
            {
                problems.Add(new Violation("file", ErrorCodes.ImportUnknownColumns, new Dictionary<string, object?> { ["value"] = string.Join(", ", unknown.Take(10)) }));
            }

            if (!hasGbCode)
            {
                problems.Add(new Violation("file", ErrorCodes.ImportNoGbCodeColumn));
            }

            return Refused([.. problems]);
        }

        var data = rows.Skip(1).ToList();
        await context.ReportAsync(0.2, string.Create(CultureInfo.InvariantCulture, $"已读取 {data.Count:N0} 行，正在校验 (read, checking)"), cancellationToken);
        var records = data.Select(r => map.ToDictionary(c => c.Value.Key, c => sheets.Value(c.Value, c.Key < r.Cells.Length ? r.Cells[c.Key] : null), StringComparer.Ordinal)).ToList();

        // A row for an existing device changes only the columns the file has.
        var existing = await devices.GetByGbCodesAsync(records.Select(r => r.GetValueOrDefault("gbCode")?.Trim()).OfType<string>(), cancellationToken);
        var merged = records.Select(r =>
        {
            if (r.GetValueOrDefault("gbCode")?.Trim() is { } gb && existing.TryGetValue(gb, out var device))
            {
                var full = DeviceFields.ToMap(device);
                foreach (var (key, value) in r)
                {
                    full[key] = value;
                }

                return (IReadOnlyDictionary<string, string?>)full;
            }

            return r;
        }).ToList();

        var result = await service.UpsertAsync(merged, parameters.Mode, new DeviceWriter(parameters.Username, "import"), scope, allowUpdate: true, cancellationToken);
        await context.ReportAsync(0.95, "正在生成报告 (writing the report)", cancellationToken);
        var problemsByRow = result.Problems
            .Select(p => new ImportRowProblem(p.Row > 0 && p.Row <= data.Count ? data[p.Row - 1].Row : 0, p.GbCode, p.Violations))
            .ToList();
        return new ImportReport(
            parameters.FileName,
            Mode(parameters.Mode),
            data.Count,
            result.Created,
            result.Updated,
            result.Unchanged,
            problemsByRow.Select(p => p.Row).Distinct().Count(),
            result.Written,
            [],
            problemsByRow);
    }

    public static async Task<DeviceSheets> SheetsAsync(LedgerCatalog catalog, ReferenceNames names, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(names);
        var snapshot = await names.GetAsync(cancellationToken);
        return new DeviceSheets(
            await catalog.ListFieldsAsync(cancellationToken),
            await catalog.ListDictionaryItemsAsync(null, cancellationToken),
            snapshot.Organisations,
            snapshot.BusinessGroups);
    }

    private static string Mode(ImportMode mode) => mode == ImportMode.AllOrNothing ? "allOrNothing" : "validRowsOnly";
}
