namespace FlowRunner.Language.Configuration;

/// <summary>A configuration file that cannot be used, with the file and the reason.</summary>
public sealed class ConfigurationException(string path, string reason) : Exception($"{path}: {reason}")
{
    /// <summary>The file at fault.</summary>
    public string FilePath { get; } = path;

    /// <summary>What is wrong with it.</summary>
    public string Reason { get; } = reason;
}
