namespace FlowRunner.Activities.Identity.Data;

/// <summary>What a refresh token belongs to.</summary>
public sealed class RefreshTokenRecord
{
    /// <summary>The family: every token rotated from one login.</summary>
    public string FamilyId { get; set; } = string.Empty;

    /// <summary>The session the family belongs to.</summary>
    public string SessionId { get; set; } = string.Empty;

    /// <summary>The user it was issued to.</summary>
    public string UserId { get; set; } = string.Empty;

    /// <summary>The family's absolute expiry: 7 days from the original login, not extended by rotation.</summary>
    public string ExpiresAt { get; set; } = string.Empty;
}
