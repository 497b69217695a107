namespace CityEye.Api.Auth;

/// <summary>The token secret, shown once.</summary>
public sealed record CreatedApiTokenResponse(ApiTokenResponse Token, string Secret);
