using System.Runtime.CompilerServices;
using System.Text.Json;
using FlowRunner.Engine.Activities;
using FlowRunner.Language.Graph;

namespace FlowRunner.Gateway.Activities;

/// <summary>A node's options parsed once per loaded flow version (keyed by its node), not on every request.</summary>
internal sealed class ParsedOptions<T>(Func<JsonElement, T> parse)
    where T : class
{
    private readonly ConditionalWeakTable<FlowNode, T> _parsed = new();

    public T For(ActivityContext context) =>
        _parsed.TryGetValue(context.Node, out T? parsed) ? parsed : _parsed.GetValue(context.Node, _ => parse(context.Options));
}
