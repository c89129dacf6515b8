using System.Collections.Immutable;

namespace FlowRunner.Engine.Activities;

/// <summary>What a waiting node expects: input fields, or a choice among exits; optionally by a deadline.</summary>
/// <param name="Fields">Named input fields.</param>
/// <param name="Choices">For a choice (an unbound decision): the exit labels, one of which is the answer's "outcome".</param>
/// <param name="Deadline">When the wait times out (a durable timer), or null.</param>
public sealed record WaitRequest(ImmutableSortedDictionary<string, InputField> Fields, ImmutableArray<string> Choices, DateTimeOffset? Deadline = null)
{
    /// <summary>A wait for nothing but a go-ahead (a manual task).</summary>
    public static WaitRequest Confirmation { get; } = new(ImmutableSortedDictionary<string, InputField>.Empty, []);

    /// <summary>A wait for these fields.</summary>
    public static WaitRequest ForFields(IEnumerable<KeyValuePair<string, InputField>> fields, DateTimeOffset? deadline = null) =>
        new(fields.ToImmutableSortedDictionary(StringComparer.Ordinal), [], deadline);

    /// <summary>A wait for one of these outcomes.</summary>
    public static WaitRequest ForChoice(IEnumerable<string> choices, DateTimeOffset? deadline = null) =>
        new(ImmutableSortedDictionary<string, InputField>.Empty, [.. choices], deadline);
}
