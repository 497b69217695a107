using CityEye.Core.Auth;
using CityEye.Core.Storage;
using Microsoft.Extensions.Options;

namespace CityEye.Api.Infrastructure.Startup;

/// <summary>Binds and validates every options class now, so bad configuration is one start-up line naming the key.</summary>
internal sealed class ConfigurationStep(IServiceProvider services) : IStartupStep
{
    public string Name => "configuration";

    public Task<string?> RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            _ = services.GetRequiredService<IOptions<CityEyeOptions>>().Value;
            _ = services.GetRequiredService<IOptions<StorageOptions>>().Value;
            _ = services.GetRequiredService<IOptions<AuthOptions>>().Value;
            _ = services.GetRequiredService<IOptions<HttpOptions>>().Value;
        }
        catch (InvalidOperationException ex)
        {
            // "Failed to convert configuration value at 'Storage:Provider' to type ..."
            throw new CannotStartException(ex.Message, ex);
        }
        catch (OptionsValidationException ex)
        {
            throw new CannotStartException(ex.Message, ex);
        }

        return Task.FromResult<string?>("valid");
    }
}
