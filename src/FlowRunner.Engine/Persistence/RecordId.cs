using System.Buffers.Binary;
using System.Security.Cryptography;

namespace FlowRunner.Engine.Persistence;

/// <summary>Identifiers for stored rows and instances: 32 lowercase hex characters with enough CSPRNG bits that they cannot be guessed.</summary>
public static class RecordId
{
    // Random bytes are drawn 4 KiB at a time per thread (one CSPRNG call per 256 ids instead of one each: a call costs
    // about as much as a SQLite insert); bytes handed out are zeroed, so the buffer never holds an issued id.
    private const int BufferSize = 4096;

    [ThreadStatic]
    private static byte[]? _random;

    [ThreadStatic]
    private static int _next;

    /// <summary>A new identifier of 128 random bits.</summary>
    public static string New() => Create(null);

    /// <summary>
    /// A new identifier that sorts after those made at earlier milliseconds: 48 bits of Unix milliseconds of
    /// <paramref name="now"/>, then 80 random bits (as a UUIDv7 orders its time before its random part). Index entries of
    /// new rows then go to the end of an index instead of onto random pages. The time can be read from it: use it where
    /// whoever sees the id may know when it was made (an instance id goes to the client that started the instance).
    /// </summary>
    public static string NewOrdered(DateTimeOffset now) => Create(Math.Clamp(now.ToUnixTimeMilliseconds(), 0, (1L << 48) - 1));

    private static string Create(long? milliseconds)
    {
        byte[] random = _random ??= new byte[BufferSize];
        if (_next == 0)
        {
            RandomNumberGenerator.Fill(random);
        }

        Span<byte> bytes = random.AsSpan(_next, 16);
        if (milliseconds is { } ms)
        {
            Span<byte> time = stackalloc byte[8];
            BinaryPrimitives.WriteInt64BigEndian(time, ms);
            time[2..].CopyTo(bytes); // the low 48 bits, most significant first
        }

        string id = Convert.ToHexStringLower(bytes);
        bytes.Clear();
        _next = (_next + 16) % BufferSize;
        return id;
    }
}
