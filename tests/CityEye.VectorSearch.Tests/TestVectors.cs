namespace CityEye.VectorSearch.Tests;

/// <summary>
/// Deterministic test vectors shaped like features: unit-length points scattered around cluster centres (one centre
/// per "person"), so near neighbours exist the way they do for captures of one person.
/// </summary>
internal static class TestVectors
{
    public static float[][] Clustered(int count, int dimensions, int clusters, int seed, float spread = 0.35f)
    {
        var random = new Random(seed);
        var centres = Enumerable.Range(0, clusters).Select(_ => VectorMath.Normalised(Gaussian(random, dimensions, 1f))).ToArray();
        return [.. Enumerable.Range(0, count).Select(i =>
        {
            var noise = Gaussian(random, dimensions, spread / MathF.Sqrt(dimensions));
            var centre = centres[i % clusters];
            return VectorMath.Normalised(centre.Zip(noise, (c, n) => c + n).ToArray());
        })];
    }

    /// <summary>Independent normal components of standard deviation <paramref name="scale"/>.</summary>
    public static float[] Gaussian(Random random, int dimensions, float scale)
    {
        var vector = new float[dimensions];
        for (var i = 0; i < dimensions; i++)
        {
            // Box-Muller.
            var u1 = 1.0 - random.NextDouble();
            var u2 = random.NextDouble();
            vector[i] = scale * (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }

        return vector;
    }

    /// <summary>The ids of the exact top <paramref name="k"/> by cosine similarity among those <paramref name="keep"/> accepts.</summary>
    public static List<long> ExactTop(float[] query, IReadOnlyList<VectorEntry> entries, int k, Func<VectorEntry, bool> keep) =>
        [.. entries.Where(keep).OrderByDescending(e => VectorMath.Cosine(query, e.Vector)).ThenBy(e => e.Id).Take(k).Select(e => e.Id)];
}
