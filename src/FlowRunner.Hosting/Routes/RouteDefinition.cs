using System.Collections.Immutable;
using System.Text.Json;

namespace FlowRunner.Hosting.Routes;

/// <summary>One route of <c>routes.json</c>: how a request starts or finds an instance, what it answers, and how the result maps to a response.</summary>
public sealed record RouteDefinition(
    string Method,
    string Path,
    bool IsPublic,
    string? Limit,
    string? Start,
    JsonElement? Resume,
    ImmutableArray<(string Node, JsonElement Input)> Answers,
    ImmutableArray<(string When, int Status, JsonElement Body)> Results,
    (int Status, JsonElement Body)? NotFound,
    (int Status, JsonElement Body)? Respond);
