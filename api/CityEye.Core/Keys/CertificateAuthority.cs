using System.Data.Common;
using CityEye.Core.Storage;
using CityEye.Core.Validation;
using CityEye.Crypto;
using Dapper;

namespace CityEye.Core.Keys;

/// <summary>The kinds of certificate the node keeps.</summary>
public static class CertificateKinds
{
    public const string Root = "root";
    public const string Site = "site";
    public const string Device = "device";
    public const string User = "user";
    /// <summary>A certificate authority of the bureau, imported as a trust anchor.</summary>
    public const string TrustedAuthority = "trusted-ca";

    public static readonly IReadOnlyList<string> All = [Root, Site, Device, User, TrustedAuthority];
}

/// <summary>A stored certificate and what the node knows about it.</summary>
public sealed record CertificateRecord
{
    public long Id { get; init; }
    public string Kind { get; init; } = "";
    /// <summary>issued (by this node's root) or imported.</summary>
    public string Origin { get; init; } = "";
    public string Serial { get; init; } = "";
    public string Issuer { get; init; } = "";
    public string Subject { get; init; } = "";
    public string CommonName { get; init; } = "";
    public string Fingerprint { get; init; } = "";
    public string Certificate { get; init; } = "";
    public long? KeyId { get; init; }
    public long? UserId { get; init; }
    public string? DeviceCode { get; init; }
    public DateTimeOffset NotBefore { get; init; }
    public DateTimeOffset NotAfter { get; init; }
    public DateTimeOffset? RevokedAt { get; init; }
    public string? RevocationReason { get; init; }
    public string? RevokedBy { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public string CreatedBy { get; init; } = "";

    public bool IsRevoked => RevokedAt is not null;
}

/// <summary>A refusal of the certificate authority, with the request field and an error code.</summary>
public sealed class CertificateAuthorityException(string field, string code, IReadOnlyDictionary<string, object?>? args = null) : Exception(code)
{
    public string Field { get; } = field;

    public string Code { get; } = code;

    public IReadOnlyDictionary<string, object?>? Args { get; } = args;
}

/// <summary>A newly issued certificate; <see cref="PrivateKeyPem"/> only when the node generated the key (shown once, never stored).</summary>
public sealed record IssuedCertificate(CertificateRecord Record, string? PrivateKeyPem);

/// <summary>One page of certificates.</summary>
public sealed record CertificatePage(IReadOnlyList<CertificateRecord> Items, int Total);

/// <summary>
/// The node's small SM2 certificate authority (CR-2): a root, the site certificate, device and user certificates
/// (from a PKCS#10 request, e.g. a USB key's, or with a key generated here and handed over once), revocation with a
/// signed CRL, and certificates of the bureau's CA imported as trust anchors or as users' certificates.
/// </summary>
public sealed class CertificateAuthority(Database database, KeyStore keys, CryptoOptions options, TimeProvider clock)
{
    private const string Columns = "id, kind, origin, serial, issuer, subject, common_name, fingerprint, certificate, key_id, user_id, device_code, not_before, not_after, revoked_at, revocation_reason, revoked_by, created_at, created_by";
    private const long EnsureLockKey = 0x43_41_45_6E_73;
    private (Sm2Certificate Certificate, Sm2PrivateKey Key)? _root;
    private (Sm2Certificate Certificate, Sm2PrivateKey Key)? _site;
    private (string Revision, Sm2RevocationList List)? _crl;

    /// <summary>Creates the root and the site certificate when missing, and a new site certificate when it expires
    /// within 30 days, was revoked or no longer names the configured host; returns a line for /readyz.</summary>
    public async Task<string> EnsureAsync(CancellationToken cancellationToken)
    {
        var rootKey = await keys.Sm2Async(KeyPurposes.Authority, cancellationToken);
        var siteKey = await keys.Sm2Async(KeyPurposes.Site, cancellationToken);
        await database.InTransactionAsync(async (connection, transaction) =>
        {
            if (connection is Npgsql.NpgsqlConnection)
            {
                await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(@key)", new { key = EnsureLockKey }, transaction, cancellationToken: cancellationToken));
            }

            var now = clock.GetUtcNow();
            var root = await CurrentAsync(connection, transaction, CertificateKinds.Root, cancellationToken);
            Sm2Certificate rootCertificate;
            if (root is null || !Sm2Certificate.Parse(root.Certificate).PublicKey.Equals(rootKey.PublicKey))
            {
                rootCertificate = Sm2CertificateIssuer.CreateRoot(rootKey, new CertificateSpec(
                    new DistinguishedName($"{options.Organisation} CityEye 根证书", options.Organisation, "CityEye"),
                    CertificateProfile.RootAuthority, now.AddMinutes(-5), now.AddYears(options.RootCertificateYears)));
                await InsertAsync(connection, transaction, CertificateKinds.Root, "issued", rootCertificate, null, null, "system", cancellationToken);
            }
            else
            {
                rootCertificate = Sm2Certificate.Parse(root.Certificate);
            }

            var site = await CurrentAsync(connection, transaction, CertificateKinds.Site, cancellationToken);
            var siteCertificate = site is null ? null : Sm2Certificate.Parse(site.Certificate);
            if (siteCertificate is null
                || siteCertificate.NotAfter < now.AddDays(30)
                || siteCertificate.CommonName != options.SiteName
                || !siteCertificate.DnsNames.Order().SequenceEqual(options.SiteDnsNames.Order())
                || !siteCertificate.PublicKey.Equals(siteKey.PublicKey)
                || siteCertificate.Issuer != rootCertificate.Subject
                || !siteCertificate.IsSignedBy(rootCertificate.PublicKey))
            {
                siteCertificate = Sm2CertificateIssuer.Issue(new CertificateSpec(
                    new DistinguishedName(options.SiteName, options.Organisation, "CityEye"), CertificateProfile.Site, now.AddMinutes(-5), now.AddDays(options.SiteCertificateDays))
                { DnsNames = options.SiteDnsNames }, siteKey.PublicKey, rootCertificate, rootKey);
                await InsertAsync(connection, transaction, CertificateKinds.Site, "issued", siteCertificate, null, null, "system", cancellationToken);
            }

            _root = (rootCertificate, rootKey);
            _site = (siteCertificate, siteKey);
            return 0;
        }, cancellationToken);
        return $"root {_root!.Value.Certificate.SerialNumber[..8]}…, site {_site!.Value.Certificate.CommonName} valid to {_site.Value.Certificate.NotAfter:yyyy-MM-dd}";
    }

    /// <summary>The root certificate and key.</summary>
    public async Task<(Sm2Certificate Certificate, Sm2PrivateKey Key)> RootAsync(CancellationToken cancellationToken)
    {
        if (_root is null)
        {
            await EnsureAsync(cancellationToken);
        }

        return _root!.Value;
    }

    /// <summary>The site certificate and key (the node's signing identity).</summary>
    public async Task<(Sm2Certificate Certificate, Sm2PrivateKey Key)> SiteAsync(CancellationToken cancellationToken)
    {
        if (_site is null)
        {
            await EnsureAsync(cancellationToken);
        }

        return _site!.Value;
    }

    /// <summary>Issues a user or device certificate, from a PKCS#10 request or with a key generated here.</summary>
    public async Task<IssuedCertificate> IssueAsync(string kind, string commonName, long? userId, string? deviceCode, string? requestPem, string actor, CancellationToken cancellationToken)
    {
        if (kind is not (CertificateKinds.User or CertificateKinds.Device))
        {
            throw new CertificateAuthorityException("kind", ErrorCodes.UnknownValue, new Dictionary<string, object?> { ["value"] = kind });
        }

        Sm2PublicKey subjectKey;
        string? privateKeyPem = null;
        if (!string.IsNullOrWhiteSpace(requestPem))
        {
            var request = Parse("request", () => Sm2CertificateRequest.Parse(requestPem));
            if (!request.IsSelfSigned())
            {
                throw new CertificateAuthorityException("request", ErrorCodes.CryptoRequestNotSelfSigned);
            }

            subjectKey = request.PublicKey;
        }
        else
        {
            var pair = Sm2.GenerateKeyPair();
            subjectKey = pair.PublicKey;
            privateKeyPem = pair.PrivateKey.ToPem();
        }

        var (root, rootKey) = await RootAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var days = kind == CertificateKinds.User ? options.UserCertificateDays : options.DeviceCertificateDays;
        var certificate = Sm2CertificateIssuer.Issue(new CertificateSpec(
            new DistinguishedName(commonName, options.Organisation, kind == CertificateKinds.User ? "用户" : "设备"),
            kind == CertificateKinds.User ? CertificateProfile.User : CertificateProfile.Device, now.AddMinutes(-5), now.AddDays(days)),
            subjectKey, root, rootKey);
        var record = await database.InTransactionAsync(
            (connection, transaction) => InsertAsync(connection, transaction, kind, "issued", certificate, userId, deviceCode, actor, cancellationToken), cancellationToken);
        return new IssuedCertificate(record, privateKeyPem);
    }

    /// <summary>Imports a certificate of the bureau: a certificate authority to trust, or a user's certificate (which
    /// must chain to a trusted authority).</summary>
    public async Task<CertificateRecord> ImportAsync(string kind, string pem, long? userId, string actor, CancellationToken cancellationToken)
    {
        var certificate = Parse("certificate", () => Sm2Certificate.Parse(pem));
        switch (kind)
        {
            case CertificateKinds.TrustedAuthority:
                if (!certificate.IsCertificateAuthority)
                {
                    throw new CertificateAuthorityException("certificate", ErrorCodes.CryptoNotAuthority);
                }

                if (certificate.IsSelfIssued && !certificate.IsSignedBy(certificate.PublicKey))
                {
                    throw new CertificateAuthorityException("certificate", ErrorCodes.CryptoCertificateInvalid, new Dictionary<string, object?> { ["reason"] = "its self-signature does not verify." });
                }

                break;
            case CertificateKinds.User:
                var validation = await ValidateAsync(certificate, "clientAuth", cancellationToken);
                if (!validation.IsValid)
                {
                    throw new CertificateAuthorityException("certificate", ErrorCodes.CryptoCertificateInvalid, new Dictionary<string, object?> { ["reason"] = validation.Reason });
                }

                break;
            default:
                throw new CertificateAuthorityException("kind", ErrorCodes.UnknownValue, new Dictionary<string, object?> { ["value"] = kind });
        }

        try
        {
            return await database.InTransactionAsync(
                (connection, transaction) => InsertAsync(connection, transaction, kind, "imported", certificate, userId, null, actor, cancellationToken), cancellationToken);
        }
        catch (DbException ex) when (StoreFailures.UniqueViolationColumn(ex) is not null)
        {
            throw new CertificateAuthorityException("certificate", ErrorCodes.CryptoCertificateInUse);
        }
    }

    /// <summary>Revokes a certificate (never the root); a revoked site certificate is replaced at once.</summary>
    public async Task<CertificateRecord?> RevokeAsync(long id, RevocationReason reason, string actor, CancellationToken cancellationToken)
    {
        var record = await GetAsync(id, cancellationToken);
        if (record is null)
        {
            return null;
        }

        if (record.Kind == CertificateKinds.Root)
        {
            throw new CertificateAuthorityException("id", ErrorCodes.CryptoRootNotRevocable);
        }

        if (record.IsRevoked)
        {
            throw new CertificateAuthorityException("id", ErrorCodes.CryptoAlreadyRevoked);
        }

        await using (var connection = await database.OpenConnectionAsync(cancellationToken))
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE crypto_certificates SET revoked_at = @now, revocation_reason = @reason, revoked_by = @actor WHERE id = @id AND revoked_at IS NULL",
                new { id, now = clock.GetUtcNow(), reason = reason.ToString(), actor }, cancellationToken: cancellationToken));
        }

        _crl = null;
        if (record.Kind == CertificateKinds.Site)
        {
            _site = null;
            await EnsureAsync(cancellationToken);
        }

        return await GetAsync(id, cancellationToken);
    }

    public async Task<CertificateRecord?> GetAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<CertificateRecord>(new CommandDefinition(
            $"SELECT {Columns} FROM crypto_certificates WHERE id = @id", new { id }, cancellationToken: cancellationToken));
    }

    /// <summary>The newest record with this fingerprint (SM3 of the DER).</summary>
    public async Task<CertificateRecord?> FindAsync(string fingerprint, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<CertificateRecord>(new CommandDefinition(
            $"SELECT {Columns} FROM crypto_certificates WHERE fingerprint = @fingerprint", new { fingerprint }, cancellationToken: cancellationToken));
    }

    /// <summary>Certificates, newest first, filtered by kind, user and a text in the common name or serial.</summary>
    public async Task<CertificatePage> ListAsync(string? kind, long? userId, string? search, int offset, int limit, CancellationToken cancellationToken)
    {
        var where = "WHERE (@kind IS NULL OR kind = @kind) AND (@userId IS NULL OR user_id = @userId) AND (@search IS NULL OR common_name LIKE @search OR serial LIKE @search)";
        var parameters = new { kind, userId, search = string.IsNullOrWhiteSpace(search) ? null : $"%{search.Trim()}%", offset, limit };
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var total = await connection.ExecuteScalarAsync<int>(new CommandDefinition($"SELECT COUNT(*) FROM crypto_certificates {where}", parameters, cancellationToken: cancellationToken));
        var items = await connection.QueryAsync<CertificateRecord>(new CommandDefinition(
            $"SELECT {Columns} FROM crypto_certificates {where} ORDER BY created_at DESC, id DESC LIMIT @limit OFFSET @offset", parameters, cancellationToken: cancellationToken));
        return new CertificatePage([.. items], total);
    }

    /// <summary>The root's revocation list (every revoked certificate it issued), signed now and valid for a day;
    /// rebuilt after each revocation.</summary>
    public async Task<Sm2RevocationList> RevocationListAsync(CancellationToken cancellationToken)
    {
        var (root, rootKey) = await RootAsync(cancellationToken);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var revoked = (await connection.QueryAsync<CertificateRecord>(new CommandDefinition(
            $"SELECT {Columns} FROM crypto_certificates WHERE origin = 'issued' AND revoked_at IS NOT NULL AND issuer = @issuer ORDER BY revoked_at",
            new { issuer = root.Subject }, cancellationToken: cancellationToken))).ToList();
        var now = clock.GetUtcNow();
        var revision = $"{revoked.Count}:{revoked.LastOrDefault()?.RevokedAt:O}:{now:yyyyMMdd}";
        if (_crl is { } cached && cached.Revision == revision)
        {
            return cached.List;
        }

        var list = Sm2CertificateIssuer.CreateRevocationList(root, rootKey,
            revoked.Select(r => new RevokedCertificate(r.Serial, r.RevokedAt!.Value, Enum.TryParse<RevocationReason>(r.RevocationReason, out var reason) ? reason : RevocationReason.Unspecified)),
            now.ToUnixTimeSeconds(), now, now.AddDays(1));
        _crl = (revision, list);
        return list;
    }

    /// <summary>Checks a presented certificate against the node's root and the imported authorities, the node's
    /// revocation records, validity now and the usage.</summary>
    public async Task<CertificateValidation> ValidateAsync(Sm2Certificate certificate, string? usage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var (root, _) = await RootAsync(cancellationToken);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var authorities = (await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT certificate FROM crypto_certificates WHERE kind = @kind AND revoked_at IS NULL", new { kind = CertificateKinds.TrustedAuthority }, cancellationToken: cancellationToken)))
            .Select(Sm2Certificate.Parse).ToList();
        var revoked = (await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT fingerprint FROM crypto_certificates WHERE revoked_at IS NOT NULL", cancellationToken: cancellationToken))).ToHashSet(StringComparer.Ordinal);
        return Sm2CertificateValidator.Validate(certificate, [root, .. authorities], [], c => revoked.Contains(c.Fingerprint()), clock.GetUtcNow(), usage);
    }

    private static T Parse<T>(string field, Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (CryptoException ex)
        {
            throw new CertificateAuthorityException(field, ex.Code);
        }
    }

    private static async Task<CertificateRecord?> CurrentAsync(DbConnection connection, DbTransaction transaction, string kind, CancellationToken cancellationToken) =>
        await connection.QueryFirstOrDefaultAsync<CertificateRecord>(new CommandDefinition(
            $"SELECT {Columns} FROM crypto_certificates WHERE kind = @kind AND origin = 'issued' AND revoked_at IS NULL ORDER BY created_at DESC, id DESC LIMIT 1",
            new { kind }, transaction, cancellationToken: cancellationToken));

    private async Task<CertificateRecord> InsertAsync(DbConnection connection, DbTransaction transaction, string kind, string origin, Sm2Certificate certificate, long? userId, string? deviceCode, string actor, CancellationToken cancellationToken)
    {
        var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "INSERT INTO crypto_certificates (kind, origin, serial, issuer, subject, common_name, fingerprint, certificate, user_id, device_code, not_before, not_after, created_at, created_by) " +
            "VALUES (@kind, @origin, @serial, @issuer, @subject, @commonName, @fingerprint, @pem, @userId, @deviceCode, @notBefore, @notAfter, @now, @actor) RETURNING id",
            new
            {
                kind,
                origin,
                serial = certificate.SerialNumber,
                issuer = certificate.Issuer,
                subject = certificate.Subject,
                commonName = certificate.CommonName,
                fingerprint = certificate.Fingerprint(),
                pem = certificate.ToPem(),
                userId,
                deviceCode,
                notBefore = certificate.NotBefore,
                notAfter = certificate.NotAfter,
                now = clock.GetUtcNow(),
                actor,
            }, transaction, cancellationToken: cancellationToken));
        return (await connection.QuerySingleAsync<CertificateRecord>(new CommandDefinition(
            $"SELECT {Columns} FROM crypto_certificates WHERE id = @id", new { id }, transaction, cancellationToken: cancellationToken)))!;
    }
}
