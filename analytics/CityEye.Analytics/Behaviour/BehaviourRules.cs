namespace CityEye.Analytics.Behaviour;

/// <summary>
/// Rules beside the model (UM-10): plain thresholds that an auditor can read and that flag a day whatever the model
/// thinks (e.g. bulk export at night). Thresholds are configuration (<c>Behaviour:Rules</c>).
/// </summary>
public sealed class BehaviourRuleOptions
{
    /// <summary>Exports and downloads between 22:00 and 06:00 in one day.</summary>
    public int NightExports { get; set; } = 20;

    /// <summary>Failed sign-ins in one day.</summary>
    public int FailedSignIns { get; set; } = 10;

    /// <summary>Distinct devices in one day.</summary>
    public int Devices { get; set; } = 300;

    /// <summary>Image searches in one day.</summary>
    public int ImageSearches { get; set; } = 100;

    /// <summary>New addresses in one day that, together with 3 or more failed sign-ins, flag the day.</summary>
    public int NewAddressesWithFailures { get; set; } = 2;
}

/// <summary>The rules and their codes (the SPA translates <c>audit.rules.{code}</c>).</summary>
public static class BehaviourRules
{
    public const string NightBulkExport = "nightBulkExport";
    public const string FailedSignInBurst = "failedSignInBurst";
    public const string MassDeviceViewing = "massDeviceViewing";
    public const string ImageSearchFlood = "imageSearchFlood";
    public const string NewAddressProbing = "newAddressProbing";

    /// <summary>The rules <paramref name="day"/> breaks.</summary>
    public static IReadOnlyList<string> Check(UserDay day, BehaviourRuleOptions options)
    {
        ArgumentNullException.ThrowIfNull(day);
        ArgumentNullException.ThrowIfNull(options);
        var broken = new List<string>();
        var c = day.Counts;
        if (c.NightExports >= options.NightExports)
        {
            broken.Add(NightBulkExport);
        }

        if (c.FailedSignIns >= options.FailedSignIns)
        {
            broken.Add(FailedSignInBurst);
        }

        if (c.Devices >= options.Devices)
        {
            broken.Add(MassDeviceViewing);
        }

        if (c.ImageSearches >= options.ImageSearches)
        {
            broken.Add(ImageSearchFlood);
        }

        if (day.NewAddresses >= options.NewAddressesWithFailures && c.FailedSignIns >= 3)
        {
            broken.Add(NewAddressProbing);
        }

        return broken;
    }
}
