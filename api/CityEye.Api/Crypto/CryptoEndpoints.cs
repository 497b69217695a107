using CityEye.Api.Auth;
using CityEye.Api.Infrastructure;
using CityEye.Core.Auth;
using CityEye.Core.Keys;
using CityEye.Core.Validation;
using CityEye.Crypto;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace CityEye.Api.Crypto;

/// <summary>
/// The integrity tool (CR-1: SM2/SM3 signatures in PKCS#1, PKCS#7 detached and attached form, over data and files),
/// the node's public signing identity and revocation list, the key hierarchy and the certificate authority (CR-2).
/// Bad input answers 400 with a crypto.* code and is written to the security log, like every failed verification.
/// </summary>
internal static class CryptoEndpoints
{
    public static void MapCryptoEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/crypto").WithTags("Crypto");
        group.MapPost("/sign", SignAsync)
            .RequirePermission(Permissions.CryptoSign)
            .WithName("Crypto_Sign")
            .WithSummary("Signs base64 data with the node's site certificate (SM2 with SM3): raw (DER r,s, the PKCS#1 form), pkcs7-detached or pkcs7-attached. Returns the signature (base64 DER) and the certificate (PEM).")
            .ProducesValidationProblem();
        group.MapPost("/verify", VerifyAsync)
            .RequirePermission(Permissions.CryptoSign)
            .WithName("Crypto_Verify")
            .WithSummary("Checks a signature in one of the three forms: that it matches the data, and that its certificate chains to the node's root or a trusted bureau CA, is in force and not revoked. A failed check is 200 with valid=false and an outcome code; malformed input is 400.")
            .ProducesValidationProblem();
        group.MapPost("/sign-file", SignFileAsync)
            .RequirePermission(Permissions.CryptoSign)
            .WithName("Crypto_SignFile")
            .WithSummary("Signs an uploaded file (multipart fields file, form, distinguishingId) like /api/crypto/sign; at most 16 MiB.")
            .Accepts<SignFileUpload>("multipart/form-data")
            .DisableAntiforgery()
            .ProducesValidationProblem();
        group.MapPost("/verify-file", VerifyFileAsync)
            .RequirePermission(Permissions.CryptoSign)
            .WithName("Crypto_VerifyFile")
            .WithSummary("Checks the signature of an uploaded file (multipart fields file, signature, form, certificate, distinguishingId) like /api/crypto/verify.")
            .Accepts<VerifyFileUpload>("multipart/form-data")
            .DisableAntiforgery()
            .ProducesValidationProblem();
        group.MapGet("/site", SiteAsync)
            .AllowAnonymous()
            .WithName("Crypto_Site")
            .WithSummary("The node's site certificate, its root certificate and the site SM2 public key (uncompressed point, hex): what clients verify the node's signatures with and encrypt sign-in secrets for.");
        group.MapGet("/crl", CrlAsync)
            .AllowAnonymous()
            .WithName("Crypto_Crl")
            .WithSummary("The revocation list of the node's root (PEM; ?format=der for DER), signed with SM2/SM3, valid for a day.")
            .Produces(StatusCodes.Status200OK, contentType: "application/pkix-crl");
        group.MapGet("/integrity", IntegrityAsync)
            .RequirePermission(Permissions.CryptoAudit)
            .WithName("Crypto_Integrity")
            .WithSummary("Checks now and reports: every user and role against its HMAC-SM3 (access-control data), the operation log's SM3 chain and its SM2-signed checkpoints (changed, removed or cut-off entries), and every shipped file against the signed release manifest. Each finding is also written to the security log.");
        group.MapPost("/integrity/checkpoint", CheckpointAsync)
            .RequirePermission(Permissions.CryptoAudit)
            .WithName("Crypto_LogCheckpoint")
            .WithSummary("Signs a checkpoint of the log chain now (they are also signed every Crypto:LogCheckpointMinutes); 204 when the latest checkpoint already covers the newest entry.");
        group.MapGet("/keys", KeysAsync)
            .RequirePermission(Permissions.CryptoManage)
            .WithName("Crypto_Keys")
            .WithSummary("The key hierarchy: the master key's identifier and where it lives, and every key it wraps (purpose, version, algorithm, state); never key material.");
        group.MapPost("/keys/{purpose}/rotate", RotateAsync)
            .RequirePermission(Permissions.CryptoManage)
            .WithName("Crypto_RotateKey")
            .WithSummary("Adds the next version of a data key and retires the current one, which stays for decrypting what it encrypted. Only the data key is rotated this way.")
            .ProducesValidationProblem();
        group.MapGet("/certificates", ListCertificatesAsync)
            .RequirePermission(Permissions.CryptoManage)
            .WithName("Crypto_Certificates")
            .WithSummary("Certificates the node issued or imported, newest first, by kind (root, site, device, user, trusted-ca), user and text.")
            .ProducesValidationProblem();
        group.MapGet("/certificates/{id:long}", GetCertificateAsync)
            .RequirePermission(Permissions.CryptoManage)
            .WithName("Crypto_Certificate")
            .WithSummary("One certificate with its PEM.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/certificates", IssueAsync)
            .RequirePermission(Permissions.CryptoManage)
            .WithName("Crypto_IssueCertificate")
            .WithSummary("Issues a user or device certificate from the node's root: from a PKCS#10 request (the key stays with its holder, e.g. a USB key) or with a key pair generated here, whose private key is returned once and not kept.")
            .ProducesValidationProblem();
        group.MapPost("/certificates/import", ImportAsync)
            .RequirePermission(Permissions.CryptoManage)
            .WithName("Crypto_ImportCertificate")
            .WithSummary("Imports a certificate of the bureau's CA: a certificate authority to trust, or a user's certificate (which must chain to a trusted authority) bound to a user.")
            .ProducesValidationProblem();
        group.MapPost("/certificates/{id:long}/revoke", RevokeAsync)
            .RequirePermission(Permissions.CryptoManage)
            .WithName("Crypto_RevokeCertificate")
            .WithSummary("Revokes a certificate (never the root): it fails every check from now on and is listed in the CRL; a revoked site certificate is replaced at once.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<Results<Ok<SignResponse>, ValidationProblem>> SignAsync(SignRequest request, HttpContext context, IntegrityTool tool, SecurityEventLog events, CancellationToken cancellationToken)
    {
        if (Base64(request.Data!) is not { } data)
        {
            return await BadInputAsync(context, events, "data", ErrorCodes.Format, "data is not base64", cancellationToken);
        }

        try
        {
            return TypedResults.Ok(await SignCoreAsync(data, request.Form!, request.DistinguishingId, tool, cancellationToken));
        }
        catch (CryptoException ex)
        {
            return await BadInputAsync(context, events, "data", ex.Code, ex.Message, cancellationToken);
        }
    }

    private static async Task<Results<Ok<SignResponse>, ValidationProblem>> SignFileAsync(
        IFormFile? file, [FromForm] string? form, [FromForm] string? distinguishingId, HttpContext context, IntegrityTool tool, SecurityEventLog events, CancellationToken cancellationToken)
    {
        if (file is null || file.Length == 0)
        {
            return Problems.Validation("file", ErrorCodes.Required);
        }

        if (form is null || !SignatureForms.All.Contains(form))
        {
            return Problems.Validation("form", ErrorCodes.UnknownValue, new Dictionary<string, object?> { ["value"] = form });
        }

        if (file.Length > CryptoLimits.MaxBytes)
        {
            return await BadInputAsync(context, events, "file", ErrorCodes.Range, $"file of {file.Length} bytes", cancellationToken, new Dictionary<string, object?> { ["min"] = 1, ["max"] = CryptoLimits.MaxBytes });
        }

        try
        {
            return TypedResults.Ok(await SignCoreAsync(await ReadAsync(file, cancellationToken), form, distinguishingId, tool, cancellationToken));
        }
        catch (CryptoException ex)
        {
            return await BadInputAsync(context, events, "file", ex.Code, ex.Message, cancellationToken);
        }
    }

    private static async Task<SignResponse> SignCoreAsync(byte[] data, string form, string? id, IntegrityTool tool, CancellationToken cancellationToken)
    {
        var result = await tool.SignAsync(data, form, id, cancellationToken);
        return new SignResponse(Convert.ToBase64String(result.Signature), result.Form, result.Certificate.ToPem(), result.Certificate.Fingerprint(), result.DistinguishingId, "SM2-with-SM3 (1.2.156.10197.1.501)");
    }

    private static async Task<Results<Ok<VerifyResponse>, ValidationProblem>> VerifyAsync(VerifyRequest request, HttpContext context, IntegrityTool tool, SecurityEventLog events, CancellationToken cancellationToken)
    {
        byte[]? data = null;
        if (!string.IsNullOrEmpty(request.Data) && (data = Base64(request.Data)) is null)
        {
            return await BadInputAsync(context, events, "data", ErrorCodes.Format, "data is not base64", cancellationToken);
        }

        if (Base64(request.Signature!) is not { } signature)
        {
            return await BadInputAsync(context, events, "signature", ErrorCodes.Format, "signature is not base64", cancellationToken);
        }

        return await VerifyCoreAsync(data, signature, request.Form!, request.Certificate, request.DistinguishingId, context, tool, events, cancellationToken);
    }

    private static async Task<Results<Ok<VerifyResponse>, ValidationProblem>> VerifyFileAsync(
        IFormFile? file, IFormFile? signature, [FromForm] string? form, [FromForm] string? certificate, [FromForm] string? distinguishingId,
        HttpContext context, IntegrityTool tool, SecurityEventLog events, CancellationToken cancellationToken)
    {
        if (signature is null || signature.Length == 0)
        {
            return Problems.Validation("signature", ErrorCodes.Required);
        }

        if (form is null || !SignatureForms.All.Contains(form))
        {
            return Problems.Validation("form", ErrorCodes.UnknownValue, new Dictionary<string, object?> { ["value"] = form });
        }

        if (file?.Length > CryptoLimits.MaxBytes || signature.Length > CryptoLimits.MaxBytes + (1024 * 1024))
        {
            return await BadInputAsync(context, events, "file", ErrorCodes.Range, "upload too large", cancellationToken, new Dictionary<string, object?> { ["min"] = 1, ["max"] = CryptoLimits.MaxBytes });
        }

        var data = file is { Length: > 0 } ? await ReadAsync(file, cancellationToken) : null;
        var signatureBytes = await ReadAsync(signature, cancellationToken);
        // A signature file may be PEM ("-----BEGIN PKCS7-----"/"CMS") or base64 text as well as DER.
        signatureBytes = Unarmour(signatureBytes);
        return await VerifyCoreAsync(data, signatureBytes, form, certificate, distinguishingId, context, tool, events, cancellationToken);
    }

    private static async Task<Results<Ok<VerifyResponse>, ValidationProblem>> VerifyCoreAsync(
        byte[]? data, byte[] signature, string form, string? certificate, string? id, HttpContext context, IntegrityTool tool, SecurityEventLog events, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(certificate))
        {
            try
            {
                _ = Sm2Certificate.Parse(certificate);
            }
            catch (CryptoException ex)
            {
                return await BadInputAsync(context, events, "certificate", ex.Code, ex.Message, cancellationToken);
            }
        }

        VerifyResult result;
        try
        {
            result = await tool.VerifyAsync(data, signature, form, certificate, id, cancellationToken);
        }
        catch (CryptoException ex)
        {
            return await BadInputAsync(context, events, "signature", ex.Code, ex.Message, cancellationToken);
        }

        if (!result.Valid)
        {
            var user = context.User.ToUserData();
            await events.WriteAsync("crypto.verifyFailed", user.Username, user.UserId, context.Connection.RemoteIpAddress?.ToString(),
                $"{form}: {result.Outcome}: {result.Reason}", cancellationToken);
        }

        return TypedResults.Ok(new VerifyResponse(
            result.Valid, result.Outcome, result.Reason, result.SignatureValid, result.Signer is null ? null : CertificateSummary.Of(result.Signer),
            result.DistinguishingId, result.SigningTime, form == SignatureForms.Pkcs7Attached && result.Content is not null ? Convert.ToBase64String(result.Content) : null));
    }

    private static async Task<Ok<SiteIdentityResponse>> SiteAsync(CertificateAuthority authority, CancellationToken cancellationToken)
    {
        var (site, _) = await authority.SiteAsync(cancellationToken);
        var (root, _) = await authority.RootAsync(cancellationToken);
        return TypedResults.Ok(new SiteIdentityResponse(site.ToPem(), root.ToPem(), site.PublicKey.ToHex(), site.Fingerprint(), Sm2.DefaultId));
    }

    private static async Task<IResult> CrlAsync(string? format, CertificateAuthority authority, CancellationToken cancellationToken)
    {
        var crl = await authority.RevocationListAsync(cancellationToken);
        return format == "der"
            ? TypedResults.File(crl.ToDer(), "application/pkix-crl", "cityeye.crl")
            : TypedResults.Text(crl.ToPem(), "application/x-pem-file");
    }

    private static async Task<Ok<IntegrityReport>> IntegrityAsync(
        Core.Auth.AccessIntegrity access, Logs.LogChainVerifier chains, LogCheckpoints checkpoints, ExecutableIntegrity executables, TimeProvider clock, CancellationToken cancellationToken)
    {
        var accessReport = await access.ScanAsync(cancellationToken);
        var chain = await chains.VerifyAsync(cancellationToken);
        var signed = await checkpoints.VerifyAsync(chain, cancellationToken);
        var accessControl = new AccessControlIntegrity(accessReport.Intact, accessReport.Users, accessReport.Roles, accessReport.Findings);
        var logs = new LogIntegrity(chain.Intact && signed.Intact, chain, signed);
        var shipped = await executables.CheckAsync(cancellationToken);
        return TypedResults.Ok(new IntegrityReport(clock.GetUtcNow(), accessControl.Intact && logs.Intact && shipped.Verified, accessControl, logs, shipped));
    }

    private static async Task<Results<Ok<LogCheckpoint>, NoContent>> CheckpointAsync(LogCheckpoints checkpoints, CancellationToken cancellationToken) =>
        await checkpoints.WriteAsync(cancellationToken) is { } checkpoint ? TypedResults.Ok(checkpoint) : TypedResults.NoContent();

    private static async Task<Ok<KeysResponse>> KeysAsync(KeyStore keys, CancellationToken cancellationToken) =>
        TypedResults.Ok(new KeysResponse(keys.Master.Id, keys.Master.Source, [.. (await keys.ListAsync(cancellationToken)).Select(KeyResponse.Of)]));

    private static async Task<Results<Ok<KeyResponse>, ValidationProblem>> RotateAsync(string purpose, HttpContext context, KeyStore keys, SecurityEventLog events, CancellationToken cancellationToken)
    {
        if (!KeyPurposes.Symmetric.TryGetValue(purpose, out var rotatable))
        {
            return Problems.Validation("purpose", ErrorCodes.UnknownValue, new Dictionary<string, object?> { ["value"] = purpose });
        }

        if (!rotatable)
        {
            return Problems.Validation("purpose", ErrorCodes.CryptoKeyNotRotatable);
        }

        var user = context.User.ToUserData();
        var info = await keys.RotateAsync(purpose, user.Username, cancellationToken);
        await events.WriteAsync("crypto.keyRotated", user.Username, user.UserId, context.Connection.RemoteIpAddress?.ToString(), $"{purpose} → version {info.Version}", cancellationToken);
        return TypedResults.Ok(KeyResponse.Of(info));
    }

    private static async Task<Ok<CertificatePageResponse>> ListCertificatesAsync([AsParameters] CertificateListRequest request, CertificateAuthority authority, TimeProvider clock, CancellationToken cancellationToken)
    {
        var page = await authority.ListAsync(request.Kind, request.UserId, request.Q, (request.Page - 1) * request.PageSize, request.PageSize, cancellationToken);
        var now = clock.GetUtcNow();
        return TypedResults.Ok(new CertificatePageResponse([.. page.Items.Select(r => CertificateResponse.Of(r, now))], page.Total));
    }

    private static async Task<Results<Ok<CertificateResponse>, ProblemHttpResult>> GetCertificateAsync(long id, CertificateAuthority authority, TimeProvider clock, CancellationToken cancellationToken) =>
        await authority.GetAsync(id, cancellationToken) is { } record
            ? TypedResults.Ok(CertificateResponse.Of(record, clock.GetUtcNow()))
            : Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound);

    private static async Task<Results<Created<IssuedCertificateResponse>, ValidationProblem>> IssueAsync(
        IssueCertificateRequest request, HttpContext context, Caller caller, Users.AccessGuard guard, CertificateAuthority authority, UserStore users, SecurityEventLog events, TimeProvider clock, CancellationToken cancellationToken)
    {
        string commonName;
        if (request.Kind == CertificateKinds.User)
        {
            if (request.UserId is not { } userId)
            {
                return Problems.Validation("userId", ErrorCodes.Required);
            }

            // A user certificate signs its holder in: only for a user the caller may manage and does not outrank.
            if (await users.GetAsync(userId, cancellationToken) is not { } account || await guard.CheckTargetAsync(caller, userId, cancellationToken) is not null)
            {
                return Problems.Validation("userId", ErrorCodes.UnknownValue, new Dictionary<string, object?> { ["value"] = userId });
            }

            commonName = string.IsNullOrWhiteSpace(request.CommonName) ? account.Username : request.CommonName.Trim();
        }
        else
        {
            if (string.IsNullOrWhiteSpace(request.DeviceCode) && string.IsNullOrWhiteSpace(request.CommonName))
            {
                return Problems.Validation("deviceCode", ErrorCodes.Required);
            }

            commonName = string.IsNullOrWhiteSpace(request.CommonName) ? request.DeviceCode!.Trim() : request.CommonName.Trim();
        }

        var actor = context.User.ToUserData();
        try
        {
            var issued = await authority.IssueAsync(request.Kind!, commonName, request.Kind == CertificateKinds.User ? request.UserId : null, request.DeviceCode?.Trim(), request.Request, actor.Username, cancellationToken);
            await events.WriteAsync("crypto.certificateIssued", actor.Username, actor.UserId, context.Connection.RemoteIpAddress?.ToString(),
                $"{issued.Record.Kind} \"{issued.Record.CommonName}\" serial {issued.Record.Serial}{(issued.PrivateKeyPem is null ? " from a request" : " with a generated key")}", cancellationToken);
            return TypedResults.Created($"/api/crypto/certificates/{issued.Record.Id}", new IssuedCertificateResponse(CertificateResponse.Of(issued.Record, clock.GetUtcNow()), issued.PrivateKeyPem));
        }
        catch (CertificateAuthorityException ex)
        {
            return await BadInputAsync(context, events, ex.Field, ex.Code, ex.Message, cancellationToken, ex.Args);
        }
    }

    private static async Task<Results<Created<CertificateResponse>, ValidationProblem>> ImportAsync(
        ImportCertificateRequest request, HttpContext context, Caller caller, Users.AccessGuard guard, CertificateAuthority authority, UserStore users, SecurityEventLog events, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (request.Kind == CertificateKinds.User)
        {
            if (request.UserId is not { } userId)
            {
                return Problems.Validation("userId", ErrorCodes.Required);
            }

            if (await users.GetAsync(userId, cancellationToken) is null || await guard.CheckTargetAsync(caller, userId, cancellationToken) is not null)
            {
                return Problems.Validation("userId", ErrorCodes.UnknownValue, new Dictionary<string, object?> { ["value"] = userId });
            }
        }

        var actor = context.User.ToUserData();
        try
        {
            var record = await authority.ImportAsync(request.Kind!, request.Certificate!, request.Kind == CertificateKinds.User ? request.UserId : null, actor.Username, cancellationToken);
            await events.WriteAsync("crypto.certificateImported", actor.Username, actor.UserId, context.Connection.RemoteIpAddress?.ToString(),
                $"{record.Kind} \"{record.CommonName}\" serial {record.Serial} issued by {record.Issuer}", cancellationToken);
            return TypedResults.Created($"/api/crypto/certificates/{record.Id}", CertificateResponse.Of(record, clock.GetUtcNow()));
        }
        catch (CertificateAuthorityException ex)
        {
            return await BadInputAsync(context, events, ex.Field, ex.Code, ex.Message, cancellationToken, ex.Args);
        }
    }

    private static async Task<Results<Ok<CertificateResponse>, ValidationProblem, ProblemHttpResult>> RevokeAsync(
        long id, RevokeCertificateRequest request, HttpContext context, CertificateAuthority authority, SecurityEventLog events, TimeProvider clock, CancellationToken cancellationToken)
    {
        var actor = context.User.ToUserData();
        try
        {
            var record = await authority.RevokeAsync(id, Enum.Parse<RevocationReason>(request.Reason!), actor.Username, cancellationToken);
            if (record is null)
            {
                return Problems.Of(StatusCodes.Status404NotFound, ErrorCodes.NotFound);
            }

            await events.WriteAsync("crypto.certificateRevoked", actor.Username, actor.UserId, context.Connection.RemoteIpAddress?.ToString(),
                $"{record.Kind} \"{record.CommonName}\" serial {record.Serial}: {record.RevocationReason}", cancellationToken);
            return TypedResults.Ok(CertificateResponse.Of(record, clock.GetUtcNow()));
        }
        catch (CertificateAuthorityException ex)
        {
            return Problems.Validation(ex.Field, ex.Code, ex.Args);
        }
    }

    /// <summary>A 400 for input the cryptography cannot use, written to the security log first.</summary>
    private static async Task<ValidationProblem> BadInputAsync(HttpContext context, SecurityEventLog events, string field, string code, string detail, CancellationToken cancellationToken, IReadOnlyDictionary<string, object?>? args = null)
    {
        var user = context.User.ToUserData();
        await events.WriteAsync("crypto.badInput", user.Username, user.UserId, context.Connection.RemoteIpAddress?.ToString(),
            $"{context.Request.Path}: {field}: {code}: {detail}", cancellationToken);
        return Problems.Validation(field, code, args);
    }

    private static byte[]? Base64(string text)
    {
        var buffer = new byte[(text.Length * 3 / 4) + 3];
        return Convert.TryFromBase64String(text.Trim(), buffer, out var written) ? buffer[..written] : null;
    }

    private static async Task<byte[]> ReadAsync(IFormFile file, CancellationToken cancellationToken)
    {
        await using var stream = file.OpenReadStream();
        using var buffer = new MemoryStream((int)file.Length);
        await stream.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }

    private static byte[] Unarmour(byte[] bytes)
    {
        if (bytes.Length == 0 || bytes[0] == 0x30)
        {
            return bytes;
        }

        var text = System.Text.Encoding.ASCII.GetString(bytes).Trim();
        if (System.Security.Cryptography.PemEncoding.TryFind(text, out var fields))
        {
            text = text[fields.Base64Data];
        }

        var buffer = new byte[(text.Length * 3 / 4) + 3];
        return Convert.TryFromBase64String(text, buffer, out var written) ? buffer[..written] : bytes;
    }
}
