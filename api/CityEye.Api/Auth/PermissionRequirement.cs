using Microsoft.AspNetCore.Authorization;

namespace CityEye.Api.Auth;

/// <summary>Requires one function permission.</summary>
internal sealed record PermissionRequirement(string Permission) : IAuthorizationRequirement;
