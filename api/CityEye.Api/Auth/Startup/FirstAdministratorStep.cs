using CityEye.Api.Demo;
using CityEye.Api.Infrastructure;
using CityEye.Api.Infrastructure.Startup;
using CityEye.Core.Auth;
using CityEye.Core.Demo;
using CityEye.Core.Domain;
using CityEye.Core.Organisations;
using Microsoft.Extensions.Options;

namespace CityEye.Api.Auth.Startup;

/// <summary>
/// On a store without users and without demo seeding, creates <c>admin</c> with <c>CityEye:AdminPassword</c>, which
/// must satisfy the password policy like every other password.
/// </summary>
internal sealed class FirstAdministratorStep(
    IOptions<CityEyeOptions> options,
    IOptions<AuthOptions> authOptions,
    DemoSeedMonitor demo,
    UserStore users,
    OrganisationStore organisations,
    PasswordHasher hasher,
    ILogger<FirstAdministratorStep> logger) : IStartupStep
{
    public string Name => "first-admin";

    public async Task<string?> RunAsync(CancellationToken cancellationToken)
    {
        if (demo.Seeding)
        {
            return "the demo district creates the users";
        }

        if (await users.CountAsync(cancellationToken) > 0)
        {
            return "users exist";
        }

        var password = options.Value.AdminPassword;
        if (string.IsNullOrWhiteSpace(password))
        {
            logger.LogWarning("The store has no users. Set CityEye:AdminPassword to create the first administrator 'admin'");
            return "no users; CityEye:AdminPassword is not set";
        }

        var violations = new PasswordPolicy(authOptions.Value).Check("admin", password);
        if (violations.Count > 0)
        {
            throw new CannotStartException($"CityEye:AdminPassword is refused by the password policy: {string.Join(" ", violations.Select(v => v.Message))}");
        }

        var bureau = await organisations.EnsureAsync("310118000000", null, DemoSeedJob.BureauName, OrganisationKind.Bureau, null, cancellationToken);
        await users.CreateAsync(new NewUser("admin", "系统管理员", bureau, password, [BuiltInRoles.Administrator, BuiltInRoles.AllDevices, BuiltInRoles.AllServices]), hasher, cancellationToken);
        logger.LogInformation("Created the first administrator 'admin'");
        return "created admin";
    }
}
