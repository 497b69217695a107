using CityEye.Core.Keys;
using CityEye.Core.Tests.Storage;
using CityEye.Crypto;

namespace CityEye.Core.Tests.Keys;

/// <summary>Field encryption at rest: sealed per column, readable across key rotation, blind indexes for search.</summary>
public sealed class FieldProtectorTests
{
    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Values_are_sealed_per_column_stay_readable_after_rotation_and_refuse_any_change(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var store = await TestStore.CreateAsync(provider, ct);
        var keys = new KeyStore(store.Database, KeyStoreTests.NewMaster(), store.Time);
        var fields = new FieldProtector(keys);

        var stored = await fields.ProtectAsync("310118199001011234", "person_library.id_number", ct);
        Assert.StartsWith("sm4:v1:", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("310118", stored, StringComparison.Ordinal);
        Assert.NotEqual(stored, await fields.ProtectAsync("310118199001011234", "person_library.id_number", ct));
        Assert.Equal("310118199001011234", await fields.UnprotectAsync(stored, "person_library.id_number", ct));
        Assert.Equal("plain (before encryption)", await fields.UnprotectAsync("plain (before encryption)", "users.phone", ct));
        Assert.True(await fields.IsCurrentAsync(stored, ct));

        // Copied into another column, or changed, it does not open.
        Assert.Equal(CryptoErrors.DecryptFailed, (await Assert.ThrowsAsync<CryptoException>(() => fields.UnprotectAsync(stored, "vehicle_registry.owner_id_number", ct))).Code);
        var altered = stored[..^4] + (stored[^4] == 'A' ? 'B' : 'A') + stored[^3..];
        await Assert.ThrowsAsync<CryptoException>(() => fields.UnprotectAsync(altered, "person_library.id_number", ct));

        // After a rotation new values use version 2; version 1 values still open and are due for re-encryption.
        await keys.RotateAsync(KeyPurposes.Data, "admin", ct);
        var newer = await fields.ProtectAsync("13800000000", "users.phone", ct);
        Assert.StartsWith("sm4:v2:", newer, StringComparison.Ordinal);
        Assert.Equal("310118199001011234", await fields.UnprotectAsync(stored, "person_library.id_number", ct));
        Assert.False(await fields.IsCurrentAsync(stored, ct));
        Assert.True(await fields.IsCurrentAsync(newer, ct));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Blind_indexes_match_equal_identifiers_only_and_depend_on_the_key(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var store = await TestStore.CreateAsync(provider, ct);
        var fields = new FieldProtector(new KeyStore(store.Database, KeyStoreTests.NewMaster(), store.Time));
        var index = await fields.BlindIndexAsync("31011819900101123x", "id-number", ct);
        Assert.Equal(32, index.Length);
        Assert.Equal(index, await fields.BlindIndexAsync(" 310118 19900101123X ", "id-number", ct));
        Assert.NotEqual(index, await fields.BlindIndexAsync("310118199001011230", "id-number", ct));
        Assert.NotEqual(index, await fields.BlindIndexAsync("31011819900101123x", "phone", ct));

        await using var other = await TestStore.CreateAsync(provider, ct);
        var stranger = new FieldProtector(new KeyStore(other.Database, KeyStoreTests.NewMaster(), other.Time));
        Assert.NotEqual(index, await stranger.BlindIndexAsync("31011819900101123x", "id-number", ct));
    }
}
