using System.Diagnostics;

namespace CityEye.Analytics.Behaviour;

/// <summary>One scored user-day.</summary>
/// <param name="Day">The user-day and its features.</param>
/// <param name="Score">The model's score and reasons.</param>
/// <param name="Rules">Rules the day breaks.</param>
/// <param name="Severity">Score over the threshold, plus 1 when a rule is broken: the order of the anomaly list.</param>
public sealed record ScoredDay(UserDay Day, BehaviourScore Score, IReadOnlyList<string> Rules, double Severity)
{
    /// <summary>An anomaly: the score reaches the threshold, or a rule is broken.</summary>
    public bool IsAnomaly => Severity >= 1;
}

/// <summary>The outcome of one training and scoring run.</summary>
public sealed record BehaviourResult(IReadOnlyList<ScoredDay> Days, double Threshold, int Rank, long TrainMilliseconds, long ScoreMilliseconds)
{
    /// <summary>Anomalies, most severe first.</summary>
    public IEnumerable<ScoredDay> Anomalies => Days.Where(d => d.IsAnomaly).OrderByDescending(d => d.Severity).ThenBy(d => d.Day.Username, StringComparer.Ordinal).ThenBy(d => d.Day.Day);
}

/// <summary>Trains the behaviour model on a window of user-days and scores every day of it, with the rules beside it.</summary>
public static class BehaviourAnalysis
{
    /// <summary>Quantile of the training scores above which a day is an anomaly.</summary>
    public const double ThresholdQuantile = 0.99;

    public static BehaviourResult Run(IReadOnlyList<UserDayCounts> counts, BehaviourRuleOptions rules, int rank = 4)
    {
        ArgumentNullException.ThrowIfNull(counts);
        ArgumentNullException.ThrowIfNull(rules);
        var days = BehaviourFeatures.Build(counts);
        var model = BehaviourModel.Train(days.Select(d => d.Raw).ToList(), rank);
        var clock = Stopwatch.StartNew();
        var scores = days.Select(d => model.Score(d.Raw)).ToList();
        var ordered = scores.Select(s => s.Score).Order().ToArray();
        var threshold = Math.Max(ordered[Math.Min(ordered.Length - 1, (int)(ordered.Length * ThresholdQuantile))], 1e-9);
        var scored = days.Select((d, i) =>
        {
            var broken = BehaviourRules.Check(d, rules);
            return new ScoredDay(d, scores[i], broken, (scores[i].Score / threshold) + (broken.Count > 0 ? 1 : 0));
        }).ToList();
        return new BehaviourResult(scored, threshold, model.Rank, model.TrainMilliseconds, clock.ElapsedMilliseconds);
    }

    /// <summary>Share of the first <paramref name="k"/> of <paramref name="ranked"/> that are planted (precision at k).</summary>
    public static double PrecisionAt(IEnumerable<ScoredDay> ranked, int k, IReadOnlySet<(string User, DateOnly Day)> planted)
    {
        ArgumentNullException.ThrowIfNull(ranked);
        ArgumentNullException.ThrowIfNull(planted);
        var top = ranked.Take(k).ToList();
        return top.Count == 0 ? 0 : (double)top.Count(d => planted.Contains((d.Day.Username, d.Day.Day))) / k;
    }
}
