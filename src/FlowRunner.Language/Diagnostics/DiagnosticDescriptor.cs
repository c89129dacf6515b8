namespace FlowRunner.Language.Diagnostics;

/// <summary>The fixed part of a diagnostic: id, title, message format, category and default severity.</summary>
/// <param name="Id">Stable id such as <c>FZ1001</c>; never reused or renumbered.</param>
/// <param name="Title">A short name for catalogues and SARIF rules.</param>
/// <param name="MessageFormat">A composite format string filled with the diagnostic's arguments.</param>
/// <param name="Category">The family, matching the id range.</param>
/// <param name="DefaultSeverity">The severity unless a configuration file changes it.</param>
/// <param name="IsConfigurable">False for syntax errors, which stop parsing and cannot be lowered.</param>
public sealed record DiagnosticDescriptor(
    string Id,
    string Title,
    string MessageFormat,
    DiagnosticCategory Category,
    DiagnosticSeverity DefaultSeverity,
    bool IsConfigurable = true)
{
    /// <summary>What the diagnostic means and why it matters, in a sentence or two (the catalogue, SARIF's <c>fullDescription</c>).</summary>
    public string Description { get; init; } = string.Empty;

    /// <summary>How to fix it, in general terms (the catalogue, SARIF's <c>help</c>); each diagnostic adds its own hint.</summary>
    public string Help { get; init; } = string.Empty;

    /// <summary>This rule's section in the diagnostics catalogue (<c>docs/diagnostics.md</c>).</summary>
    public Uri HelpUri => new($"{CatalogueUri}#{Id.ToLowerInvariant()}");

    /// <summary>Where the diagnostics catalogue is published.</summary>
    public const string CatalogueUri = "https://github.com/flowrunner/flowrunner/blob/main/docs/diagnostics.md";
}
