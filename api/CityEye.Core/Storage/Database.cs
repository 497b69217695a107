using System.Data;
using System.Data.Common;
using CityEye.Core.Devices;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace CityEye.Core.Storage;

/// <summary>
/// The system-of-record database: one <see cref="DbDataSource"/> for SQLite or PostgreSQL.
/// Open one connection per operation; both providers pool connections.
/// </summary>
public sealed class Database : IAsyncDisposable
{
    private readonly DbDataSource _dataSource;

    static Database()
    {
        // Timestamps are UTC everywhere. SQLite keeps them as ISO-8601 text, PostgreSQL as timestamptz.
        SqlMapper.RemoveTypeMap(typeof(DateTimeOffset));
        SqlMapper.RemoveTypeMap(typeof(DateTimeOffset?));
        SqlMapper.AddTypeHandler(new DateTimeOffsetHandler());
        SqlMapper.AddTypeHandler(new AttributesHandler());
        DefaultTypeMap.MatchNamesWithUnderscores = true;
    }

    private Database(StorageProvider provider, DbDataSource dataSource, string description)
    {
        Provider = provider;
        _dataSource = dataSource;
        Description = description;
    }

    public StorageProvider Provider { get; }

    /// <summary>Where the data lives, without credentials (for logs and /readyz).</summary>
    public string Description { get; }

    public static Database Create(StorageOptions options, string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(options);
        switch (options.Provider)
        {
            case StorageProvider.Sqlite:
                {
                    var builder = string.IsNullOrWhiteSpace(options.ConnectionString)
                        ? new SqliteConnectionStringBuilder { DataSource = Path.Combine(dataDirectory, "cityeye.db") }
                        : new SqliteConnectionStringBuilder(options.ConnectionString);
                    builder.ForeignKeys = true;
                    builder.Pooling = true;
                    // Seconds a command waits on a locked database before SQLITE_BUSY surfaces.
                    builder.DefaultTimeout = 30;
                    var dataSource = SqliteFactory.Instance.CreateDataSource(builder.ToString());
                    return new Database(StorageProvider.Sqlite, dataSource, $"sqlite:{builder.DataSource}");
                }

            case StorageProvider.Postgres:
                {
                    if (string.IsNullOrWhiteSpace(options.ConnectionString))
                    {
                        throw new StoreUnavailableException(
                            "Storage:Provider is Postgres but Storage:ConnectionString is empty.");
                    }

                    var builder = new NpgsqlConnectionStringBuilder(options.ConnectionString);
                    var dataSource = new NpgsqlDataSourceBuilder(builder.ConnectionString).Build();
                    return new Database(
                        StorageProvider.Postgres,
                        dataSource,
                        $"postgres://{builder.Host}:{builder.Port}/{builder.Database}");
                }

            default:
                throw new StoreUnavailableException($"Unknown storage provider '{options.Provider}'.");
        }
    }

    public string ConnectionString => _dataSource.ConnectionString;

    /// <summary>
    /// "column is one of the list parameter": Dapper expands <c>IN @list</c> for SQLite, but hands Npgsql the list as
    /// one array parameter, which PostgreSQL matches with <c>= ANY(...)</c>.
    /// </summary>
    public string InList(string column, string parameter) =>
        Provider == StorageProvider.Postgres ? $"{column} = ANY(@{parameter})" : $"{column} IN @{parameter}";

    /// <summary>
    /// SQL condition limiting rows to a <see cref="DeviceScope"/> by their owning organisation column and device id
    /// column; pass <see cref="DeviceScopeParameter"/> as the parameter named <c>scopeOrganisations</c>. Single
    /// devices of the scope are written into the statement as integer literals (ids, never text from a request).
    /// </summary>
    public string DeviceScopeFilter(DeviceScope scope, string organisationColumn, string deviceIdColumn)
    {
        ArgumentNullException.ThrowIfNull(scope);
        if (scope.IsAll)
        {
            return "1 = 1";
        }

        if (scope.IsEmpty)
        {
            return "1 = 0";
        }

        var organisations = scope.OrganisationIds.Count > 0 ? InList(organisationColumn, "scopeOrganisations") : "1 = 0";
        return scope.DeviceIds.Count == 0
            ? organisations
            : $"({organisations} OR {deviceIdColumn} IN ({string.Join(",", scope.DeviceIds.Select(id => id.ToString(System.Globalization.CultureInfo.InvariantCulture)))}))";
    }

    /// <summary>The parameter value <see cref="DeviceScopeFilter"/> refers to.</summary>
    public static long[] DeviceScopeParameter(DeviceScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return [.. scope.OrganisationIds];
    }

    public async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        return await _dataSource.OpenConnectionAsync(cancellationToken);
    }

    /// <summary>Runs <paramref name="work"/> in one transaction; commits when it returns, rolls back when it throws.</summary>
    public async Task<T> InTransactionAsync<T>(
        Func<DbConnection, DbTransaction, Task<T>> work,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var transaction = await BeginAsync(connection, cancellationToken);
        var result = await work(connection, transaction);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    public async ValueTask DisposeAsync()
    {
        await _dataSource.DisposeAsync();
        if (Provider == StorageProvider.Sqlite)
        {
            // Release the pooled handles so the file can be moved or deleted after shutdown.
            SqliteConnection.ClearAllPools();
        }
    }

    private async Task<DbTransaction> BeginAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        if (Provider == StorageProvider.Sqlite)
        {
            // BEGIN IMMEDIATE takes the write lock up front, so two writers queue on busy_timeout
            // instead of failing with SQLITE_BUSY when a deferred read transaction upgrades.
            return ((SqliteConnection)connection).BeginTransaction(IsolationLevel.Serializable, deferred: false);
        }

        return await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
    }

    /// <summary>Extensible device attributes: a JSON object of strings in a text column.</summary>
    private sealed class AttributesHandler : SqlMapper.TypeHandler<IReadOnlyDictionary<string, string>>
    {
        public override void SetValue(IDbDataParameter parameter, IReadOnlyDictionary<string, string>? value)
        {
            parameter.DbType = DbType.String;
            parameter.Value = value is null || value.Count == 0 ? DBNull.Value : System.Text.Json.JsonSerializer.Serialize(value);
        }

        public override IReadOnlyDictionary<string, string> Parse(object value) =>
            value is string { Length: > 0 } json
                ? System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? Domain.Device.NoAttributes
                : Domain.Device.NoAttributes;
    }

    private sealed class DateTimeOffsetHandler : SqlMapper.TypeHandler<DateTimeOffset>
    {
        public override void SetValue(IDbDataParameter parameter, DateTimeOffset value)
        {
            if (parameter is SqliteParameter)
            {
                parameter.DbType = DbType.String;
                parameter.Value = value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);
            }
            else
            {
                parameter.DbType = DbType.DateTimeOffset;
                parameter.Value = value.ToUniversalTime();
            }
        }

        public override DateTimeOffset Parse(object value) => value switch
        {
            DateTimeOffset dto => dto.ToUniversalTime(),
            DateTime dt => new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Utc)),
            string s => DateTimeOffset.Parse(s, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal),
            _ => throw new DataException($"Cannot convert {value.GetType()} to DateTimeOffset."),
        };
    }
}
