using System.ComponentModel.DataAnnotations;

namespace CityEye.Core.Storage;

/// <summary>Which system-of-record engine backs the store.</summary>
public enum StorageProvider
{
    Sqlite,
    Postgres,
}

/// <summary>Options bound from the <c>Storage</c> configuration section.</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>
    /// ADO.NET connection string. For SQLite it may be empty: the database then lives in
    /// <c>{DataDir}/cityeye.db</c>. For PostgreSQL it is required.
    /// </summary>
    [MaxLength(2048)]
    public string? ConnectionString { get; set; }
}
