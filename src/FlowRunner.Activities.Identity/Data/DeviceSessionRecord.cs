namespace FlowRunner.Activities.Identity.Data;

/// <summary>A row of identity_device_sessions: a device's Ed25519 public key bound to a user.</summary>
public sealed class DeviceSessionRecord
{
    /// <summary>The session's id (128 random bits, hex): what the device names in every envelope.</summary>
    public string Id { get; set; } = string.Empty;

    /// <summary>The user the device acts for.</summary>
    public string UserId { get; set; } = string.Empty;

    /// <summary>The device's Ed25519 public key (32 bytes).</summary>
    public byte[] PublicKey { get; set; } = [];

    /// <summary>When the session was created (UTC, stored text).</summary>
    public string CreatedAt { get; set; } = string.Empty;

    /// <summary>When it was revoked (UTC, stored text), or null while it is active.</summary>
    public string? RevokedAt { get; set; }

    /// <summary>"active" or "revoked".</summary>
    public string Status => RevokedAt is null ? "active" : "revoked";
}
