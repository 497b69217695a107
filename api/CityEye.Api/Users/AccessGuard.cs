using CityEye.Api.Auth;
using CityEye.Core.Auth;
using CityEye.Core.Devices;
using CityEye.Core.Validation;

namespace CityEye.Api.Users;

/// <summary>
/// The rules against privilege escalation in user and role administration (MLPS level 3, 三权分立 in spirit):
/// an administrator manages only the users of the units they manage (their own unit and the units below it, or every
/// unit with <see cref="Permissions.UsersAllUnits"/>); never changes their own roles; and grants, or writes into a
/// role, only function permissions they hold and devices inside their own device scope. Service roles only narrow
/// what a token may call (the token's function permissions still apply), so any user administrator grants them.
/// </summary>
internal sealed class AccessGuard(UserDirectory directory, DeviceGrantResolver resolver, RoleStore roles)
{
    /// <summary>The units <paramref name="caller"/> manages users of; null for every unit.</summary>
    public async Task<IReadOnlyList<long>?> ManagedUnitsAsync(Caller caller, CancellationToken cancellationToken) =>
        caller.User.Permissions.Contains(Permissions.UsersAllUnits)
            ? null
            : await directory.UnitsBelowAsync(caller.User.OrganisationId, cancellationToken);

    /// <summary>True when <paramref name="organisationId"/> is one of the units <paramref name="caller"/> manages.</summary>
    public async Task<bool> ManagesAsync(Caller caller, long organisationId, CancellationToken cancellationToken) =>
        await ManagedUnitsAsync(caller, cancellationToken) is not { } units || units.Contains(organisationId);

    /// <summary>
    /// Whether <paramref name="caller"/> may act on user <paramref name="userId"/> at all (lock, unlock, enable, disable,
    /// reset, edit, delete): the user exists in a managed unit (else 404) and holds no role the caller could not grant
    /// (else 403 <c>user.outranks</c>), so a unit administrator can never take over an account that outranks them.
    /// </summary>
    public async Task<(int Status, string Code)?> CheckTargetAsync(Caller caller, long userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var owners = await directory.OrganisationsOfAsync([userId], cancellationToken);
        if (!owners.TryGetValue(userId, out var unit) || !await ManagesAsync(caller, unit, cancellationToken))
        {
            return (StatusCodes.Status404NotFound, ErrorCodes.NotFound);
        }

        var held = await roles.GetManyAsync(await directory.RoleIdsAsync(userId, cancellationToken), cancellationToken);
        return (await CheckGrantableAsync(caller, held, "roleIds", cancellationToken)).Count > 0
            ? (StatusCodes.Status403Forbidden, ErrorCodes.UserOutranks)
            : null;
    }

    /// <summary>
    /// Whether <paramref name="caller"/> may change, switch or delete an existing role: only one who could grant all of
    /// it now, and (without <see cref="Permissions.UsersAllUnits"/>) only when every holder is in a managed unit.
    /// </summary>
    public async Task<IReadOnlyList<Violation>> CheckRoleAdministrationAsync(Caller caller, RoleDetail role, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(role);
        var violations = (await CheckGrantableAsync(caller, [role], "id", cancellationToken)).ToList();
        if (await ManagedUnitsAsync(caller, cancellationToken) is { } units && await roles.HoldersOutsideAsync(role.Role.Id, units, cancellationToken) > 0)
        {
            violations.Add(new Violation("id", ErrorCodes.RoleHeldOutsideUnits));
        }

        return violations;
    }

    /// <summary>What in these roles <paramref name="caller"/> may not hand out (empty when everything is fine).</summary>
    public async Task<IReadOnlyList<Violation>> CheckGrantableAsync(Caller caller, IEnumerable<RoleDetail> grantable, string field, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(grantable);
        var violations = new List<Violation>();
        foreach (var role in grantable)
        {
            violations.AddRange(await CheckDraftAsync(caller, role.Role.Kind, role.Permissions, role.DeviceGrants, field, role.Role.DisplayName, cancellationToken));
        }

        return violations;
    }

    /// <summary>What in a role's content <paramref name="caller"/> may not write.</summary>
    public async Task<IReadOnlyList<Violation>> CheckDraftAsync(Caller caller, string kind, IReadOnlyList<string> permissions, IReadOnlyList<DeviceGrant> grants, string field, string roleName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var violations = new List<Violation>();
        if (kind == RoleKinds.Function)
        {
            var missing = permissions.Where(p => !caller.User.Permissions.Contains(p)).ToList();
            if (missing.Count > 0)
            {
                violations.Add(new Violation(field, ErrorCodes.NotHeld, new Dictionary<string, object?> { ["value"] = $"{roleName}: {string.Join(", ", missing)}" }));
            }
        }
        else if (kind == RoleKinds.Device && !caller.DeviceScope.IsAll
            && grants.FirstOrDefault(g => g.Kind is DeviceGrantKinds.All or DeviceGrantKinds.Region or DeviceGrantKinds.Group) is { } open)
        {
            // Regions and business groups gain devices over time (and a region name may match none today): only
            // holders of every device hand them out.
            violations.Add(new Violation(field, ErrorCodes.NotHeld, new Dictionary<string, object?> { ["value"] = $"{roleName}: {open.Kind} {open.Value}" }));
        }
        else if (kind == RoleKinds.Device && !caller.DeviceScope.IsAll)
        {
            var (scope, owners) = await resolver.ResolveAsync(grants, cancellationToken);
            if (!scope.IsWithin(caller.DeviceScope, id => owners.GetValueOrDefault(id)))
            {
                violations.Add(new Violation(field, ErrorCodes.NotHeld, new Dictionary<string, object?> { ["value"] = $"{roleName}: {Describe(scope, caller.DeviceScope)}" }));
            }
        }

        return violations;
    }

    private static string Describe(DeviceScope wanted, DeviceScope held) => wanted.IsAll
        ? "all devices"
        : $"devices outside your device scope ({wanted.OrganisationIds.Count(o => !held.CoversOrganisation(o))} units)";
}
