using System.Security.Cryptography;

namespace FlowRunner.Engine.Persistence;

/// <summary>Identifiers for stored rows and instances: 128 random bits from the CSPRNG as lowercase hex, so they cannot be guessed.</summary>
public static class RecordId
{
    /// <summary>A new 32-character identifier.</summary>
    public static string New() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
