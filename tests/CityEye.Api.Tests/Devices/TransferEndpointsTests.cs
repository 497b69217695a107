using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CityEye.Api.Spreadsheets;
using CityEye.Api.Tests.Infrastructure;
using CityEye.Core.Domain;
using static CityEye.Api.Tests.Infrastructure.ApiPaths;

namespace CityEye.Api.Tests.Devices;

[Collection(ApiFixtureGroup.Name)]
public sealed class TransferEndpointsTests(ApiFactory factory)
{
    [Fact]
    public async Task Template_HasEveryEditableFieldDropDownsAndAnExampleThatImports()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = await factory.SignInAsync("clerk", "Clerk#2026", ct);

        var bytes = await client.GetByteArrayAsync(Url("/api/devices/template"), ct);

        var rows = ReadXlsx(bytes);
        Assert.Equal("国标编码", rows[0].Cells[0]);
        Assert.Contains("维护单位", rows[0].Cells);
        Assert.DoesNotContain("最近上线时间", rows[0].Cells);
        Assert.Equal(2, rows.Count);
        Assert.Contains("智能枪机", rows[1].Cells);
        using var zip = new ZipArchive(new MemoryStream(bytes));
        var sheet = await new StreamReader(zip.GetEntry("xl/worksheets/sheet1.xml")!.Open()).ReadToEndAsync(ct);
        Assert.Contains("<x:dataValidation type=\"list\"", sheet, StringComparison.Ordinal);

        // The example row is a valid device: importing the template as it is creates it.
        var report = await ImportAsync(client, bytes, "allOrNothing", ct);
        Assert.True(report.GetProperty("written").GetBoolean(), report.ToString());
        Assert.Equal(1, report.GetProperty("created").GetInt32());
        await DeleteByGbCodeAsync(client, rows[1].Cells[0]!, ct);
    }

    [Fact]
    public async Task Export_ReimportsUnchanged()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = await factory.SignInAsync("clerk", "Clerk#2026", ct);
        await SearchIndex.WaitUntilCurrentAsync(factory, ct);

        var bytes = await client.GetByteArrayAsync(Url("/api/devices/export?q=" + Uri.EscapeDataString("zjj fsq")), ct);
        var rows = ReadXlsx(bytes);
        var search = await client.GetFromJsonAsync<JsonElement>(Url("/api/devices/search?q=zjj%20fsq&pageSize=100"), ct);
        Assert.Equal(search.GetProperty("total").GetInt32(), rows.Count - 1);
        Assert.All(rows.Skip(1), r => Assert.Contains("放生桥", r.Cells[1], StringComparison.Ordinal));

        var report = await ImportAsync(client, bytes, "allOrNothing", ct);
        Assert.True(report.GetProperty("written").GetBoolean(), report.ToString());
        Assert.Equal(rows.Count - 1, report.GetProperty("unchanged").GetInt32());
        Assert.Equal(0, report.GetProperty("created").GetInt32() + report.GetProperty("updated").GetInt32());
    }

    [Fact]
    public async Task Import_BadRows_AllOrNothingWritesNothingAndValidRowsOnlyWritesTheRest()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = await factory.SignInAsync("clerk", "Clerk#2026", ct);
        var template = ReadXlsx(await client.GetByteArrayAsync(Url("/api/devices/template"), ct));
        var header = template[0].Cells.Select(c => c ?? string.Empty).ToList();
        string?[] Row(int serial, Action<Dictionary<string, string?>>? change = null)
        {
            var values = header.Select((h, i) => (h, v: template[1].Cells.ElementAtOrDefault(i))).ToDictionary(x => x.h, x => x.v);
            values["国标编码"] = GbCode.Create("31011801", "00", "132", 0, serial);
            values["键盘码"] = "8" + serial.ToString(System.Globalization.CultureInfo.InvariantCulture);
            values["IP 地址"] = "10.251." + (serial % 200).ToString(System.Globalization.CultureInfo.InvariantCulture) + ".7";
            values["设备名称"] = "导入测试点位" + serial.ToString(System.Globalization.CultureInfo.InvariantCulture);
            change?.Invoke(values);
            return [.. header.Select(h => values[h])];
        }

        var file = Xlsx(header,
        [
            Row(980_001),
            Row(980_002, v => v["经度"] = "120.5"),
            Row(980_001, v => v["键盘码"] = "8980099"),
            Row(980_004, v => v["设备名称"] = "=HYPERLINK(\"http://evil\",\"点我\")"),
            Row(980_005, v => v["设备类型"] = "飞碟"),
        ]);

        var refused = await ImportAsync(client, file, "allOrNothing", ct);
        Assert.False(refused.GetProperty("written").GetBoolean());
        Assert.Equal(3, refused.GetProperty("rejected").GetInt32());
        var problems = refused.GetProperty("problems").EnumerateArray()
            .ToDictionary(p => p.GetProperty("row").GetInt32(), p => p.GetProperty("violations").EnumerateArray().Select(v => (v.GetProperty("field").GetString(), v.GetProperty("code").GetString())).ToList());
        Assert.Contains(("longitude", "device.outsideDistrict"), problems[3]);
        Assert.Contains(("gbCode", "field.unique"), problems[4]);
        Assert.Contains(("type", "field.unknownValue"), problems[6]);
        await SearchIndex.WaitUntilCurrentAsync(factory, ct);
        Assert.Equal(0, (await client.GetFromJsonAsync<JsonElement>(Url("/api/devices/search?q=" + Uri.EscapeDataString("导入测试点位")), ct)).GetProperty("total").GetInt32());

        var reportXlsx = ReadXlsx(await client.GetByteArrayAsync(Url($"/api/devices/imports/{refused.GetProperty("jobId").GetString()}/report.xlsx"), ct));
        Assert.Equal(["行号", "国标编码", "字段", "规则", "说明"], reportXlsx[0].Cells);
        Assert.Contains(reportXlsx, r => r.Cells[0] == "3" && r.Cells[2] == "经度" && r.Cells[3] == "location.inDistrict");

        var partial = await ImportAsync(client, file, "validRowsOnly", ct);
        Assert.True(partial.GetProperty("written").GetBoolean());
        Assert.Equal(2, partial.GetProperty("created").GetInt32());
        Assert.Equal(3, partial.GetProperty("rejected").GetInt32());
        await SearchIndex.WaitUntilCurrentAsync(factory, ct);
        var imported = (await client.GetFromJsonAsync<JsonElement>(Url("/api/devices/search?q=" + Uri.EscapeDataString("导入测试点位") + "&sort=gbCode"), ct)).GetProperty("items");
        Assert.Equal(1, imported.GetArrayLength());
        var formula = (await client.GetFromJsonAsync<JsonElement>(Url("/api/devices/search?q=hyperlink"), ct)).GetProperty("items")[0];
        Assert.Equal("=HYPERLINK(\"http://evil\",\"点我\")", formula.GetProperty("name").GetString());

        // Exported, the formula-like name is neutralised with an apostrophe that a re-import removes again.
        var export = await client.GetByteArrayAsync(Url("/api/devices/export?q=hyperlink"), ct);
        using (var zip = new ZipArchive(new MemoryStream(export)))
        {
            var sheet = await new StreamReader(zip.GetEntry("xl/worksheets/sheet1.xml")!.Open()).ReadToEndAsync(ct);
            Assert.Contains("'=HYPERLINK", sheet, StringComparison.Ordinal);
        }

        Assert.Equal("=HYPERLINK(\"http://evil\",\"点我\")", ReadXlsx(export)[1].Cells[1]);
        Assert.Equal(1, (await ImportAsync(client, export, "allOrNothing", ct)).GetProperty("unchanged").GetInt32());

        foreach (var serial in new[] { 980_001, 980_004 })
        {
            await DeleteByGbCodeAsync(client, GbCode.Create("31011801", "00", "132", 0, serial), ct);
        }
    }

    [Fact]
    public async Task Import_FilesThatAreNotTheLedger_AreRefusedClearly()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = await factory.SignInAsync("clerk", "Clerk#2026", ct);

        using var text = await UploadAsync(client, "hello,world\n"u8.ToArray(), "devices.xlsx", "allOrNothing", ct);
        Assert.Equal("import.notXlsx", (await ProblemAssert.IsProblemAsync(text, HttpStatusCode.BadRequest, ct)).GetProperty("violations")[0].GetProperty("code").GetString());
        using var badMode = await UploadAsync(client, Xlsx(["国标编码"], []), "devices.xlsx", "sometimes", ct);
        Assert.Equal("mode", (await ProblemAssert.IsProblemAsync(badMode, HttpStatusCode.BadRequest, ct)).GetProperty("violations")[0].GetProperty("field").GetString());

        // A zip that is no workbook, unknown columns, no GB code column, an empty sheet, 100,000 rows.
        var notWorkbook = new MemoryStream();
        using (var zip = new ZipArchive(notWorkbook, ZipArchiveMode.Create, leaveOpen: true))
        {
            await using var entry = zip.CreateEntry("readme.txt").Open();
            await entry.WriteAsync("not a workbook"u8.ToArray(), ct);
        }

        Assert.Equal("import.notXlsx", await FileProblemAsync(client, notWorkbook.ToArray(), ct));
        Assert.Equal("import.unknownColumns", await FileProblemAsync(client, Xlsx(["国标编码", "颜色"], [["31011801001320000001", "红"]]), ct));
        Assert.Equal("import.noGbCodeColumn", await FileProblemAsync(client, Xlsx(["设备名称"], [["x"]]), ct));
        Assert.Equal("import.empty", await FileProblemAsync(client, Xlsx([], []), ct));
        var many = Enumerable.Range(0, 100_000).Select(i => (string?[])[GbCode.Create("31011801", "00", "132", 0, i + 1)]);
        Assert.Equal("import.tooManyRows", await FileProblemAsync(client, Xlsx(["国标编码"], many), ct));
    }

    private static async Task<string?> FileProblemAsync(HttpClient client, byte[] file, CancellationToken ct)
    {
        var report = await ImportAsync(client, file, "allOrNothing", ct);
        Assert.False(report.GetProperty("written").GetBoolean());
        return report.GetProperty("fileProblems")[0].GetProperty("code").GetString();
    }

    internal static byte[] Xlsx(IReadOnlyList<string> header, IEnumerable<string?[]> rows)
    {
        using var buffer = new MemoryStream();
        XlsxWriter.Write(buffer, [new XlsxSheet("设备档案", header, rows.Select(r => (IReadOnlyList<object?>)r))]);
        return buffer.ToArray();
    }

    internal static List<(int Row, string?[] Cells)> ReadXlsx(byte[] bytes)
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, bytes);
            return [.. XlsxReader.Read(path, 1_000_000)];
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static async Task<HttpResponseMessage> UploadAsync(HttpClient client, byte[] file, string name, string mode, CancellationToken ct)
    {
        using var content = new MultipartFormDataContent();
        var part = new ByteArrayContent(file);
        part.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        content.Add(part, "file", name);
        return await client.PostAsync(Url($"/api/devices/import?mode={mode}"), content, ct);
    }

    /// <summary>Uploads, waits for the job, and returns its report (with the job id as <c>jobId</c>).</summary>
    internal static async Task<JsonElement> ImportAsync(HttpClient client, byte[] file, string mode, CancellationToken ct)
    {
        using var response = await UploadAsync(client, file, "devices.xlsx", mode, ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var job = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        var id = job.GetProperty("id").GetString()!;
        var waited = System.Diagnostics.Stopwatch.StartNew();
        JsonElement status;
        do
        {
            await Task.Delay(100, ct);
            status = await client.GetFromJsonAsync<JsonElement>(Url($"/api/jobs/{id}"), ct);
            Assert.True(waited.Elapsed < TimeSpan.FromMinutes(3), "the import did not finish: " + status);
        }
        while (status.GetProperty("status").GetString() is "queued" or "running");

        Assert.Equal("succeeded", status.GetProperty("status").GetString());
        var report = await client.GetFromJsonAsync<JsonElement>(Url($"/api/devices/imports/{id}"), ct);
        var node = System.Text.Json.Nodes.JsonNode.Parse(report.GetRawText())!.AsObject();
        node["jobId"] = id;
        return JsonDocument.Parse(node.ToJsonString()).RootElement.Clone();
    }

    private static async Task DeleteByGbCodeAsync(HttpClient client, string gbCode, CancellationToken ct)
    {
        var hit = (await client.GetFromJsonAsync<JsonElement>(Url($"/api/devices/search?q={gbCode}"), ct)).GetProperty("items");
        // The index follows the import through the outbox: it may lag behind it, longer on a busy machine (seen > 1 s).
        for (var attempt = 0; attempt < 30 && hit.GetArrayLength() == 0; attempt++)
        {
            await Task.Delay(500, ct);
            hit = (await client.GetFromJsonAsync<JsonElement>(Url($"/api/devices/search?q={gbCode}"), ct)).GetProperty("items");
        }

        var id = hit[0].GetProperty("id").GetInt64();
        var file = await client.GetFromJsonAsync<JsonElement>(Url($"/api/devices/{id}"), ct);
        using var deleted = await client.DeleteAsync(Url($"/api/devices/{id}?version={file.GetProperty("version").GetInt32()}"), ct);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
    }
}
