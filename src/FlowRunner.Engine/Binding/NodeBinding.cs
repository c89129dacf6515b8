using System.Collections.Immutable;
using System.Text.Json;
using FlowRunner.Engine.Activities;

namespace FlowRunner.Engine.Binding;

/// <summary>How one node runs: its handler (null: a manual task or a caller's choice), options, declared input and timeout.</summary>
internal sealed record NodeBinding(
    IActivityHandler? Handler,
    JsonElement Options,
    ImmutableSortedDictionary<string, InputField> Input,
    TimeSpan? Timeout)
{
    /// <summary>An empty options object.</summary>
    public static readonly JsonElement NoOptions = JsonDocument.Parse("{}").RootElement.Clone();

    /// <summary>A node with no handler, no declared input and no timeout.</summary>
    public static NodeBinding Unbound { get; } = new(null, NoOptions, ImmutableSortedDictionary<string, InputField>.Empty, null);
}
