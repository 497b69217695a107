using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace CityEye.Core.Auth;

/// <summary>
/// Runs PBKDF2 on a few dedicated threads (<see cref="AuthOptions.PasswordHashingThreads"/>) instead of the request
/// threads, behind a bounded queue: a burst of sign-ins costs at most those cores, the thread pool keeps serving
/// signed-in users, and beyond <see cref="AuthOptions.PasswordHashingQueue"/> waiting sign-ins the caller gets
/// <see cref="PasswordHashingBusyException"/> (429) at once instead of an ever longer wait.
/// </summary>
public sealed class PasswordHashingPool : IDisposable
{
    private readonly Channel<Work> _channel;
    private readonly Thread[] _threads;

    public PasswordHashingPool(IOptions<AuthOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value;
        _channel = Channel.CreateBounded<Work>(new BoundedChannelOptions(settings.PasswordHashingQueue) { FullMode = BoundedChannelFullMode.Wait });
        _threads = [.. Enumerable.Range(0, settings.PasswordHashingThreads).Select(i => new Thread(Run) { IsBackground = true, Name = $"cityeye-pbkdf2-{i}" })];
        foreach (var thread in _threads)
        {
            thread.Start();
        }
    }

    /// <summary>Verifies <paramref name="password"/> against <paramref name="encoded"/>; null <paramref name="encoded"/> spends the same time and answers false.</summary>
    public async Task<bool> VerifyAsync(string password, string? encoded, PasswordHasher hasher)
    {
        ArgumentNullException.ThrowIfNull(hasher);
        return (bool)await Enqueue(() =>
        {
            if (encoded is null)
            {
                hasher.VerifyNothing(password);
                return (object)false;
            }

            return PasswordHasher.Verify(password, encoded);
        });
    }

    public async Task<string> HashAsync(string password, PasswordHasher hasher)
    {
        ArgumentNullException.ThrowIfNull(hasher);
        return (string)await Enqueue(() => hasher.Hash(password));
    }

    public void Dispose() => _channel.Writer.TryComplete();

    private Task<object> Enqueue(Func<object> compute)
    {
        var work = new Work(compute, new TaskCompletionSource<object>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_channel.Writer.TryWrite(work))
        {
            throw new PasswordHashingBusyException();
        }

        return work.Completion.Task;
    }

    private void Run()
    {
        var reader = _channel.Reader;
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            while (reader.TryRead(out var work))
            {
                try
                {
                    work.Completion.SetResult(work.Compute());
                }
#pragma warning disable CA1031 // The waiting request gets the exception; the worker thread must survive it.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    work.Completion.SetException(ex);
                }
            }
        }
    }

    private sealed record Work(Func<object> Compute, TaskCompletionSource<object> Completion);
}
