using System.Data.Common;
using CityEye.Core.Auth;
using CityEye.Core.Domain;
using CityEye.Core.Organisations;
using CityEye.Core.Tests.Storage;
using Microsoft.Extensions.Options;

namespace CityEye.Core.Tests.Auth;

/// <summary>Users, sessions, tokens and sign-in over both store providers.</summary>
public sealed class AuthStoreTests
{
    private static readonly PasswordHasher Hasher = new(1_000);

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task CreateAsync_UserWithRole_FindsCaseInsensitivelyWithPermissions(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var store = await TestStore.CreateAsync(provider, ct);
        var (users, bureau, _) = await SeedAsync(store, ct);

        var id = await users.CreateAsync(new NewUser("Alice", "王爱丽", bureau, "pw-1", [BuiltInRoles.Investigator]), Hasher, ct);

        var found = await users.FindByUsernameAsync("  ALICE ", ct);
        Assert.NotNull(found);
        Assert.Equal(id, found.Id);
        Assert.Equal("alice", found.Username);
        Assert.Equal("上海市公安局青浦分局", found.OrganisationName);
        Assert.True(found.Enabled);
        var principal = await users.GetPrincipalAsync(id, ct);
        Assert.NotNull(principal);
        Assert.Equal([BuiltInRoles.Investigator], principal.Roles);
        Assert.Contains(Permissions.DevicesView, principal.Permissions);
        Assert.DoesNotContain(Permissions.JobsManage, principal.Permissions);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task CreateAsync_DuplicateUsernameOrUnknownRole_WritesNothing(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var store = await TestStore.CreateAsync(provider, ct);
        var (users, bureau, _) = await SeedAsync(store, ct);
        await users.CreateAsync(new NewUser("bob", "Bob", bureau, "pw", [BuiltInRoles.Auditor]), Hasher, ct);

        await Assert.ThrowsAnyAsync<DbException>(() => users.CreateAsync(new NewUser("BOB", "Bob 2", bureau, "pw", [BuiltInRoles.Auditor]), Hasher, ct));
        await Assert.ThrowsAsync<ArgumentException>(() => users.CreateAsync(new NewUser("carol", "Carol", bureau, "pw", ["no-such-role"]), Hasher, ct));

        Assert.Equal(1, await users.CountAsync(ct));
        Assert.Null(await users.FindByUsernameAsync("carol", ct));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task SignInAsync_RepeatedFailures_LocksUntilLockoutEnds(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var store = await TestStore.CreateAsync(provider, ct);
        var (users, bureau, signIn) = await SeedAsync(store, ct);
        await users.CreateAsync(new NewUser("dave", "Dave", bureau, "right", [BuiltInRoles.Investigator]), Hasher, ct);

        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(SignInFailure.InvalidCredentials, (await signIn.SignInAsync("dave", "wrong", "127.0.0.1", null, ct)).Failure);
        }

        var third = await signIn.SignInAsync("dave", "wrong", "127.0.0.1", null, ct);
        Assert.Equal(SignInFailure.Locked, third.Failure);
        Assert.Equal(store.Time.GetUtcNow().AddMinutes(10), third.LockedUntil);

        // The right password does not open a locked account.
        Assert.Equal(SignInFailure.Locked, (await signIn.SignInAsync("dave", "right", "127.0.0.1", null, ct)).Failure);

        store.Time.Advance(TimeSpan.FromMinutes(10));
        var after = await signIn.SignInAsync("dave", "right", "127.0.0.1", null, ct);
        Assert.True(after.Succeeded);
        Assert.NotNull(after.SessionKey);
        var events = await new SecurityEventLog(store.Database, store.Time).RecentAsync(20, ct);
        Assert.Equal(["login.succeeded", "login.locked", "login.lockout", "login.failed", "login.failed"], events.Select(e => e.Event).ToArray());
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task SignInAsync_UnknownDisabledOrExpired_FailsWithReason(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var store = await TestStore.CreateAsync(provider, ct);
        var (users, bureau, signIn) = await SeedAsync(store, ct);
        await users.CreateAsync(new NewUser("erin", "Erin", bureau, "pw", [BuiltInRoles.Investigator], Enabled: false), Hasher, ct);
        await users.CreateAsync(new NewUser("frank", "Frank", bureau, "pw", [BuiltInRoles.Investigator], ValidUntil: store.Time.GetUtcNow().AddMinutes(-1)), Hasher, ct);

        Assert.Equal(SignInFailure.InvalidCredentials, (await signIn.SignInAsync("nobody", "pw", null, null, ct)).Failure);
        Assert.Equal(SignInFailure.Disabled, (await signIn.SignInAsync("erin", "pw", null, null, ct)).Failure);
        Assert.Equal(SignInFailure.InvalidCredentials, (await signIn.SignInAsync("erin", "bad", null, null, ct)).Failure);
        Assert.Equal(SignInFailure.Expired, (await signIn.SignInAsync("frank", "pw", null, null, ct)).Failure);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Sessions_IdleTimeoutRevokeAndDisable_EndTheSession(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var store = await TestStore.CreateAsync(provider, ct);
        var (users, bureau, _) = await SeedAsync(store, ct);
        var userId = await users.CreateAsync(new NewUser("gina", "Gina", bureau, "pw", [BuiltInRoles.Investigator]), Hasher, ct);
        var sessions = new SessionStore(store.Database, store.Time);
        var idle = TimeSpan.FromMinutes(30);

        var key = await sessions.CreateAsync(userId, TimeSpan.FromHours(12), "127.0.0.1", "test", ct);
        Assert.Equal("gina", (await sessions.ValidateAsync(key, idle, true, ct))?.Username);

        // Use within the idle window keeps it alive past one idle period in total.
        store.Time.Advance(TimeSpan.FromMinutes(20));
        Assert.NotNull(await sessions.ValidateAsync(key, idle, true, ct));
        store.Time.Advance(TimeSpan.FromMinutes(20));
        Assert.NotNull(await sessions.ValidateAsync(key, idle, true, ct));
        store.Time.Advance(TimeSpan.FromMinutes(31));
        Assert.Null(await sessions.ValidateAsync(key, idle, true, ct));

        var second = await sessions.CreateAsync(userId, TimeSpan.FromHours(12), null, null, ct);
        await sessions.RevokeAsync(second, ct);
        Assert.Null(await sessions.ValidateAsync(second, idle, true, ct));

        var third = await sessions.CreateAsync(userId, TimeSpan.FromHours(12), null, null, ct);
        await users.SetEnabledAsync(userId, false, ct);
        Assert.Null(await sessions.ValidateAsync(third, idle, true, ct));
        Assert.Null(await sessions.ValidateAsync("not-a-session", idle, true, ct));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Sessions_BackgroundPolling_DoesNotExtendTheIdleTimeout(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var store = await TestStore.CreateAsync(provider, ct);
        var (users, bureau, _) = await SeedAsync(store, ct);
        var userId = await users.CreateAsync(new NewUser("hank", "Hank", bureau, "pw", [BuiltInRoles.Investigator]), Hasher, ct);
        var sessions = new SessionStore(store.Database, store.Time);
        var idle = TimeSpan.FromMinutes(30);
        var key = await sessions.CreateAsync(userId, TimeSpan.FromHours(12), null, null, ct);

        for (var minute = 0; minute < 29; minute++)
        {
            store.Time.Advance(TimeSpan.FromMinutes(1));
            Assert.NotNull(await sessions.ValidateAsync(key, idle, userActivity: false, ct));
        }

        store.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(await sessions.ValidateAsync(key, idle, userActivity: false, ct));
        Assert.Null(await sessions.ValidateAsync(key, idle, userActivity: true, ct));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task ApiTokens_CreateValidateExpireRevoke(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var store = await TestStore.CreateAsync(provider, ct);
        var (users, bureau, _) = await SeedAsync(store, ct);
        var userId = await users.CreateAsync(new NewUser("city", "市局接口", bureau, "pw", [BuiltInRoles.Administrator]), Hasher, ct);
        var tokens = new ApiTokenStore(store.Database, store.Time);

        var (info, secret) = await tokens.CreateAsync(userId, "市局级联", TimeSpan.FromDays(1), ct);
        var (_, other) = await tokens.CreateAsync(userId, "第三方", TimeSpan.FromDays(30), ct);

        Assert.StartsWith(ApiTokenStore.Prefix, secret, StringComparison.Ordinal);
        Assert.Equal("city", (await tokens.ValidateAsync(secret, ct))?.Username);
        Assert.Null(await tokens.ValidateAsync(secret + "x", ct));
        Assert.Equal(2, (await tokens.ListAsync(userId, ct)).Count);

        store.Time.Advance(TimeSpan.FromDays(2));
        Assert.Null(await tokens.ValidateAsync(secret, ct));
        Assert.NotNull(await tokens.ValidateAsync(other, ct));

        var otherId = (await tokens.ListAsync(userId, ct)).Single(t => t.Name == "第三方").Id;
        Assert.False(await tokens.RevokeAsync(userId + 1, otherId, ct));
        Assert.True(await tokens.RevokeAsync(userId, otherId, ct));
        Assert.Null(await tokens.ValidateAsync(other, ct));
        Assert.NotEqual(info.Id, otherId);
    }

    [Fact]
    public void PasswordHasher_RoundTripsAndRejectsTampering()
    {
        var hasher = new PasswordHasher(2_000);
        var hash = hasher.Hash("Admin#2026");

        Assert.StartsWith("pbkdf2-sha512$2000$", hash, StringComparison.Ordinal);
        Assert.NotEqual(hash, hasher.Hash("Admin#2026"));
        Assert.True(PasswordHasher.Verify("Admin#2026", hash));
        Assert.False(PasswordHasher.Verify("admin#2026", hash));
        Assert.False(PasswordHasher.Verify("Admin#2026", hash.Replace("$2000$", "$2001$", StringComparison.Ordinal)));
        Assert.False(PasswordHasher.Verify("Admin#2026", "plain-text"));
        Assert.False(PasswordHasher.Verify("Admin#2026", "pbkdf2-sha512$10$%%%$abc"));
    }

    internal static async Task<(UserStore Users, long BureauId, SignInService SignIn)> SeedAsync(TestStore store, CancellationToken ct)
    {
        var users = new UserStore(store.Database, store.Time);
        await BuiltInRoles.EnsureAsync(users, ct);
        var bureau = await new OrganisationStore(store.Database, store.Time).EnsureAsync("310118000000", null, "上海市公安局青浦分局", OrganisationKind.Bureau, null, ct);
        var options = Options.Create(new AuthOptions { MaxFailedAttempts = 3, LockoutMinutes = 10 });
        var signIn = new SignInService(users, new SessionStore(store.Database, store.Time), new SecurityEventLog(store.Database, store.Time), Hasher, options, store.Time);
        return (users, bureau, signIn);
    }
}
