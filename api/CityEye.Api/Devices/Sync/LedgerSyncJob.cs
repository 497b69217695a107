using System.Globalization;
using System.Text.Json;
using CityEye.Core.Auth;
using CityEye.Core.Devices;
using CityEye.Core.Devices.Sync;
using CityEye.Core.Jobs;

namespace CityEye.Api.Devices.Sync;

/// <summary>Parameters of a sync job: apply the source's stored batches in order, up to and including <c>Sequence</c>.</summary>
internal sealed record LedgerSyncParameters(string Source, long Sequence);

/// <summary>
/// Applies pushed ledger batches in sequence order, each with the device scope of the user (or token owner) who
/// pushed it. Resumable: a batch is marked applied only after its writes, and applying it again writes nothing
/// new, so a crash in between loses nothing and duplicates nothing.
/// </summary>
internal sealed class LedgerSyncJob(LedgerSyncStore store, LedgerSyncApplier applier, UserStore users, TimeProvider time) : IJobHandler
{
    public const string JobKind = "ledger-sync";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Kind => JobKind;

    public bool Resumable => true;

    public static string Serialize(LedgerSyncParameters parameters) => JsonSerializer.Serialize(parameters, Json);

    public async Task<string?> RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var parameters = JsonSerializer.Deserialize<LedgerSyncParameters>(context.Job.Parameters!, Json)!;
        var summaries = new List<string>();
        while (await store.NextToApplyAsync(parameters.Source, parameters.Sequence, cancellationToken) is { } batch)
        {
            // The pusher must still be allowed to sync when the batch is applied: enabled, valid, holding archive.sync.
            var user = await users.FindByUsernameAsync(batch.ReceivedBy, cancellationToken);
            var principal = user is null ? null : await users.GetPrincipalAsync(user.Id, cancellationToken);
            var now = time.GetUtcNow();
            var allowed = user is { Enabled: true } && (user.ValidUntil is null || user.ValidUntil > now) && (user.LockedUntil is null || user.LockedUntil <= now)
                && principal?.Permissions.Contains(Permissions.ArchiveSync, StringComparer.Ordinal) == true;
            var scope = allowed ? await users.GetDeviceScopeAsync(user!.Id, cancellationToken) : DeviceScope.None;
            if (!allowed)
            {
                await context.LogAsync($"{batch.ReceivedBy} may no longer sync: every record is refused (no device scope)", cancellationToken, "warning");
            }
            var writer = new DeviceWriter(batch.ReceivedBy, "sync:" + batch.Source);
            await context.LogAsync(string.Create(CultureInfo.InvariantCulture, $"批次 #{batch.Sequence} ({batch.BatchId}, {batch.Mode}, {batch.RecordCount} 条)"), cancellationToken);
            LedgerSyncCounts? counts = null;
            LedgerSyncReport? report = null;
            for (var attempt = 1; counts is null; attempt++)
            {
                try
                {
                    (counts, report) = await applier.ApplyAsync(
                        batch,
                        writer,
                        scope,
                        (share, message) => context.ReportAsync(share, string.Create(CultureInfo.InvariantCulture, $"#{batch.Sequence}: {message}"), cancellationToken),
                        cancellationToken);
                }
                catch (LedgerSyncRetryException e) when (attempt < 5)
                {
                    await context.LogAsync($"并发修改，重试 (a concurrent edit, retrying): {e.Message}", cancellationToken, "warning");
                    await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), cancellationToken);
                }
            }

            await store.MarkAppliedAsync(batch, counts, report!, cancellationToken);
            summaries.Add(string.Create(
                CultureInfo.InvariantCulture,
                $"#{batch.Sequence}: {counts.Created} created, {counts.Updated} updated, {counts.Unchanged} unchanged, {counts.Deleted} deleted, {counts.Rejected} rejected{(batch.Final ? $", {counts.Missing} missing from the source" : string.Empty)}"));
        }

        return summaries.Count == 0 ? $"{parameters.Source}: nothing to apply (already applied)" : $"{parameters.Source} " + string.Join("; ", summaries);
    }
}
