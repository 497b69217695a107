using System.ComponentModel.DataAnnotations;

namespace CityEye.Api.Jobs;

/// <summary>Which jobs to list.</summary>
/// <param name="Kind">Only jobs of this kind, e.g. <c>demo-seed</c>.</param>
internal sealed record JobFilter([property: StringLength(64, MinimumLength = 1)] string? Kind = null);
