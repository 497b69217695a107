namespace CityEye.Core.Walls;

/// <summary>
/// Where a wall's state goes when the console changes it. The embedded default pushes it to the browser wall pages
/// (<c>/wall/{id}</c>) that the wall's display computers open full screen; a production video-wall controller (a
/// decoder matrix driven over its vendor's protocol) implements this interface too and is registered beside it.
/// <see cref="ShowAsync"/> gets the whole state every time, so a controller that missed a change catches up with the
/// next one, and "sync" simply shows the state again.
/// </summary>
public interface IWallController
{
    /// <summary>The controller's name, for the logs.</summary>
    string Name { get; }

    /// <summary>Shows the wall's state (or, when <paramref name="wall"/> is null, that the wall with this id is gone).</summary>
    Task ShowAsync(long wallId, VideoWall? wall, CancellationToken cancellationToken);
}
