using System.Globalization;
using System.Reflection;

namespace FlowRunner.Engine.Persistence;

/// <summary>A numbered schema script of one source (the runtime, or an activity pack such as identity).</summary>
/// <param name="Source">Who owns the script, e.g. "identity"; versions are numbered per source.</param>
/// <param name="Version">The number from the file name (0001_...).</param>
/// <param name="Name">The file name.</param>
/// <param name="Sql">The statements.</param>
public sealed record MigrationScript(string Source, int Version, string Name, string Sql)
{
    /// <summary>Reads the embedded resources named <c>{prefix}NNNN_*.sql</c> of an assembly, in order.</summary>
    public static IReadOnlyList<MigrationScript> FromResources(Assembly assembly, string source, string prefix = "Migrations.")
    {
        var scripts = new List<MigrationScript>();
        foreach (string resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            string name = resource[prefix.Length..];
            int version = int.Parse(name.AsSpan(0, 4), CultureInfo.InvariantCulture);
            using Stream stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            scripts.Add(new MigrationScript(source, version, name, reader.ReadToEnd()));
        }

        return scripts;
    }
}
