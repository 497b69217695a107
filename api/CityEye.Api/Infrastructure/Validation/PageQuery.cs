using System.ComponentModel.DataAnnotations;

namespace CityEye.Api.Infrastructure.Validation;

/// <summary>
/// Paging of every list endpoint (<c>[AsParameters] PageQuery paging</c>): <c>skip</c> 0 or more, <c>take</c> 1 to
/// <see cref="MaxTake"/>. Out-of-range values are refused the same way everywhere (400, <c>field.range</c>).
/// </summary>
/// <param name="Skip">Items to skip.</param>
/// <param name="Take">Items to return.</param>
internal sealed record PageQuery(
    [property: Range(0, int.MaxValue)] int Skip = 0,
    [property: Range(1, PageQuery.MaxTake)] int Take = 20)
{
    public const int MaxTake = 100;
}
