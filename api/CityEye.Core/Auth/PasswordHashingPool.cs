using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace CityEye.Core.Auth;

/// <summary>
/// Runs PBKDF2 on a few dedicated threads (<see cref="AuthOptions.EffectivePasswordHashingThreads"/>) instead of the request
/// threads, behind a bounded queue: a burst of sign-ins costs at most those cores, the thread pool keeps serving
/// signed-in users, and beyond <see cref="AuthOptions.PasswordHashingQueue"/> waiting sign-ins the caller gets
/// <see cref="PasswordHashingBusyException"/> (429) at once instead of an ever longer wait.
/// </summary>
public sealed class PasswordHashingPool : IDisposable
{
    private readonly BlockingCollection<Action> _queue;

    public PasswordHashingPool(IOptions<AuthOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value;
        _queue = new BlockingCollection<Action>(settings.PasswordHashingQueue);
        for (var i = 0; i < settings.EffectivePasswordHashingThreads; i++)
        {
            new Thread(Run) { IsBackground = true, Name = $"cityeye-pbkdf2-{i}" }.Start();
        }
    }

    /// <summary>Verifies <paramref name="password"/> against <paramref name="encoded"/>; a null <paramref name="encoded"/> spends the same time and answers false.</summary>
    public Task<bool> VerifyAsync(string password, string? encoded, PasswordHasher hasher)
    {
        ArgumentNullException.ThrowIfNull(hasher);
        return Enqueue(() =>
        {
            if (encoded is null)
            {
                hasher.VerifyNothing(password);
                return false;
            }

            return PasswordHasher.Verify(password, encoded);
        });
    }

    public Task<string> HashAsync(string password, PasswordHasher hasher)
    {
        ArgumentNullException.ThrowIfNull(hasher);
        return Enqueue(() => hasher.Hash(password));
    }

    public void Dispose()
    {
        _queue.CompleteAdding();
        _queue.Dispose();
    }

    private Task<T> Enqueue<T>(Func<T> compute)
    {
        var completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.TryAdd(() =>
        {
            try
            {
                completion.SetResult(compute());
            }
#pragma warning disable CA1031 // The waiting request gets the exception; the worker thread must survive it.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                completion.SetException(ex);
            }
        }))
        {
            throw new PasswordHashingBusyException();
        }

        return completion.Task;
    }

    private void Run()
    {
        // A plain blocking take: waking an idle hashing thread needs no thread-pool work item.
        foreach (var work in _queue.GetConsumingEnumerable())
        {
            work();
        }
    }
}
