using System.Globalization;
using System.Text.Json;
using CityEye.Core.Auth;
using CityEye.Core.Devices;
using CityEye.Core.Domain;
using CityEye.Core.Groups;
using CityEye.Core.Jobs;
using CityEye.Core.Organisations;

namespace CityEye.Core.Demo;

/// <summary>A demo user as the README lists it.</summary>
public sealed record DemoUser(string Username, string Password, string DisplayName, string Role, string OrganisationName, bool LimitToOwnOrganisation = false);

/// <summary>
/// Seeds the Qingpu demo district through the same stores and services that real writes use. Resumable: every step
/// skips what an earlier, interrupted run already committed, so a restart mid-way finishes the same district.
/// </summary>
public sealed class DemoSeedJob(
    OrganisationStore organisations, BusinessGroupStore groups, UserStore users, RoleStore roles, DeviceService devices, DeviceStatusFeed statusFeed, PasswordHasher hasher, TimeProvider time) : IJobHandler
{
    public const string JobKind = "demo-seed";
    public const int DefaultSeed = DemoDistrictGenerator.DefaultSeed;
    private const int BatchSize = 1000;

    /// <summary>The demo users (README table); passwords are demo-only.</summary>
    public static IReadOnlyList<DemoUser> Users { get; } =
    [
        new("admin", "Admin#2026", "系统管理员", BuiltInRoles.Administrator, BureauName),
        new("investigator", "Investigator#2026", "刑侦支队 王侦查", BuiltInRoles.Investigator, "刑侦支队"),
        new("clerk", "Clerk#2026", "档案室 李档案", BuiltInRoles.ArchiveClerk, BureauName),
        new("auditor", "Auditor#2026", "督察审计 赵审计", BuiltInRoles.Auditor, BureauName),
        new("station", "Station#2026", "夏阳派出所 陈民警", BuiltInRoles.StationUser, "夏阳派出所", LimitToOwnOrganisation: true),
    ];

    public const string BureauName = "上海市公安局青浦分局";

    public string Kind => JobKind;

    public bool Resumable => true;

    public static string Parameters(int seed) => JsonSerializer.Serialize(new SeedParameters(seed));

    public async Task<string?> RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var seed = context.Job.Parameters is null ? DefaultSeed : JsonSerializer.Deserialize<SeedParameters>(context.Job.Parameters)?.Seed ?? DefaultSeed;
        await context.ReportAsync(0.01, "正在生成青浦区演示数据 (generating the Qingpu district)", cancellationToken);
        var district = DemoDistrictGenerator.Generate(seed);

        var ids = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var organisation in district.Organisations)
        {
            long? parentId = organisation.ParentCode is null ? null : ids[organisation.ParentCode];
            ids[organisation.Code] = await organisations.EnsureAsync(organisation.Code, parentId, organisation.Name, organisation.Kind, organisation.Region, cancellationToken);
        }

        var groupIds = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var group in district.BusinessGroups)
        {
            long? parentId = group.ParentCode is null ? null : groupIds[group.ParentCode];
            groupIds[group.Code] = await groups.EnsureAsync(group.Code, parentId, group.Name, group.Sort, cancellationToken);
        }

        await context.ReportAsync(0.04, $"已写入 {district.Organisations.Count} 个组织机构和 {district.BusinessGroups.Count} 个业务分组 (organisations and business groups written)", cancellationToken);

        var createdUsers = 0;
        foreach (var user in Users)
        {
            if (await users.FindByUsernameAsync(user.Username, cancellationToken) is not null)
            {
                continue;
            }

            var organisation = district.Organisations.FirstOrDefault(o => o.Name == user.OrganisationName)
                ?? throw new InvalidOperationException($"The demo district has no organisation named {user.OrganisationName}.");
            var organisationId = ids[organisation.Code];
            var deviceRole = BuiltInRoles.AllDevices;
            if (user.LimitToOwnOrganisation)
            {
                // A device role for the user's own unit (and the units below it).
                deviceRole = BuiltInRoles.OrganisationDeviceRole(organisation.Code);
                if (await roles.FindIdAsync(deviceRole, cancellationToken) is null)
                {
                    await roles.CreateAsync(
                        new RoleDraft(deviceRole, organisation.Name + "设备", $"Devices of {organisation.Name} and the units below it.", RoleKinds.Device, true, [], [new DeviceGrant(DeviceGrantKinds.Organisation, organisationId.ToString(System.Globalization.CultureInfo.InvariantCulture))], []),
                        cancellationToken);
                }
            }

            IReadOnlyList<string> roleNames = user.Role == BuiltInRoles.Administrator ? [user.Role, deviceRole, BuiltInRoles.AllServices] : [user.Role, deviceRole];
            await users.CreateAsync(new NewUser(user.Username, user.DisplayName, organisationId, user.Password, roleNames), hasher, cancellationToken);
            createdUsers++;
        }

        await context.ReportAsync(0.08, $"已创建 {createdUsers} 个演示用户 (demo users created)", cancellationToken);

        var written = 0;
        var total = district.Devices.Count;
        foreach (var batch in district.Devices.Chunk(BatchSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var existing = await devices.ExistingAsync(batch.Select(d => d.Device.GbCode), cancellationToken);
            var fresh = batch
                .Where(d => !existing.Contains(d.Device.GbCode))
                .Select(d => d.Device with { OrganisationId = ids[d.OrganisationCode], BusinessGroupId = groupIds[d.BusinessGroupCode] })
                .ToList();
            if (fresh.Count > 0)
            {
                var result = await devices.CreateManyAsync(fresh, new DeviceWriter("demo", "demo"), cancellationToken);
                if (!result.Succeeded)
                {
                    var first = result.Problems[0];
                    throw new InvalidOperationException(
                        $"Demo device row {first.Row} ({first.GbCode}) failed the ledger rules: {string.Join("; ", first.Violations.Select(v => v.Field + ": " + v.Message))}");
                }
            }

            // The simulated status feed's first report (AR-8): when each device last came online or went offline.
            await statusFeed.ApplyAsync([.. fresh.Select(d => InitialStatus(d, seed))], cancellationToken);
            written += batch.Length;
            await context.ReportAsync(
                0.08 + (0.92 * written / total),
                string.Create(CultureInfo.InvariantCulture, $"已写入 {written:N0} / {total:N0} 台设备 (devices written)"),
                cancellationToken);
        }

        return string.Create(CultureInfo.InvariantCulture, $"{total:N0} devices, {district.Organisations.Count} organisations, {Users.Count} demo users");
    }

    private StatusReport InitialStatus(Device device, int seed)
    {
        var random = new Random(unchecked(seed + (int)(long.Parse(device.GbCode.AsSpan(6), CultureInfo.InvariantCulture) % int.MaxValue)));
        var online = device.Status == DeviceStatus.Online;
        var hoursAgo = online ? random.NextDouble() * 72 : 1 + (random.NextDouble() * 240);
        var completeness = Math.Round(online ? 0.85 + (random.NextDouble() * 0.15) : 0.2 + (random.NextDouble() * 0.7), 3);
        return new StatusReport(device.GbCode, device.Status, time.GetUtcNow().AddHours(-hoursAgo), completeness);
    }

    private sealed record SeedParameters(int Seed);
}
