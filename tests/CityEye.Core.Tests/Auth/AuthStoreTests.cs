using System.Data.Common;
using CityEye.Core.Auth;
using CityEye.Core.Domain;
using CityEye.Core.Organisations;
using CityEye.Core.Tests.Storage;
using CityEye.Core.Validation;
using Dapper;
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
    public async Task SignInAsync_RepeatedFailures_LockOnlyThatAddressAndAnswerLikeAWrongPassword(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var store = await TestStore.CreateAsync(provider, ct);
        var (users, bureau, signIn) = await SeedAsync(store, ct);
        await users.CreateAsync(new NewUser("dave", "Dave", bureau, "right", [BuiltInRoles.Investigator]), Hasher, ct);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(SignInFailure.InvalidCredentials, (await signIn.SignInAsync(Attempt("dave", "wrong", "192.0.2.7"), ct)).Failure);
        }

        // The right password from the attacking address is refused exactly like a wrong one ...
        var locked = await signIn.SignInAsync(Attempt("dave", "right", "192.0.2.7"), ct);
        Assert.Equal(SignInFailure.InvalidCredentials, locked.Failure);
        Assert.Null(locked.RetryAfter);
        // ... and counts like one (a locked account that did not count the right password would reveal it).
        await using (var connection = await store.Database.OpenConnectionAsync(ct))
        {
            Assert.Equal(1, await connection.ExecuteScalarAsync<int>("SELECT failures FROM sign_in_failures WHERE username = 'dave' AND ip_address = '192.0.2.7'"));
        }

        // ... while the real user at another address is not locked out.
        Assert.True((await signIn.SignInAsync(Attempt("dave", "right", "10.1.2.3"), ct)).Succeeded);

        store.Time.Advance(TimeSpan.FromMinutes(10));
        var after = await signIn.SignInAsync(Attempt("dave", "right", "192.0.2.7"), ct);
        Assert.True(after.Succeeded);
        Assert.NotNull(after.SessionKey);
        var events = await new SecurityEventLog(store.Database, store.Time).RecentAsync(20, ct);
        Assert.Equal(["login.succeeded", "login.succeeded", "login.failed", "login.failed", "login.lockout", "login.failed", "login.failed"], events.Select(e => e.Event).ToArray());
        Assert.Equal("locked for this address", events[2].Detail);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task SignInAsync_ManyFailures_ThrottleTheNameFromThatAddressWithGrowingDelaysWhetherOrNotItExists(string provider)
    {
        // The name is throttled together with the address it is attacked from: failures elsewhere must not delay
        // the real user (an account-wide delay would be a denial-of-service lever).
        var ct = TestContext.Current.CancellationToken;
        await using var store = await TestStore.CreateAsync(provider, ct);
        var (users, bureau, signIn) = await SeedAsync(store, ct, new AuthOptions { MaxFailedAttempts = 100, LockoutMinutes = 10, ThrottleFreeFailures = 2, ThrottleMaxDelaySeconds = 4 });
        await users.CreateAsync(new NewUser("erik", "Erik", bureau, "right", [BuiltInRoles.Investigator]), Hasher, ct);

        foreach (var name in new[] { "erik", "no-such-user" })
        {
            var address = name == "erik" ? "192.0.2.1" : "192.0.2.2";
            await signIn.SignInAsync(Attempt(name, "wrong", address), ct);
            await signIn.SignInAsync(Attempt(name, "wrong", address), ct);
            Assert.Equal(SignInFailure.InvalidCredentials, (await signIn.SignInAsync(Attempt(name, "wrong", address), ct)).Failure);
            var throttled = await signIn.SignInAsync(Attempt(name, "right", address), ct);
            Assert.Equal(SignInFailure.Throttled, throttled.Failure);
            Assert.Equal(TimeSpan.FromSeconds(1), throttled.RetryAfter);
            Assert.NotEqual(SignInFailure.Throttled, (await signIn.SignInAsync(Attempt(name, "wrong", "198.51.100.1"), ct)).Failure);
            store.Time.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal(SignInFailure.InvalidCredentials, (await signIn.SignInAsync(Attempt(name, "wrong", address), ct)).Failure);
            Assert.Equal(TimeSpan.FromSeconds(2), (await signIn.SignInAsync(Attempt(name, "wrong", address), ct)).RetryAfter);
        }

        Assert.True((await signIn.SignInAsync(Attempt("erik", "right", "10.9.9.9"), ct)).Succeeded);
        var unknown = (await new SecurityEventLog(store.Database, store.Time).RecentAsync(50, ct)).First(e => e.Detail == "unknown user");
        Assert.DoesNotContain("no-such-user", unknown.Username, StringComparison.Ordinal);
        Assert.StartsWith("?n**********r (len 12, sha256 ", unknown.Username, StringComparison.Ordinal);
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

        Assert.Equal(SignInFailure.InvalidCredentials, (await signIn.SignInAsync(Attempt("nobody", "pw", null), ct)).Failure);
        Assert.Equal(SignInFailure.Disabled, (await signIn.SignInAsync(Attempt("erin", "pw", null), ct)).Failure);
        Assert.Equal(SignInFailure.InvalidCredentials, (await signIn.SignInAsync(Attempt("erin", "bad", null), ct)).Failure);
        Assert.Equal(SignInFailure.Expired, (await signIn.SignInAsync(Attempt("frank", "pw", null), ct)).Failure);
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

        var key = await sessions.CreateAsync(userId, TimeSpan.FromHours(12), "127.0.0.1", "test", null, 5, ct);
        Assert.Equal("gina", (await sessions.ValidateAsync(key, idle, true, ct))?.Username);

        // Use within the idle window keeps it alive past one idle period in total.
        store.Time.Advance(TimeSpan.FromMinutes(20));
        Assert.NotNull(await sessions.ValidateAsync(key, idle, true, ct));
        store.Time.Advance(TimeSpan.FromMinutes(20));
        Assert.NotNull(await sessions.ValidateAsync(key, idle, true, ct));
        store.Time.Advance(TimeSpan.FromMinutes(31));
        Assert.Null(await sessions.ValidateAsync(key, idle, true, ct));

        var second = await sessions.CreateAsync(userId, TimeSpan.FromHours(12), null, null, null, 5, ct);
        await sessions.RevokeAsync(second, ct);
        Assert.Null(await sessions.ValidateAsync(second, idle, true, ct));

        var third = await sessions.CreateAsync(userId, TimeSpan.FromHours(12), null, null, null, 5, ct);
        await users.SetEnabledAsync(userId, false, ct);
        Assert.Null(await sessions.ValidateAsync(third, idle, true, ct));
        Assert.Null(await sessions.ValidateAsync("not-a-session", idle, true, ct));

        // An administrator's lock ends sessions too; signing in again replaces the browser's old session; the
        // oldest sessions beyond the limit end.
        await users.SetEnabledAsync(userId, true, ct);
        var fourth = await sessions.CreateAsync(userId, TimeSpan.FromHours(12), null, null, null, 5, ct);
        Assert.True(await users.LockAsync(userId, null, ct));
        Assert.Null(await sessions.ValidateAsync(fourth, idle, true, ct));
        await users.UnlockAsync(userId, ct);
        var a = await sessions.CreateAsync(userId, TimeSpan.FromHours(12), null, null, null, 2, ct);
        store.Time.Advance(TimeSpan.FromSeconds(1));
        var b = await sessions.CreateAsync(userId, TimeSpan.FromHours(12), null, null, a, 2, ct);
        Assert.Null(await sessions.ValidateAsync(a, idle, true, ct));
        store.Time.Advance(TimeSpan.FromSeconds(1));
        var c = await sessions.CreateAsync(userId, TimeSpan.FromHours(12), null, null, null, 2, ct);
        store.Time.Advance(TimeSpan.FromSeconds(1));
        var d = await sessions.CreateAsync(userId, TimeSpan.FromHours(12), null, null, null, 2, ct);
        Assert.Null(await sessions.ValidateAsync(b, idle, true, ct));
        Assert.NotNull(await sessions.ValidateAsync(c, idle, true, ct));
        Assert.NotNull(await sessions.ValidateAsync(d, idle, true, ct));
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
        var key = await sessions.CreateAsync(userId, TimeSpan.FromHours(12), null, null, null, 5, ct);

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

        var now = store.Time.GetUtcNow();
        var (info, secret) = await tokens.CreateAsync(userId, "市局级联", now.AddDays(1), null, null, ct);
        var (otherInfo, other) = await tokens.CreateAsync(userId, "第三方", now.AddDays(30), [Permissions.DevicesView, Permissions.ApiTokensManage], null, ct);
        var (_, child) = await tokens.CreateAsync(userId, "子令牌", now.AddDays(10), [Permissions.DevicesView], otherInfo.Id, ct);

        Assert.StartsWith(ApiTokenStore.Prefix, secret, StringComparison.Ordinal);
        var full = (await tokens.ValidateAsync(secret, ct)).Principal;
        Assert.Equal("city", full?.Username);
        Assert.Equal(Permissions.All.Count, full?.Permissions.Count);
        Assert.Equal(info.Id, full?.ApiTokenId);
        Assert.True((await tokens.ValidateAsync(secret, ct)) is { LogUse: false });
        Assert.Equal([Permissions.ApiTokensManage, Permissions.DevicesView], (await tokens.ValidateAsync(other, ct)).Principal?.Permissions.Order(StringComparer.Ordinal));
        Assert.Equal([Permissions.DevicesView], (await tokens.ValidateAsync(child, ct)).Principal?.Permissions);
        Assert.Null((await tokens.ValidateAsync(secret + "x", ct)).Principal);
        Assert.Equal(3, (await tokens.ListAsync(userId, null, ct)).Count);

        store.Time.Advance(TimeSpan.FromDays(2));
        Assert.Null((await tokens.ValidateAsync(secret, ct)).Principal);
        Assert.NotNull((await tokens.ValidateAsync(other, ct)).Principal);

        // A locked owner stops every token; revoking a parent revokes its children.
        await users.LockAsync(userId, store.Time.GetUtcNow().AddHours(1), ct);
        Assert.Null((await tokens.ValidateAsync(other, ct)).Principal);
        await users.UnlockAsync(userId, ct);
        Assert.False(await tokens.RevokeAsync(userId + 1, otherInfo.Id, null, ct));
        // A child sees and revokes only its own family, never its parent.
        var childId = (await tokens.ListAsync(userId, null, ct)).Single(t => t.Name == "子令牌").Id;
        Assert.Equal([childId], (await tokens.ListAsync(userId, childId, ct)).Select(t => t.Id));
        Assert.False(await tokens.RevokeAsync(userId, otherInfo.Id, childId, ct));
        Assert.NotNull((await tokens.ValidateAsync(other, ct)).Principal);
        Assert.True(await tokens.RevokeAsync(userId, otherInfo.Id, null, ct));
        Assert.Null((await tokens.ValidateAsync(other, ct)).Principal);
        Assert.Null((await tokens.ValidateAsync(child, ct)).Principal);
        Assert.All((await tokens.ListAsync(userId, null, ct)).Where(t => t.Id != info.Id), t => Assert.NotNull(t.RevokedAt));
    }

    [Fact]
    public void PasswordPolicy_RefusesShortLongSingleClassAndUsernamePasswords()
    {
        var policy = new PasswordPolicy(new AuthOptions());

        Assert.Empty(policy.Check("admin", "Admin#2026"));
        Assert.Equal([ErrorCodes.PasswordTooShort, ErrorCodes.PasswordClasses], policy.Check("admin", "a").Select(v => v.Code));
        Assert.Equal([ErrorCodes.Length], policy.Check("admin", "Aa1#" + new string('x', PasswordPolicy.MaxLength)).Select(v => v.Code));
        Assert.Equal([ErrorCodes.PasswordClasses], policy.Check("admin", "abcdefghij").Select(v => v.Code));
        Assert.Equal([ErrorCodes.PasswordIsUsername], policy.Check("Admin#2026", "admin#2026").Select(v => v.Code));
        Assert.Equal([ErrorCodes.PasswordIsUsername], policy.Check("ab#Cd1234", "4321dC#ba").Select(v => v.Code));
        Assert.Equal("newPassword", policy.Check("admin", "a")[0].Field);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task PasswordService_ChangeAndReset_KeepHistoryEndSessionsAndForceAChange(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var store = await TestStore.CreateAsync(provider, ct);
        var (users, bureau, _) = await SeedAsync(store, ct);
        var options = Options.Create(new AuthOptions { PasswordHistory = 2 });
        using var pool = new PasswordHashingPool(options);
        var events = new SecurityEventLog(store.Database, store.Time);
        var passwords = new PasswordService(users, pool, Hasher, events, options);
        var id = await users.CreateAsync(new NewUser("ivy", "Ivy", bureau, "First#2026", [BuiltInRoles.Investigator]), Hasher, ct);
        var sessions = new SessionStore(store.Database, store.Time);
        var mine = await sessions.CreateAsync(id, TimeSpan.FromHours(1), null, null, null, 5, ct);
        var other = await sessions.CreateAsync(id, TimeSpan.FromHours(1), null, null, null, 5, ct);
        var admin = (await users.GetPrincipalAsync(id, ct))!;

        Assert.Equal([ErrorCodes.PasswordWrong], (await passwords.ChangeAsync(id, "nope", "Second#2026", null, null, ct)).Select(v => v.Code));
        Assert.Equal([ErrorCodes.PasswordReused], (await passwords.ChangeAsync(id, "First#2026", "First#2026", null, null, ct)).Select(v => v.Code));
        Assert.Empty(await passwords.ChangeAsync(id, "First#2026", "Second#2026", SessionStore.HashKey(mine), null, ct));
        Assert.NotNull(await sessions.ValidateAsync(mine, TimeSpan.FromHours(1), true, ct));
        Assert.Null(await sessions.ValidateAsync(other, TimeSpan.FromHours(1), true, ct));
        // The last two passwords are remembered: the first one is refused, a third new one is taken.
        Assert.Equal([ErrorCodes.PasswordReused], (await passwords.ChangeAsync(id, "Second#2026", "First#2026", null, null, ct)).Select(v => v.Code));
        Assert.Empty(await passwords.ResetAsync(id, "Third#2026x", admin, null, ct));
        Assert.True((await users.GetAsync(id, ct))!.MustChangePassword);
        Assert.Null(await sessions.ValidateAsync(mine, TimeSpan.FromHours(1), true, ct));
        Assert.Empty(await passwords.ChangeAsync(id, "Third#2026x", "Fourth#2026", null, null, ct));
        Assert.False((await users.GetAsync(id, ct))!.MustChangePassword);
        Assert.Contains((await events.RecentAsync(10, ct)).Select(e => e.Event), e => e == "password.reset");
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

    internal static SignInAttempt Attempt(string username, string password, string? address) => new(username, password, address, null);

    internal static async Task<(UserStore Users, long BureauId, SignInService SignIn)> SeedAsync(TestStore store, CancellationToken ct, AuthOptions? settings = null)
    {
        var users = new UserStore(store.Database, store.Time);
        await BuiltInRoles.EnsureAsync(new RoleStore(store.Database, store.Time), ct);
        var bureau = await new OrganisationStore(store.Database, store.Time).EnsureAsync("310118000000", null, "上海市公安局青浦分局", OrganisationKind.Bureau, null, ct);
        var options = Options.Create(settings ?? new AuthOptions { MaxFailedAttempts = 3, LockoutMinutes = 10 });
        var signIn = new SignInService(
            users,
            new SessionStore(store.Database, store.Time),
            new SignInFailureStore(store.Database),
            new SignInThrottle(options, store.Time),
            new PasswordHashingPool(options),
            new SecurityEventLog(store.Database, store.Time),
            Hasher,
            options,
            store.Time);
        return (users, bureau, signIn);
    }
}
