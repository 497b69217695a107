using CityEye.Api.Infrastructure;
using CityEye.Api.Infrastructure.Startup;
using CityEye.Core.Keys;
using Microsoft.Extensions.Options;

namespace CityEye.Api.Crypto;

/// <summary>National cryptography (the <c>Crypto</c> section): the master key, the key store, the certificate
/// authority and the integrity tool; the start-up step checks the master key and makes the root and site certificates.</summary>
internal static class CryptoFeature
{
    public static IServiceCollection AddCryptoFeature(this IServiceCollection services)
    {
        services.AddOptions<CryptoOptions>().BindConfiguration(CryptoOptions.SectionName).ValidateDataAnnotations()
            .Validate(o => o.SiteDnsNames.Length > 0 && o.SiteDnsNames.All(n => !string.IsNullOrWhiteSpace(n)), "Crypto:SiteDnsNames must name at least one host.")
            .ValidateOnStart();
        services.AddSingleton<IMasterKey>(sp => SoftwareMasterKey.Load(
            sp.GetRequiredService<IOptions<CryptoOptions>>().Value, sp.GetRequiredService<IOptions<CityEyeOptions>>().Value.ResolveDataDir()));
        services.AddSingleton<KeyStore>();
        services.AddSingleton(sp => new CertificateAuthority(
            sp.GetRequiredService<Core.Storage.Database>(), sp.GetRequiredService<KeyStore>(), sp.GetRequiredService<IOptions<CryptoOptions>>().Value, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IntegrityTool>();
        services.AddSingleton<FieldProtector>();
        services.AddSingleton<Core.Auth.AccessIntegrity>();
        services.AddSingleton<LogCheckpoints>();
        services.AddHostedService(sp => sp.GetRequiredService<LogCheckpoints>());
        services.AddSingleton<ExecutableIntegrity>();
        services.AddStartupStep<CryptoStep>();
        services.AddStartupStep<ExecutablesStep>();
        return services;
    }
}

/// <summary>Refuses to start with a master key other than the one that wrapped the stored keys; makes the root and
/// site certificates when missing (and renews the site certificate).</summary>
internal sealed class CryptoStep(IServiceProvider services) : IStartupStep
{
    public string Name => "crypto";

    public async Task<string?> RunAsync(CancellationToken cancellationToken)
    {
        KeyStore keys;
        try
        {
            keys = services.GetRequiredService<KeyStore>();
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or UnauthorizedAccessException or FormatException)
        {
            throw new CannotStartException($"The master key cannot be loaded: {ex.Message}", ex);
        }

        try
        {
            await keys.CheckMasterKeyAsync(cancellationToken);
        }
        catch (MasterKeyMismatchException ex)
        {
            throw new CannotStartException(ex.Message, ex);
        }

        // Every key of the hierarchy exists from the first start (the key page lists them; rotation needs a version 1).
        foreach (var purpose in KeyPurposes.Symmetric.Keys)
        {
            await keys.ActiveAsync(purpose, cancellationToken);
        }

        var certificates = await services.GetRequiredService<CertificateAuthority>().EnsureAsync(cancellationToken);
        var sealedRows = await services.GetRequiredService<Core.Auth.AccessIntegrity>().SealExistingOnceAsync(cancellationToken);
        return $"master key {keys.Master.Id} ({keys.Master.Source}); {certificates}" + (sealedRows > 0 ? $"; sealed {sealedRows} existing users and roles" : string.Empty);
    }
}
