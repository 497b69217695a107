using CityEye.Core.Jobs;
using CityEye.Core.Storage;
using CityEye.Core.Tests.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace CityEye.Core.Tests.Jobs;

public sealed class JobTests
{
    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task JobStore_LifeCycle_RecordsProgressResultAndMessages(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var store = await TestStore.CreateAsync(provider, ct);
        var jobs = new JobStore(store.Database, store.Time);

        var job = await jobs.EnqueueAsync("import", "导入设备", """{"file":"a.xlsx"}""", "clerk", null, ct);
        Assert.True(await jobs.TryStartAsync(job.Id, ct));
        Assert.False(await jobs.TryStartAsync(job.Id, ct));
        await jobs.ReportProgressAsync(job.Id, 0.5, "half", ct);
        await jobs.AddMessageAsync(job.Id, "info", "row 10 skipped", ct);
        var running = await jobs.GetAsync(job.Id, ct);
        Assert.Equal(JobStatus.Running, running?.Status);
        Assert.Equal(0.5, running?.Progress);
        Assert.Equal("half", running?.Message);
        Assert.Equal(1, running?.Attempts);

        await jobs.FinishAsync(job.Id, JobStatus.Succeeded, "42 rows", null, ct);
        await jobs.FinishAsync(job.Id, JobStatus.Failed, null, "late", ct);

        var done = await jobs.GetAsync(job.Id, ct);
        Assert.Equal(JobStatus.Succeeded, done?.Status);
        Assert.Equal(1.0, done?.Progress);
        Assert.Equal("42 rows", done?.Result);
        Assert.Null(done?.Error);
        Assert.Equal(store.Time.GetUtcNow(), done?.FinishedAt);
        Assert.Equal("clerk", done?.CreatedBy);
        Assert.Equal(["row 10 skipped"], (await jobs.GetMessagesAsync(job.Id, ct)).Select(m => m.Message));
        var (items, total) = await jobs.ListAsync(0, 10, null, null, ct);
        Assert.Equal(1, total);
        Assert.Equal(job.Id, items[0].Id);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task RequestCancelAsync_QueuedJob_CancelsAtOnceAndFinishedJobStays(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var store = await TestStore.CreateAsync(provider, ct);
        var jobs = new JobStore(store.Database, store.Time);
        var queued = await jobs.EnqueueAsync("export", "导出", null, null, null, ct);
        var finished = await jobs.EnqueueAsync("export", "导出 2", null, null, null, ct);
        await jobs.TryStartAsync(finished.Id, ct);
        await jobs.FinishAsync(finished.Id, JobStatus.Failed, null, "disk full", ct);

        var cancelled = await jobs.RequestCancelAsync(queued.Id, ct);
        var unchanged = await jobs.RequestCancelAsync(finished.Id, ct);

        Assert.Equal(JobStatus.Cancelled, cancelled?.Status);
        Assert.False(await jobs.TryStartAsync(queued.Id, ct));
        Assert.Equal(JobStatus.Failed, unchanged?.Status);
        Assert.False(unchanged?.CancelRequested);
        Assert.Null(await jobs.RequestCancelAsync(Guid.NewGuid().ToString(), ct));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task RecoverInterruptedAsync_AfterCrash_RequeuesResumableAndFailsTheRest(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var store = await TestStore.CreateAsync(provider, ct);
        var jobs = new JobStore(store.Database, store.Time);
        var resumable = await jobs.EnqueueAsync("seed", "seed", null, null, null, ct);
        var other = await jobs.EnqueueAsync("export", "export", null, null, null, ct);
        var stopping = await jobs.EnqueueAsync("export", "export 2", null, null, null, ct);
        foreach (var id in new[] { resumable.Id, other.Id, stopping.Id })
        {
            await jobs.TryStartAsync(id, ct);
        }

        await jobs.RequestCancelAsync(stopping.Id, ct);

        Assert.Equal(3, await jobs.RecoverInterruptedAsync(["seed"], ct));

        Assert.Equal(JobStatus.Queued, (await jobs.GetAsync(resumable.Id, ct))?.Status);
        var failed = await jobs.GetAsync(other.Id, ct);
        Assert.Equal(JobStatus.Failed, failed?.Status);
        Assert.Contains("restart", failed?.Error, StringComparison.Ordinal);
        Assert.Equal(JobStatus.Cancelled, (await jobs.GetAsync(stopping.Id, ct))?.Status);
        Assert.True(await jobs.TryStartAsync(resumable.Id, ct));
        Assert.Equal(2, (await jobs.GetAsync(resumable.Id, ct))?.Attempts);
    }

    [Fact]
    public async Task JobRunner_RunsFailsAndCancelsJobs()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var store = await TestStore.CreateAsync("Sqlite", ct);
        var jobs = new JobStore(store.Database, TimeProvider.System);
        var readiness = new ReadinessRegistry();
        // The runner's clock is the store's fake one: it polls only when told (Wake) and notices a cancel request
        // when the test moves the clock, not after real seconds.
        using var runner = new JobRunner(jobs, [new EchoJob(), new FailingJob(), new WaitingJob()], readiness, NullLogger<JobRunner>.Instance, store.Time);
        await runner.StartAsync(ct);
        try
        {
            var echo = await jobs.EnqueueAsync(EchoJob.JobKind, "echo", "hello", null, null, ct);
            var fail = await jobs.EnqueueAsync(FailingJob.JobKind, "fail", null, null, null, ct);
            var wait = await jobs.EnqueueAsync(WaitingJob.JobKind, "wait", null, null, null, ct);
            runner.Wake();

            Assert.Equal(JobStatus.Succeeded, (await WaitForAsync(jobs, echo.Id, j => j.IsFinished, ct)).Status);
            Assert.Equal("hello!", (await jobs.GetAsync(echo.Id, ct))?.Result);
            var failed = await WaitForAsync(jobs, fail.Id, j => j.IsFinished, ct);
            Assert.Equal(JobStatus.Failed, failed.Status);
            Assert.Equal("the disk is full", failed.Error);

            await WaitForAsync(jobs, wait.Id, j => j.Status == JobStatus.Running && j.Progress > 0, ct);
            await jobs.RequestCancelAsync(wait.Id, ct);
            store.Time.Advance(TimeSpan.FromSeconds(1));
            var cancelled = await WaitForAsync(jobs, wait.Id, j => j.IsFinished, ct);
            Assert.Equal(JobStatus.Cancelled, cancelled.Status);
            Assert.True(readiness.IsReady);
        }
        finally
        {
            await runner.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task JobRunner_EachKindHasItsOwnSlots_AQuickJobDoesNotWaitBehindALongOne()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var store = await TestStore.CreateAsync("Sqlite", ct);
        var jobs = new JobStore(store.Database, TimeProvider.System);
        using var runner = new JobRunner(jobs, [new EchoJob(), new WaitingJob()], new ReadinessRegistry(), NullLogger<JobRunner>.Instance, store.Time);
        var first = await jobs.EnqueueAsync(WaitingJob.JobKind, "long 1", null, null, null, ct);
        var second = await jobs.EnqueueAsync(WaitingJob.JobKind, "long 2", null, null, null, ct);
        var quick = await jobs.EnqueueAsync(EchoJob.JobKind, "quick", "hi", null, null, ct);
        await runner.StartAsync(ct);
        try
        {
            // The quick job was queued after two long ones of another kind and still finishes while they wait.
            Assert.Equal(JobStatus.Succeeded, (await WaitForAsync(jobs, quick.Id, j => j.IsFinished, ct)).Status);
            await WaitForAsync(jobs, first.Id, j => j.Status == JobStatus.Running, ct);
            // One slot for the long kind: the second long job is still queued.
            Assert.Equal(JobStatus.Queued, (await jobs.GetAsync(second.Id, ct))!.Status);
        }
        finally
        {
            await jobs.RequestCancelAsync(first.Id, ct);
            await jobs.RequestCancelAsync(second.Id, ct);
            runner.Signal(first.Id);
            await runner.StopAsync(ct);
        }
    }

    private static async Task<Job> WaitForAsync(JobStore jobs, string id, Func<Job, bool> condition, CancellationToken ct)
    {
        for (var i = 0; i < 300; i++)
        {
            var job = await jobs.GetAsync(id, ct);
            if (job is not null && condition(job))
            {
                return job;
            }

            await Task.Delay(100, ct);
        }

        throw new TimeoutException($"Job {id} did not reach the expected state.");
    }

    private sealed class EchoJob : IJobHandler
    {
        public const string JobKind = "echo";

        public string Kind => JobKind;

        public bool Resumable => true;

        public async Task<string?> RunAsync(JobContext context, CancellationToken cancellationToken)
        {
            await context.ReportAsync(0.5, "echoing", cancellationToken);
            return context.Job.Parameters + "!";
        }
    }

    private sealed class FailingJob : IJobHandler
    {
        public const string JobKind = "fail";

        public string Kind => JobKind;

        public bool Resumable => false;

        public Task<string?> RunAsync(JobContext context, CancellationToken cancellationToken) => throw new IOException("the disk is full");
    }

    private sealed class WaitingJob : IJobHandler
    {
        public const string JobKind = "wait";

        public string Kind => JobKind;

        public bool Resumable => false;

        public async Task<string?> RunAsync(JobContext context, CancellationToken cancellationToken)
        {
            await context.ReportAsync(0.1, "waiting for cancel", cancellationToken);
            await Task.Delay(TimeSpan.FromMinutes(5), cancellationToken);
            return "never";
        }
    }
}
