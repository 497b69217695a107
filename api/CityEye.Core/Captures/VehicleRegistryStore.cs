using System.Text.Json;
using CityEye.Core.Storage;
using Dapper;

namespace CityEye.Core.Captures;

/// <summary>A person related to a registered vehicle (family member, frequent driver, …).</summary>
public sealed record RelatedPerson(string Name, string IdNumber, string Relation, string Phone);

/// <summary>A registered vehicle (机动车登记) with its owner and related people (VC-8).</summary>
public sealed record RegisteredVehicle
{
    public required string Plate { get; init; }

    public required string PlateColour { get; init; }

    public required string VehicleColour { get; init; }

    public required string VehicleType { get; init; }

    public required string Brand { get; init; }

    public required string OwnerName { get; init; }

    public required string OwnerIdNumber { get; init; }

    public required string OwnerPhone { get; init; }

    public required string OwnerAddress { get; init; }

    /// <summary>yyyy-MM-dd.</summary>
    public required string RegisteredOn { get; init; }

    public IReadOnlyList<RelatedPerson> Related { get; init; } = [];
}

/// <summary>The vehicle registry: owner and related people by plate number.</summary>
public sealed class VehicleRegistryStore(Database database)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Adds or replaces the registration of a plate.</summary>
    public async Task UpsertAsync(RegisteredVehicle vehicle, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(vehicle);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO vehicle_registry (plate, plate_colour, vehicle_colour, vehicle_type, brand, owner_name, owner_id_number, owner_phone, owner_address, registered_on, related)
            VALUES (@Plate, @PlateColour, @VehicleColour, @VehicleType, @Brand, @OwnerName, @OwnerIdNumber, @OwnerPhone, @OwnerAddress, @RegisteredOn, @related)
            ON CONFLICT (plate) DO UPDATE SET plate_colour = excluded.plate_colour, vehicle_colour = excluded.vehicle_colour, vehicle_type = excluded.vehicle_type,
                brand = excluded.brand, owner_name = excluded.owner_name, owner_id_number = excluded.owner_id_number, owner_phone = excluded.owner_phone,
                owner_address = excluded.owner_address, registered_on = excluded.registered_on, related = excluded.related
            """,
            new
            {
                vehicle.Plate,
                vehicle.PlateColour,
                vehicle.VehicleColour,
                vehicle.VehicleType,
                vehicle.Brand,
                vehicle.OwnerName,
                vehicle.OwnerIdNumber,
                vehicle.OwnerPhone,
                vehicle.OwnerAddress,
                vehicle.RegisteredOn,
                related = JsonSerializer.Serialize(vehicle.Related, Json),
            },
            cancellationToken: cancellationToken));
    }

    /// <summary>The registration of a plate (exact, upper case), or null.</summary>
    public async Task<RegisteredVehicle?> FindAsync(string plate, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            "SELECT plate, plate_colour, vehicle_colour, vehicle_type, brand, owner_name, owner_id_number, owner_phone, owner_address, registered_on, related FROM vehicle_registry WHERE plate = @plate",
            new { plate = plate.ToUpperInvariant() },
            cancellationToken: cancellationToken));
        return row is null ? null : new RegisteredVehicle
        {
            Plate = row.Plate,
            PlateColour = row.PlateColour,
            VehicleColour = row.VehicleColour,
            VehicleType = row.VehicleType,
            Brand = row.Brand,
            OwnerName = row.OwnerName,
            OwnerIdNumber = row.OwnerIdNumber,
            OwnerPhone = row.OwnerPhone,
            OwnerAddress = row.OwnerAddress,
            RegisteredOn = row.RegisteredOn,
            Related = JsonSerializer.Deserialize<List<RelatedPerson>>(row.Related, Json) ?? [],
        };
    }

    /// <summary>Other vehicles registered to the same owner.</summary>
    public async Task<IReadOnlyList<string>> OwnedByAsync(string ownerIdNumber, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return [.. await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT plate FROM vehicle_registry WHERE owner_id_number = @ownerIdNumber ORDER BY plate", new { ownerIdNumber }, cancellationToken: cancellationToken))];
    }

    public async Task<int> CountAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition("SELECT COUNT(*) FROM vehicle_registry", cancellationToken: cancellationToken));
    }

    private sealed class Row
    {
        public string Plate { get; init; } = string.Empty;

        public string PlateColour { get; init; } = string.Empty;

        public string VehicleColour { get; init; } = string.Empty;

        public string VehicleType { get; init; } = string.Empty;

        public string Brand { get; init; } = string.Empty;

        public string OwnerName { get; init; } = string.Empty;

        public string OwnerIdNumber { get; init; } = string.Empty;

        public string OwnerPhone { get; init; } = string.Empty;

        public string OwnerAddress { get; init; } = string.Empty;

        public string RegisteredOn { get; init; } = string.Empty;

        public string Related { get; init; } = "[]";
    }
}
