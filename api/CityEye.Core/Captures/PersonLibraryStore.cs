using System.Runtime.InteropServices;
using CityEye.Core.Storage;
using Dapper;

namespace CityEye.Core.Captures;

/// <summary>A person of the person library (人员库): identity data, the ID photo (a blob reference) and its face vector.</summary>
public sealed record LibraryPerson
{
    public long Id { get; init; }

    public required string Name { get; init; }

    public required string IdNumber { get; init; }

    /// <summary>male or female.</summary>
    public required string Gender { get; init; }

    /// <summary>yyyy-MM-dd.</summary>
    public required string BirthDate { get; init; }

    public required string Address { get; init; }

    /// <summary>Blob reference of the ID photo.</summary>
    public required string Photo { get; init; }

    /// <summary>Where the entry came from (demo, import).</summary>
    public required string Source { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>A library person with the similarity of their ID photo to a query face.</summary>
public sealed record IdentityCandidate(LibraryPerson Person, float Similarity);

/// <summary>
/// The person library used for identity look-ups (VC-7): the top matches of a face vector among the ID photos. The
/// vectors are read into memory once and compared exhaustively (exact cosine), which stays well under a millisecond
/// per thousand people; the cache is dropped whenever the library changes.
/// </summary>
public sealed class PersonLibraryStore(Database database, TimeProvider time)
{
    private volatile LibraryVectors? _cache;

    /// <summary>Adds a person, or updates the one with the same ID number; returns its id.</summary>
    public async Task<long> UpsertAsync(LibraryPerson person, float[] vector, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(person);
        ArgumentNullException.ThrowIfNull(vector);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            INSERT INTO person_library (name, id_number, gender, birth_date, address, photo, vector, source, created_at)
            VALUES (@Name, @IdNumber, @Gender, @BirthDate, @Address, @Photo, @vector, @Source, @now)
            ON CONFLICT (id_number) DO UPDATE SET name = excluded.name, gender = excluded.gender, birth_date = excluded.birth_date,
                address = excluded.address, photo = excluded.photo, vector = excluded.vector, source = excluded.source
            RETURNING id
            """,
            new { person.Name, person.IdNumber, person.Gender, person.BirthDate, person.Address, person.Photo, vector = MemoryMarshal.AsBytes(vector.AsSpan()).ToArray(), person.Source, now = time.GetUtcNow() },
            cancellationToken: cancellationToken));
        _cache = null;
        return id;
    }

    public async Task<int> CountAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition("SELECT COUNT(*) FROM person_library", cancellationToken: cancellationToken));
    }

    public async Task<LibraryPerson?> GetAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<LibraryPerson>(new CommandDefinition(
            "SELECT id, name, id_number, gender, birth_date, address, photo, source, created_at FROM person_library WHERE id = @id", new { id }, cancellationToken: cancellationToken));
    }

    /// <summary>The <paramref name="count"/> people whose ID photos are most similar to the face vector, most similar first.</summary>
    public async Task<IReadOnlyList<IdentityCandidate>> MatchAsync(float[] face, int count, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(face);
        var (ids, vectors) = _cache ?? await LoadAsync(cancellationToken);
        var best = new List<(long Id, float Similarity)>();
        for (var i = 0; i < ids.Length; i++)
        {
            if (vectors[i].Length != face.Length)
            {
                continue;
            }

            best.Add((ids[i], Cosine(face, vectors[i])));
        }

        var top = best.OrderByDescending(b => b.Similarity).Take(count).ToList();
        var result = new List<IdentityCandidate>(top.Count);
        foreach (var (id, similarity) in top)
        {
            if (await GetAsync(id, cancellationToken) is { } person)
            {
                result.Add(new IdentityCandidate(person, similarity));
            }
        }

        return result;
    }

    private async Task<LibraryVectors> LoadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<(long Id, byte[] Vector)>(new CommandDefinition(
            "SELECT id, vector FROM person_library ORDER BY id", cancellationToken: cancellationToken))).ToList();
        var loaded = new LibraryVectors(rows.Select(r => r.Id).ToArray(), rows.Select(r => MemoryMarshal.Cast<byte, float>(r.Vector).ToArray()).ToArray());
        _cache = loaded;
        return loaded;
    }

    private static float Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }

        return na > 0 && nb > 0 ? (float)(dot / Math.Sqrt(na * nb)) : 0f;
    }

    private sealed record LibraryVectors(long[] Ids, float[][] Vectors);
}
