using System.Security.Cryptography;
using CityEye.Core.Keys;
using CityEye.Core.Tests.Storage;
using CityEye.Crypto;
using Dapper;

namespace CityEye.Core.Tests.Keys;

/// <summary>The key store on SQLite and PostgreSQL: keys wrapped by the master key, one active version per purpose, rotation keeps old versions.</summary>
public sealed class KeyStoreTests
{
    internal static SoftwareMasterKey NewMaster() => new(RandomNumberGenerator.GetBytes(16), "test");

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Keys_are_created_once_stored_only_wrapped_and_refused_under_another_master_key(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var store = await TestStore.CreateAsync(provider, ct);
        var master = NewMaster();
        var keys = new KeyStore(store.Database, master, store.Time);

        var data = await keys.ActiveAsync(KeyPurposes.Data, ct);
        var site = await keys.Sm2Async(KeyPurposes.Site, ct);
        Assert.Equal(1, data.Version);
        Assert.Equal(32, data.Material.Length);

        // A second store instance (a restart, another node) unwraps the same material.
        var again = new KeyStore(store.Database, master, store.Time);
        Assert.Equal(data.Material, (await again.ActiveAsync(KeyPurposes.Data, ct)).Material);
        Assert.Equal(site.PublicKey, (await again.Sm2Async(KeyPurposes.Site, ct)).PublicKey);
        await again.CheckMasterKeyAsync(ct);

        await using (var connection = await store.Database.OpenConnectionAsync(ct))
        {
            var rows = (await connection.QueryAsync<(string Purpose, string Wrapped, string MasterKeyId, string? PublicKey)>(new CommandDefinition(
                "SELECT purpose, wrapped, master_key_id, public_key FROM crypto_keys ORDER BY purpose", cancellationToken: ct))).ToList();
            Assert.Equal(["data", "site"], rows.Select(r => r.Purpose));
            Assert.All(rows, r => Assert.Equal(master.Id, r.MasterKeyId));
            Assert.DoesNotContain(Convert.ToBase64String(data.Material), rows[0].Wrapped, StringComparison.Ordinal);
            Assert.Equal(site.PublicKey, Sm2PublicKey.Parse(rows[1].PublicKey!));

            // Moving a wrapped key to another purpose does not make it usable there (the label is bound in).
            await connection.ExecuteAsync(new CommandDefinition("UPDATE crypto_keys SET purpose = 'integrity' WHERE purpose = 'data'", cancellationToken: ct));
        }

        var swapped = new KeyStore(store.Database, master, store.Time);
        Assert.Equal(CryptoErrors.DecryptFailed, (await Assert.ThrowsAsync<CryptoException>(() => swapped.ActiveAsync(KeyPurposes.Integrity, ct))).Code);

        var stranger = new KeyStore(store.Database, NewMaster(), store.Time);
        var mismatch = await Assert.ThrowsAsync<MasterKeyMismatchException>(() => stranger.CheckMasterKeyAsync(ct));
        Assert.Contains(master.Id, mismatch.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Rotation_adds_a_version_and_keeps_the_old_one_for_decryption(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var store = await TestStore.CreateAsync(provider, ct);
        var keys = new KeyStore(store.Database, NewMaster(), store.Time);
        var first = await keys.ActiveAsync(KeyPurposes.Data, ct);
        var sealedData = Sm4Cipher.Seal(first.Material, "13800000000"u8);

        var rotated = await keys.RotateAsync(KeyPurposes.Data, "admin", ct);
        Assert.Equal(2, rotated.Version);
        Assert.Equal("active", rotated.State);
        var active = await keys.ActiveAsync(KeyPurposes.Data, ct);
        Assert.Equal(2, active.Version);
        Assert.NotEqual(first.Material, active.Material);
        var old = await new KeyStore(store.Database, keys.Master, store.Time).VersionAsync(KeyPurposes.Data, 1, ct);
        Assert.Equal("13800000000"u8.ToArray(), Sm4Cipher.Open(old.Material, sealedData));

        var listed = await keys.ListAsync(ct);
        Assert.Equal([("data", 2, "active"), ("data", 1, "retired")], listed.Where(k => k.Purpose == "data").Select(k => (k.Purpose, k.Version, k.State)));
        Assert.Equal("admin", listed.First(k => k.Version == 2).CreatedBy);
        await Assert.ThrowsAsync<InvalidOperationException>(() => keys.RotateAsync(KeyPurposes.BlindIndex, "admin", ct));
        await Assert.ThrowsAsync<CryptoException>(() => keys.VersionAsync(KeyPurposes.Data, 9, ct));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Nodes_starting_together_agree_on_one_key(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var store = await TestStore.CreateAsync(provider, ct);
        var master = NewMaster();
        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => new KeyStore(store.Database, master, store.Time).ActiveAsync(KeyPurposes.Integrity, ct), ct)));
        Assert.Single(results.Select(r => Convert.ToHexString(r.Material)).Distinct());
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void The_master_key_file_is_created_private_and_read_back()
    {
        var folder = Directory.CreateTempSubdirectory("cityeye-keys-test-").FullName;
        try
        {
            var first = SoftwareMasterKey.Load(new CryptoOptions(), folder);
            var path = Path.Combine(folder, "keys", "master.key");
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            Assert.Equal(first.Id, SoftwareMasterKey.Load(new CryptoOptions(), folder).Id);
            Assert.Equal("configuration (Crypto:MasterKey)", SoftwareMasterKey.Load(new CryptoOptions { MasterKey = new string('a', 32) }, folder).Source);
            File.WriteAllText(path, "not a key");
            Assert.Throws<InvalidOperationException>(() => SoftwareMasterKey.Load(new CryptoOptions(), folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
