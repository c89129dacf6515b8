using System.Security.Cryptography;

namespace FlowRunner.Engine.Persistence;

/// <summary>Identifiers for stored rows and instances: 128 random bits from the CSPRNG as lowercase hex, so they cannot be guessed.</summary>
public static class RecordId
{
    // Random bytes are drawn 4 KiB at a time per thread (one CSPRNG call per 256 ids instead of one each: a call costs
    // about as much as a SQLite insert); bytes handed out are zeroed, so the buffer never holds an issued id.
    private const int BufferSize = 4096;

    [ThreadStatic]
    private static byte[]? _random;

    [ThreadStatic]
    private static int _next;

    /// <summary>A new 32-character identifier.</summary>
    public static string New()
    {
        byte[] random = _random ??= new byte[BufferSize];
        if (_next == 0)
        {
            RandomNumberGenerator.Fill(random);
        }

        Span<byte> bytes = random.AsSpan(_next, 16);
        string id = Convert.ToHexStringLower(bytes);
        bytes.Clear();
        _next = (_next + 16) % BufferSize;
        return id;
    }
}
