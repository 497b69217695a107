using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CityEye.Api.Tests.Infrastructure;
using static CityEye.Api.Tests.Infrastructure.ApiPaths;

namespace CityEye.Api.Tests.Devices;

[Collection(ApiFixtureGroup.Name)]
public sealed class CityDictionaryTests(ApiFactory factory)
{
    [Fact]
    public async Task CityDictionary_NewFieldsAndValues_ReachFormsRulesAndTemplatesWithoutCode()
    {
        var ct = TestContext.Current.CancellationToken;
        using var admin = await factory.SignInAsync("admin", "Admin#2026", ct);
        var document = new
        {
            version = "2026.11",
            dictionaries = new object[]
            {
                new { dictionary = "lightingType", code = "1", label = "白光补光", labelEn = "White light" },
                new { dictionary = "lightingType", code = "2", label = "红外补光", labelEn = "Infrared" },
                new { dictionary = "manufacturer", code = "海信", label = "海信", labelEn = "Hisense" },
            },
            fields = new object[]
            {
                new { key = "lightingType", label = "补光方式", labelEn = "Lighting", dataType = "dictionary", dictionary = "lightingType" },
                new { key = "poleHeight", label = "立杆高度", labelEn = "Pole height", dataType = "number" },
            },
        };

        using var bad = await admin.PostAsJsonAsync(Url("/api/archive/city-dictionary"), new { version = "x", dictionaries = Array.Empty<object>(), fields = new object[] { new { key = "gbCode", label = "x", labelEn = "x", dataType = "colour" } } }, ct);
        var violations = (await ProblemAssert.IsProblemAsync(bad, HttpStatusCode.BadRequest, ct)).GetProperty("violations").EnumerateArray().Select(v => v.GetProperty("field").GetString()).ToList();
        Assert.Contains("fields[0].key", violations);
        Assert.Contains("fields[0].dataType", violations);

        using var applied = await admin.PostAsJsonAsync(Url("/api/archive/city-dictionary"), document, ct);
        Assert.Equal(HttpStatusCode.OK, applied.StatusCode);
        var result = await applied.Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.Equal(2, result.GetProperty("fieldsAdded").GetInt32());

        var fields = (await admin.GetFromJsonAsync<JsonElement>(Url("/api/archive/fields"), ct)).EnumerateArray().ToList();
        var lighting = fields.Single(f => f.GetProperty("key").GetString() == "lightingType");
        Assert.Equal("extended", lighting.GetProperty("section").GetString());
        Assert.False(lighting.GetProperty("builtIn").GetBoolean());

        var values = await DeviceEndpointsTests.NewDeviceFieldsAsync(admin, 990_301, ct);
        values["name"] = "字典扩展测试点位_智能枪机";
        values["lightingType"] = "3";
        values["manufacturer"] = "海信";
        using var refused = await admin.PostAsJsonAsync(Url("/api/devices"), new { fields = values }, ct);
        var violation = (await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.BadRequest, ct)).GetProperty("violations")[0];
        Assert.Equal("fields.lightingType", violation.GetProperty("field").GetString());
        Assert.Equal("field.unknownValue", violation.GetProperty("code").GetString());

        values["lightingType"] = "2";
        values["poleHeight"] = "6.5";
        using var created = await admin.PostAsJsonAsync(Url("/api/devices"), new { fields = values }, ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var file = await created.Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.Equal("2", file.GetProperty("fields").GetProperty("lightingType").GetString());
        Assert.Equal("6.5", file.GetProperty("fields").GetProperty("poleHeight").GetString());

        // The template has the new columns; a second application of the same document changes labels only.
        var template = TransferEndpointsTests.ReadXlsx(await admin.GetByteArrayAsync(Url("/api/devices/template"), ct));
        Assert.Contains("补光方式", template[0].Cells);
        Assert.Contains("立杆高度", template[0].Cells);
        using var again = await admin.PostAsJsonAsync(Url("/api/archive/city-dictionary"), document, ct);
        Assert.Equal(0, (await again.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("fieldsAdded").GetInt32());

        // Search filters on the new fields, with no code change (AR-10).
        await SearchIndex.WaitUntilCurrentAsync(factory, ct);
        var found = await admin.GetFromJsonAsync<JsonElement>(Url("/api/devices/search?attr=lightingType:2&attr=poleHeight:6.5"), ct);
        Assert.Equal([file.GetProperty("id").GetInt64()], found.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt64()));
        Assert.Equal(0, (await admin.GetFromJsonAsync<JsonElement>(Url("/api/devices/search?attr=lightingType:1"), ct)).GetProperty("total").GetInt32());
        using var badAttr = await admin.GetAsync(Url("/api/devices/search?attr=lightingType"), ct);
        Assert.Equal("attr", (await ProblemAssert.IsProblemAsync(badAttr, HttpStatusCode.BadRequest, ct)).GetProperty("violations")[0].GetProperty("field").GetString());

        var id = file.GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync(Url($"/api/devices/{id}?version=1"), ct)).StatusCode);
    }
}
