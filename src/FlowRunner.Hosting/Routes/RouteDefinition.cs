using System.Collections.Immutable;
using System.Text.Json;

namespace FlowRunner.Hosting.Routes;

/// <summary>One route of <c>routes.json</c>, checked when it was read: how a request starts or finds an instance, what it answers, and how the result maps to a response.</summary>
/// <param name="Method">GET, POST, PUT or DELETE.</param>
/// <param name="Path">The route template, e.g. <c>/api/auth/reset/{token}</c>.</param>
/// <param name="IsPublic">True when the route needs no access token.</param>
/// <param name="Limit">The value whose attempts are limited per window (e.g. a login's email), or null.</param>
/// <param name="Target">What the request runs: a flow to start, an instance to find, or a fixed response.</param>
/// <param name="Answers">Waits answered from the request, in order.</param>
/// <param name="Results">Rules tried in order to turn the outcome into a response.</param>
/// <param name="NotFound">The response when no instance is found.</param>
internal sealed record RouteDefinition(
    string Method,
    string Path,
    bool IsPublic,
    RouteExpression? Limit,
    RouteTarget Target,
    ImmutableArray<RouteAnswer> Answers,
    ImmutableArray<RouteResult> Results,
    RouteResponse? NotFound)
{
    /// <summary>True when only services may call the route (the service token: the gateway's calls to its backend).</summary>
    public bool IsService { get; init; }
}

/// <summary>What a route runs.</summary>
internal abstract record RouteTarget;

/// <summary>Starts an instance of a flow.</summary>
internal sealed record StartFlow(string Flow) : RouteTarget;

/// <summary>Continues the instance whose id the expression gives, when it is an instance of <paramref name="Flow"/>.</summary>
internal sealed record ResumeInstance(string Flow, RouteExpression Instance) : RouteTarget;

/// <summary>Continues the newest instance of <paramref name="Flow"/> waiting at <paramref name="Node"/> whose variable equals the expression.</summary>
internal sealed record FindWaiting(string Flow, string Node, string Variable, RouteExpression EqualTo) : RouteTarget;

/// <summary>Answers without running anything.</summary>
internal sealed record Respond(RouteResponse Response) : RouteTarget;

/// <summary>A wait answered with fields taken from the request.</summary>
internal sealed record RouteAnswer(string Node, RouteTemplate Input);

/// <summary>When a result rule applies, and what it answers.</summary>
internal sealed record RouteResult(RouteCondition When, RouteResponse Response);

/// <summary>A status and a body (a template whose expressions are filled in), or no body.</summary>
internal sealed record RouteResponse(int Status, RouteTemplate? Body);

/// <summary>A result rule's condition: <c>*</c>, <c>completed</c>, <c>completed at nX</c>, <c>waiting nX</c> or <c>faulted</c>.</summary>
internal sealed record RouteCondition(RouteConditionKind Kind, string? Node, string Text);

/// <summary>The kinds of <see cref="RouteCondition"/>.</summary>
internal enum RouteConditionKind
{
    /// <summary><c>*</c>: any result.</summary>
    Any,

    /// <summary><c>completed</c>, or <c>completed at nX</c> when a node is given.</summary>
    Completed,

    /// <summary><c>waiting nX</c>.</summary>
    Waiting,

    /// <summary><c>faulted</c>.</summary>
    Faulted,
}

/// <summary>
/// A value read from the request or the run: <c>=source.name</c>, or <c>=function:source.name</c> with a function a
/// pack registered (e.g. the identity pack's <c>hash</c>).
/// </summary>
/// <param name="Text">As written, with its <c>=</c>.</param>
/// <param name="Function">The function applied to the value, or null.</param>
/// <param name="Source">body, path, outputs, instance, user or request.</param>
/// <param name="Name">The field of the source.</param>
internal sealed record RouteExpression(string Text, string? Function, string Source, string Name);

/// <summary>A JSON value in which strings starting with <c>=</c> are expressions (all of them checked when read, listed in the order written).</summary>
internal sealed record RouteTemplate(JsonElement Json, ImmutableArray<RouteExpression> Expressions)
{
    /// <summary>The expression written as <paramref name="text"/>, or null for a literal.</summary>
    public RouteExpression? Find(string text) => Expressions.FirstOrDefault(e => e.Text == text);
}
