namespace CityEye.Core.Devices.Networking;

/// <summary>The networking levels a point is declared for (AR-7). City points are the ledger's ordinary networking level.</summary>
public static class NetworkingPointLevels
{
    public const string Ministry = "ministry";
    public const string Province = "province";

    public static IReadOnlyList<string> All { get; } = [Ministry, Province];
}

/// <summary>States of the review workflow of a ministry or province point.</summary>
public static class NetworkingPointStates
{
    /// <summary>Marked by the district, not yet declared (草稿).</summary>
    public const string Draft = "draft";

    /// <summary>Declared to the upper level after passing the rules (已申报).</summary>
    public const string Declared = "declared";

    /// <summary>The upper level is reviewing it (审核中).</summary>
    public const string UnderReview = "underReview";

    /// <summary>Approved: the device's networking level is now the point's level (已通过).</summary>
    public const string Approved = "approved";

    /// <summary>Rejected by the review, with the reason (已驳回).</summary>
    public const string Rejected = "rejected";

    /// <summary>Reported abnormal by the ministry (e.g. offline, wrong picture) after approval (部级通报异常).</summary>
    public const string Abnormal = "abnormal";

    public static IReadOnlyList<string> All { get; } = [Draft, Declared, UnderReview, Approved, Rejected, Abnormal];
}

/// <summary>What a user does to points; each action moves points from some states to one state.</summary>
public static class NetworkingPointActions
{
    public const string Declare = "declare";
    public const string StartReview = "startReview";
    public const string Approve = "approve";
    public const string Reject = "reject";
    public const string ReportAbnormal = "reportAbnormal";
    public const string Withdraw = "withdraw";

    public static IReadOnlyList<string> All { get; } = [Declare, StartReview, Approve, Reject, ReportAbnormal, Withdraw];

    /// <summary>Review actions (recording the upper level's decisions) need <c>archive.review</c>; the others <c>archive.manage</c>.</summary>
    public static bool IsReview(string action) => action is StartReview or Approve or Reject or ReportAbnormal;

    /// <summary>Actions that need a comment (the reason).</summary>
    public static bool NeedsComment(string action) => action is Reject or ReportAbnormal;

    /// <summary>The states an action starts from, and the state it ends in (null: the point is removed).</summary>
    public static (IReadOnlyList<string> From, string? To) Transition(string action) => action switch
    {
        Declare => ([NetworkingPointStates.Draft, NetworkingPointStates.Rejected, NetworkingPointStates.Abnormal], NetworkingPointStates.Declared),
        StartReview => ([NetworkingPointStates.Declared], NetworkingPointStates.UnderReview),
        Approve => ([NetworkingPointStates.UnderReview], NetworkingPointStates.Approved),
        Reject => ([NetworkingPointStates.Declared, NetworkingPointStates.UnderReview], NetworkingPointStates.Rejected),
        ReportAbnormal => ([NetworkingPointStates.Approved], NetworkingPointStates.Abnormal),
        Withdraw => ([NetworkingPointStates.Draft, NetworkingPointStates.Rejected], null),
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, "Unknown action."),
    };
}

/// <summary>A ministry or province point with its device's identity.</summary>
public sealed record NetworkingPoint
{
    public long DeviceId { get; init; }

    public string GbCode { get; init; } = string.Empty;

    public string Name { get; init; } = string.Empty;

    public long OrganisationId { get; init; }

    public string Level { get; init; } = string.Empty;

    public string State { get; init; } = string.Empty;

    public string? Comment { get; init; }

    public string CreatedBy { get; init; } = string.Empty;

    public DateTimeOffset CreatedAt { get; init; }

    public string UpdatedBy { get; init; } = string.Empty;

    public DateTimeOffset UpdatedAt { get; init; }

    public int Version { get; init; }
}

/// <summary>One step of a point's history: who moved it from which state to which, when, and why.</summary>
public sealed record NetworkingPointEvent
{
    public long Id { get; init; }

    public long DeviceId { get; init; }

    public string Level { get; init; } = string.Empty;

    public string? FromState { get; init; }

    public string ToState { get; init; } = string.Empty;

    public string Actor { get; init; } = string.Empty;

    public DateTimeOffset ChangedAt { get; init; }

    public string? Comment { get; init; }
}

/// <summary>Filter of the point list.</summary>
public sealed record NetworkingPointFilter(string? State, string? Level, string? Text, long? OrganisationId);
