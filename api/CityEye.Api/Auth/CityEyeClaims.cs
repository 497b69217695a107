using System.Globalization;
using System.Security.Claims;
using CityEye.Core.Auth;

namespace CityEye.Api.Auth;

/// <summary>Claim types CityEye puts on its principals.</summary>
internal static class CityEyeClaims
{
    public const string Permission = "perm";
    public const string DisplayName = "display_name";
    public const string OrganisationId = "org_id";
    public const string OrganisationName = "org_name";
    public const string Service = "svc";
    public const string MustChangePassword = "must_change_password";
    public const string ApiTokenId = "token_id";
    public const string ApiTokenExpiresAt = "token_expires";

    public static ClaimsPrincipal ToPrincipal(UserPrincipalData user, string scheme)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, user.UserId.ToString(CultureInfo.InvariantCulture)),
            new(ClaimTypes.Name, user.Username),
            new(DisplayName, user.DisplayName),
            new(OrganisationId, user.OrganisationId.ToString(CultureInfo.InvariantCulture)),
            new(OrganisationName, user.OrganisationName),
        };
        if (user.MustChangePassword)
        {
            claims.Add(new Claim(MustChangePassword, "true"));
        }

        if (user.ApiTokenId is { } tokenId)
        {
            claims.Add(new Claim(ApiTokenId, tokenId.ToString(CultureInfo.InvariantCulture)));
            claims.Add(new Claim(ApiTokenExpiresAt, user.ApiTokenExpiresAt!.Value.ToString("O", CultureInfo.InvariantCulture)));
        }

        claims.AddRange(user.Roles.Select(r => new Claim(ClaimTypes.Role, r)));
        claims.AddRange(user.Permissions.Select(p => new Claim(Permission, p)));
        claims.AddRange(user.Services.Select(s => new Claim(Service, s)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme, ClaimTypes.Name, ClaimTypes.Role));
    }

    public static long UserId(this ClaimsPrincipal principal) =>
        long.Parse(principal.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("Not signed in."), CultureInfo.InvariantCulture);

    public static UserPrincipalData ToUserData(this ClaimsPrincipal principal) => new(
        principal.UserId(),
        principal.Identity?.Name ?? string.Empty,
        principal.FindFirstValue(DisplayName) ?? string.Empty,
        long.Parse(principal.FindFirstValue(OrganisationId) ?? "0", CultureInfo.InvariantCulture),
        principal.FindFirstValue(OrganisationName) ?? string.Empty,
        principal.FindAll(ClaimTypes.Role).Select(c => c.Value).ToList(),
        principal.FindAll(Permission).Select(c => c.Value).ToList(),
        principal.FindAll(Service).Select(c => c.Value).ToList(),
        principal.HasClaim(MustChangePassword, "true"),
        principal.FindFirstValue(ApiTokenId) is { } token ? long.Parse(token, CultureInfo.InvariantCulture) : null,
        principal.FindFirstValue(ApiTokenExpiresAt) is { } expires ? DateTimeOffset.Parse(expires, CultureInfo.InvariantCulture) : null);
}
