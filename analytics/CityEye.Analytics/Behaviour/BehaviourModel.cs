using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace CityEye.Analytics.Behaviour;

/// <summary>Why a user-day scored high: one feature, its value that day and what is typical.</summary>
/// <param name="Feature">Name from <see cref="BehaviourFeatures.Names"/>.</param>
/// <param name="Value">The day's value.</param>
/// <param name="Typical">Median over every user-day of the training window.</param>
/// <param name="Deviation">Standard deviations above typical (after log scaling of counts).</param>
public sealed record BehaviourReason(string Feature, double Value, double Typical, double Deviation);

/// <summary>A user-day's score: the combined statistic and its two parts.</summary>
/// <param name="Score">T²/rank + Q/mean(Q): how far the day lies from normal behaviour, inside and outside the model's subspace.</param>
/// <param name="HotellingT2">Distance along the principal components (unusually much of the usual).</param>
/// <param name="Residual">Squared reconstruction error (an unusual mix).</param>
/// <param name="Reasons">The features that drive it, strongest first.</param>
public sealed record BehaviourScore(double Score, double HotellingT2, double Residual, IReadOnlyList<BehaviourReason> Reasons);

/// <summary>
/// The behaviour model (UM-10): counts are log-scaled and standardised, then ML.NET's randomized PCA
/// (<c>AnomalyDetection.Trainers.RandomizedPca</c>) learns the subspace of normal behaviour. ML.NET's own score is the
/// share of a row's deviation outside the subspace, which ranks a day with ten times the usual activity as normal;
/// so each day is scored from the trained eigenvectors with the classic pair — Hotelling's T² inside the subspace and
/// the residual Q outside it — and explained by the features that deviate most.
/// </summary>
public sealed class BehaviourModel
{
    /// <summary>Standard deviations are floored at this (log units) so that features that are almost always 0 do not dominate.</summary>
    private const float MinStd = 0.5f;

    /// <summary>Standardised values are clipped to ±this before the model sees them.</summary>
    private const float Clip = 8f;

    private readonly float[] _center;
    private readonly float[] _scale;
    private readonly float[] _typical;
    private readonly float[] _mean;
    private readonly float[][] _components;
    private readonly double[] _variances;
    private readonly double _meanResidual;

    private BehaviourModel(float[] center, float[] scale, float[] typical, float[] mean, float[][] components, double[] variances, double meanResidual, long trainMilliseconds)
    {
        _center = center;
        _scale = scale;
        _typical = typical;
        _mean = mean;
        _components = components;
        _variances = variances;
        _meanResidual = meanResidual;
        TrainMilliseconds = trainMilliseconds;
    }

    /// <summary>Principal components kept.</summary>
    public int Rank => _components.Length;

    public long TrainMilliseconds { get; }

    /// <summary>Trains on the raw feature vectors of the training window.</summary>
    public static BehaviourModel Train(IReadOnlyList<float[]> rows, int rank = 4, int seed = 1)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var width = BehaviourFeatures.Names.Count;
        if (rows.Count < width * 4)
        {
            throw new ArgumentException($"At least {width * 4} user-days are needed to train the behaviour model; there are {rows.Count}.", nameof(rows));
        }

        var clock = Stopwatch.StartNew();
        var scaled = rows.Select(Scale).ToList();
        var center = new float[width];
        var scale = new float[width];
        var typical = new float[width];
        for (var j = 0; j < width; j++)
        {
            var column = scaled.Select(r => r[j]).ToArray();
            var mean = column.Average();
            var std = Math.Sqrt(column.Sum(v => (v - mean) * (v - mean)) / column.Length);
            center[j] = mean;
            scale[j] = Math.Max((float)std, MinStd);
            var raw = rows.Select(r => r[j]).Order().ToArray();
            typical[j] = raw[raw.Length / 2];
        }

        var standardised = scaled.Select(r => Standardise(r, center, scale)).ToList();
        var context = new MLContext(seed);
        var data = context.Data.LoadFromEnumerable(standardised.Select(v => new Row { Features = v }));
        var trainer = context.AnomalyDetection.Trainers.RandomizedPca(featureColumnName: nameof(Row.Features), rank: Math.Clamp(rank, 1, width - 1), ensureZeroMean: true);
        var model = trainer.Fit(data).Model;
        VBuffer<float>[] vectors = [];
        model.GetEigenVectors(ref vectors, out var kept);
        var meanBuffer = default(VBuffer<float>);
        model.GetMean(ref meanBuffer);
        var modelMean = meanBuffer.DenseValues().ToArray();
        var components = vectors.Take(kept).Select(v => v.DenseValues().ToArray()).ToArray();

        var projections = standardised.Select(x => Project(x, modelMean, components)).ToList();
        var variances = Enumerable.Range(0, components.Length)
            .Select(k => Math.Max(projections.Sum(p => p.Coefficients[k] * p.Coefficients[k]) / projections.Count, 1e-6))
            .ToArray();
        var meanResidual = Math.Max(projections.Average(p => p.Residual), 1e-6);
        return new BehaviourModel(center, scale, typical, modelMean, components, variances, meanResidual, clock.ElapsedMilliseconds);
    }

    /// <summary>Scores one user-day (thread-safe).</summary>
    public BehaviourScore Score(float[] raw, int reasons = 3)
    {
        ArgumentNullException.ThrowIfNull(raw);
        var x = Standardise(Scale(raw), _center, _scale);
        var (coefficients, residual) = Project(x, _mean, _components);
        var t2 = coefficients.Select((c, k) => c * c / _variances[k]).Sum();
        var score = (t2 / Rank) + (residual / _meanResidual);
        var why = x.Select((z, j) => (z, j))
            .Where(p => p.z >= 2)
            .OrderByDescending(p => p.z)
            .Take(reasons)
            .Select(p => new BehaviourReason(BehaviourFeatures.Names[p.j], raw[p.j], _typical[p.j], Math.Round(p.z, 1)))
            .ToList();
        return new BehaviourScore(score, t2, residual, why);
    }

    /// <summary>Counts are log-scaled (log1p); the night share stays a fraction, scaled to the same range.</summary>
    private static float[] Scale(float[] raw) =>
        [.. raw.Select((v, j) => j == BehaviourFeatures.NightShare ? v * 3f : MathF.Log(1 + Math.Max(v, 0)))];

    private static float[] Standardise(float[] scaled, float[] center, float[] scale) =>
        [.. scaled.Select((v, j) => Math.Clamp((v - center[j]) / scale[j], -Clip, Clip))];

    private static (double[] Coefficients, double Residual) Project(float[] x, float[] mean, float[][] components)
    {
        var d = x.Select((v, j) => (double)(v - mean[j])).ToArray();
        var residual = (double[])d.Clone();
        var coefficients = new double[components.Length];
        for (var k = 0; k < components.Length; k++)
        {
            double c = 0;
            for (var j = 0; j < d.Length; j++)
            {
                c += components[k][j] * d[j];
            }

            coefficients[k] = c;
            for (var j = 0; j < d.Length; j++)
            {
                residual[j] -= c * components[k][j];
            }
        }

        return (coefficients, residual.Sum(r => r * r));
    }

    private sealed class Row
    {
        [VectorType(12)]
        public float[] Features { get; set; } = [];
    }
}
