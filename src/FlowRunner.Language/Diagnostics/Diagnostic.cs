using System.Collections.Immutable;
using System.Globalization;
using FlowRunner.Language.Text;

namespace FlowRunner.Language.Diagnostics;

/// <summary>One reported problem: what (descriptor and arguments), where (span) and how to fix it (hint).</summary>
public sealed record Diagnostic(
    DiagnosticDescriptor Descriptor,
    SourceSpan Location,
    ImmutableArray<object?> Arguments,
    string? Hint,
    DiagnosticSeverity Severity)
{
    /// <summary>The descriptor's id.</summary>
    public string Id => Descriptor.Id;

    /// <summary>The message with the arguments filled in (invariant culture).</summary>
    public string Message => string.Format(CultureInfo.InvariantCulture, Descriptor.MessageFormat, [.. Arguments]);

    /// <summary>Creates a diagnostic at the descriptor's default severity.</summary>
    public static Diagnostic Create(DiagnosticDescriptor descriptor, SourceSpan location, string? hint, params object?[] arguments) =>
        new(descriptor, location, [.. arguments], hint, descriptor.DefaultSeverity);

    /// <inheritdoc/>
    public override string ToString() => $"{Location.Path}@{Location.Start}: {Severity} {Id}: {Message}";
}
