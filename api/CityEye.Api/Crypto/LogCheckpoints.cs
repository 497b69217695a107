using System.Globalization;
using System.Text;
using CityEye.Analytics;
using CityEye.Analytics.Logging;
using CityEye.Api.Logs;
using CityEye.Core.Keys;
using CityEye.Core.Storage;
using CityEye.Crypto;
using Dapper;
using Microsoft.Extensions.Options;

namespace CityEye.Api.Crypto;

/// <summary>A signed checkpoint of the log chain: the sequence and SM3 hash of the newest entry at a time, signed (SM2) with the site key.</summary>
public sealed record LogCheckpoint
{
    public long Id { get; init; }
    public DateTimeOffset At { get; init; }
    public long Sequence { get; init; }
    public string Hash { get; init; } = "";
    public string Signature { get; init; } = "";
    public string CertificateFingerprint { get; init; } = "";
}

/// <summary>A checkpoint the stored log no longer agrees with. Problem: signatureInvalid, unknownCertificate, entryMissing (entries removed from the end), hashMismatch.</summary>
public sealed record CheckpointProblem(long Sequence, DateTimeOffset At, string Problem);

/// <summary>What the checkpoints say about the stored log.</summary>
public sealed record LogCheckpointState(int Checked, long? LatestSequence, DateTimeOffset? LatestAt, bool Truncated, IReadOnlyList<CheckpointProblem> Problems)
{
    public bool Intact => Problems.Count == 0;
}

/// <summary>
/// Signed checkpoints of the operation log (CR-3): every <see cref="CryptoOptions.LogCheckpointMinutes"/> the newest
/// journal entry's sequence and chain hash are signed with the site's SM2 key into the system of record. The chain
/// alone shows a changed or removed entry in the middle; a checkpoint also shows entries removed from the end (the
/// store then ends before a signed sequence) and a rewritten tail (the hash at a signed sequence differs).
/// </summary>
internal sealed partial class LogCheckpoints(
    Database database, LogJournal journal, IAnalyticsStore store, CertificateAuthority authority, TimeProvider clock, IOptions<CryptoOptions> options, ILogger<LogCheckpoints> logger)
    : BackgroundService
{
    private const int VerifyLatest = 200;

    /// <summary>Signs the newest journal entry unless the latest checkpoint already covers it.</summary>
    public async Task<LogCheckpoint?> WriteAsync(CancellationToken cancellationToken)
    {
        var sequence = journal.LastSequence;
        if (sequence == 0)
        {
            return null;
        }

        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var latest = await connection.ExecuteScalarAsync<long?>(new CommandDefinition("SELECT MAX(sequence) FROM log_checkpoints", cancellationToken: cancellationToken));
        // The entry is read back from the journal, so sequence and hash belong together even while others append.
        if (latest >= sequence || journal.ReadAfter(sequence - 1, 1) is not [var entry])
        {
            return null;
        }

        var (certificate, key) = await authority.SiteAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var at = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, now.Second, TimeSpan.Zero);
        var signature = Convert.ToBase64String(Sm2.Sign(key, Content(entry.Sequence, entry.Hash, at)));
        var checkpoint = new LogCheckpoint { At = at, Sequence = entry.Sequence, Hash = entry.Hash, Signature = signature, CertificateFingerprint = certificate.Fingerprint() };
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO log_checkpoints (at, sequence, hash, signature, certificate_fingerprint) VALUES (@At, @Sequence, @Hash, @Signature, @CertificateFingerprint)",
            checkpoint, cancellationToken: cancellationToken));
        return checkpoint;
    }

    /// <summary>Checks the newest checkpoints against the stored log (<paramref name="chain"/> says what it holds).</summary>
    public async Task<LogCheckpointState> VerifyAsync(LogChainState chain, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chain);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var checkpoints = (await connection.QueryAsync<LogCheckpoint>(new CommandDefinition(
            "SELECT id, at, sequence, hash, signature, certificate_fingerprint FROM log_checkpoints ORDER BY sequence DESC, id DESC LIMIT @take",
            new { take = VerifyLatest }, cancellationToken: cancellationToken))).ToList();
        var certificates = new Dictionary<string, Sm2Certificate?>(StringComparer.Ordinal);
        var problems = new List<CheckpointProblem>();
        var checkedCount = 0;
        foreach (var checkpoint in checkpoints)
        {
            if (!certificates.TryGetValue(checkpoint.CertificateFingerprint, out var certificate))
            {
                // Only a site certificate the node's root issued may sign checkpoints.
                var record = await authority.FindAsync(checkpoint.CertificateFingerprint, cancellationToken);
                certificate = record is { Kind: CertificateKinds.Site, Origin: "issued" } ? Sm2Certificate.Parse(record.Certificate) : null;
                certificates[checkpoint.CertificateFingerprint] = certificate is not null && certificate.IsSignedBy((await authority.RootAsync(cancellationToken)).Certificate.PublicKey) ? certificate : null;
                certificate = certificates[checkpoint.CertificateFingerprint];
            }

            if (certificate is null)
            {
                problems.Add(new CheckpointProblem(checkpoint.Sequence, checkpoint.At, "unknownCertificate"));
                continue;
            }

            var signature = new byte[checkpoint.Signature.Length];
            if (!Convert.TryFromBase64String(checkpoint.Signature, signature, out var length)
                || !Sm2.Verify(certificate.PublicKey, Content(checkpoint.Sequence, checkpoint.Hash, checkpoint.At), signature.AsSpan(0, length)))
            {
                problems.Add(new CheckpointProblem(checkpoint.Sequence, checkpoint.At, "signatureInvalid"));
                continue;
            }

            if (chain.FirstSequence > 0 && checkpoint.Sequence < chain.FirstSequence)
            {
                continue; // Older than the retention window: those entries were removed on purpose.
            }

            checkedCount++;
            if (checkpoint.Sequence > chain.LastSequence)
            {
                problems.Add(new CheckpointProblem(checkpoint.Sequence, checkpoint.At, "entryMissing"));
                continue;
            }

            var stored = await store.ReadAfterAsync(checkpoint.Sequence - 1, 1, cancellationToken);
            if (stored is not [var entry] || entry.Sequence != checkpoint.Sequence)
            {
                problems.Add(new CheckpointProblem(checkpoint.Sequence, checkpoint.At, "entryMissing"));
            }
            else if (!string.Equals(entry.Hash, checkpoint.Hash, StringComparison.Ordinal))
            {
                problems.Add(new CheckpointProblem(checkpoint.Sequence, checkpoint.At, "hashMismatch"));
            }
        }

        var newest = checkpoints.FirstOrDefault();
        return new LogCheckpointState(checkedCount, newest?.Sequence, newest?.At, newest is not null && newest.Sequence > chain.LastSequence, problems);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var minutes = options.Value.LogCheckpointMinutes;
        if (minutes == 0)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(minutes), clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                if (await WriteAsync(stoppingToken) is { } checkpoint)
                {
                    LogWritten(logger, checkpoint.Sequence);
                }
            }
#pragma warning disable CA1031 // A missed checkpoint is retried at the next tick; the node keeps serving.
            catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
            {
                LogFailed(logger, ex);
            }
        }
    }

    private static byte[] Content(long sequence, string hash, DateTimeOffset at) =>
        Encoding.UTF8.GetBytes($"cityeye-log-checkpoint\n{sequence.ToString(CultureInfo.InvariantCulture)}\n{hash}\n{at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}");

    [LoggerMessage(Level = LogLevel.Debug, Message = "Signed a log checkpoint at sequence {Sequence}")]
    private static partial void LogWritten(ILogger logger, long sequence);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not sign a log checkpoint")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
