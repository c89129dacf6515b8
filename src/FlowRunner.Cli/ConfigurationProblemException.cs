namespace FlowRunner.Cli;

/// <summary>A setting or key file the CLI cannot use: printed as "flowrunner: message" (exit code 2), never as a crash.</summary>
internal sealed class ConfigurationProblemException(string message) : Exception(message);
