namespace FlowRunner.Activities.Identity.Data;

/// <summary>What a refresh token belongs to.</summary>
public sealed class RefreshTokenRecord
{
    public string FamilyId { get; set; } = string.Empty;

    public string SessionId { get; set; } = string.Empty;

    public string UserId { get; set; } = string.Empty;

    /// <summary>The family's absolute expiry: 7 days from the original login, not extended by rotation.</summary>
    public string ExpiresAt { get; set; } = string.Empty;
}
