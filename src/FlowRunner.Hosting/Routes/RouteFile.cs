using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using FlowRunner.Language.Diagnostics;
using FlowRunner.Language.Graph;
using FlowRunner.Language.Text;

namespace FlowRunner.Hosting.Routes;

/// <summary>
/// Reads <c>routes.json</c> into checked routes, the way a flow is checked: a misspelt key, a flow or node that does
/// not exist, or an expression nothing can evaluate is a diagnostic at its line and column, before anything runs.
/// </summary>
public static partial class RouteFile
{
    /// <summary>The file's name, at the root of a flows folder.</summary>
    public const string FileName = "routes.json";

    /// <summary>The largest routes file read.</summary>
    public const int MaxBytes = 1024 * 1024;

    private static readonly string[] Methods = ["GET", "POST", "PUT", "DELETE"];
    private static readonly string[] RootKeys = ["routes", "//", "$schema"];
    private static readonly string[] RouteKeys = ["public", "service", "limit", "start", "resume", "answers", "results", "notFound", "respond", "//"];
    private static readonly string[] ResumeKeys = ["instance", "flow", "find"];
    private static readonly string[] FindKeys = ["flow", "node", "variable", "equals"];
    private static readonly string[] AnswerKeys = ["node", "input"];
    private static readonly string[] ResponseKeys = ["status", "body"];

    // What expressions read: the fields of each source, or null for any name.
    private static readonly Dictionary<string, string[]?> Sources = new(StringComparer.Ordinal)
    {
        ["body"] = null,
        ["path"] = null,
        ["outputs"] = null,
        ["instance"] = ["id"],
        ["user"] = ["sub", "email", "role"],
        ["request"] = ["bearer"],
    };

    /// <summary>Reads a routes file; an unreadable or oversized file is a diagnostic too.</summary>
    public static RouteFileResult Load(string path, RouteTargets context)
    {
        string text;
        try
        {
            text = new FileInfo(path).Length > MaxBytes
                ? throw new IOException($"it is larger than {MaxBytes} bytes")
                : File.ReadAllText(path, Encoding.UTF8);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var empty = SourceText.From(string.Empty, path);
            return new RouteFileResult(empty, [], [Diagnostic.Create(Descriptors.InvalidRouteFile, new SourceSpan(path, 0, 0), "fix the file or remove it", FileName, e.Message)]);
        }

        return Read(SourceText.From(text, path), context);
    }

    /// <summary>Reads the text of a routes file.</summary>
    public static RouteFileResult Read(SourceText source, RouteTargets context)
    {
        var reader = new Reader(source, context);
        ImmutableArray<RouteDefinition> routes = reader.Read();
        return new RouteFileResult(source, routes, Language.FlowAnalysis.Sort(reader.Diagnostics));
    }

    [GeneratedRegex(@"^=(?:(?<function>[A-Za-z][A-Za-z0-9_-]*):)?(?<source>[a-z]+)\.(?<name>[A-Za-z_][A-Za-z0-9_]*)$")]
    private static partial Regex ExpressionPattern();

    [GeneratedRegex(@"\{\**(?<name>[A-Za-z_][A-Za-z0-9_]*)[^}]*\}")]
    private static partial Regex PathParameterPattern();

    private sealed class Reader(SourceText source, RouteTargets context)
    {
        public ImmutableArray<Diagnostic>.Builder Diagnostics { get; } = ImmutableArray.CreateBuilder<Diagnostic>();

        public ImmutableArray<RouteDefinition> Read()
        {
            SpannedJson root;
            try
            {
                root = SpannedJson.Parse(source.Text);
            }
            catch (JsonException e)
            {
                int line = (int)Math.Min(e.LineNumber ?? 0, source.LineCount - 1);
                int offset = source.LineCount == 0 ? 0 : source.GetLineSpan(Math.Max(0, line)).Start + (int)(e.BytePositionInLine ?? 0);
                Report(Descriptors.InvalidRouteFile, new TextSpan(Math.Min(offset, source.Text.Length), 0), "write valid JSON (comments and trailing commas are allowed)",
                    FileName, "it is not valid JSON: " + e.Message.Split(" Path:", 2)[0]);
                return [];
            }

            if (!IsObject(root, "the file must hold {\"routes\": {\"POST /path\": {...}}}"))
            {
                return [];
            }

            CheckKeys(root, RootKeys, "the file");
            if (root.Property("routes") is not { } routes)
            {
                Invalid(root.Span, "it has no \"routes\" object", "write {\"routes\": {\"POST /path\": {...}}}");
                return [];
            }

            if (!IsObject(routes.Value, "\"routes\" must be an object of \"METHOD /path\": {...}"))
            {
                return [];
            }

            var result = ImmutableArray.CreateBuilder<RouteDefinition>();
            foreach (SpannedProperty route in routes.Value.Properties)
            {
                if (ReadRoute(route) is { } definition)
                {
                    result.Add(definition);
                }
            }

            return result.ToImmutable();
        }

        private RouteDefinition? ReadRoute(SpannedProperty route)
        {
            string[] key = route.Name.Split(' ', 2, StringSplitOptions.TrimEntries);
            if (key.Length != 2 || !Methods.Contains(key[0]) || !key[1].StartsWith('/'))
            {
                Invalid(route.NameSpan, $"route \"{route.Name}\": the key is \"METHOD /path\" with a method of {string.Join(", ", Methods)}", "e.g. \"POST /api/auth/login\"");
                return null;
            }

            if (!IsObject(route.Value, $"route \"{route.Name}\" must be an object"))
            {
                return null;
            }

            string name = route.Name;
            string[] pathParameters = [.. PathParameterPattern().Matches(key[1]).Select(m => m.Groups["name"].Value)];
            CheckKeys(route.Value, RouteKeys, $"route \"{name}\"");
            bool isPublic = false;
            if (route.Value.Property("public") is { } flag)
            {
                isPublic = flag.Value.Kind == JsonValueKind.True;
                if (flag.Value.Kind is not (JsonValueKind.True or JsonValueKind.False))
                {
                    Invalid(flag.Value.Span, $"route \"{name}\": \"public\" must be true or false", "write \"public\": true for a route anyone may call");
                }
            }

            bool isService = false;
            if (route.Value.Property("service") is { } service)
            {
                isService = service.Value.Kind == JsonValueKind.True;
                if (service.Value.Kind is not (JsonValueKind.True or JsonValueKind.False))
                {
                    Invalid(service.Value.Span, $"route \"{name}\": \"service\" must be true or false", "write \"service\": true for a route only services (the gateway) may call, with the service token");
                }
                else if (isService && isPublic)
                {
                    Invalid(service.Value.Span, $"route \"{name}\" cannot be both public and for services only", "remove \"public\" or \"service\"");
                }
            }

            RouteExpression? limit = route.Value.Property("limit") is { } l ? Expression(l.Value, name, pathParameters) : null;

            SpannedProperty?[] targets = [route.Value.Property("start"), route.Value.Property("resume"), route.Value.Property("respond")];
            RouteTarget? target = null;
            if (targets.Count(t => t is not null) != 1)
            {
                Invalid(route.NameSpan, $"route \"{name}\": give exactly one of \"start\" (a flow), \"resume\" (an instance) or \"respond\"", null);
            }
            else
            {
                target = targets[0] is { } start ? Start(start.Value, name)
                    : targets[1] is { } resume ? Resume(resume.Value, name, pathParameters)
                    : Response(targets[2]!.Value, name, pathParameters) is { } response ? new Respond(response) : null;
            }

            FlowGraph? graph = target switch
            {
                StartFlow s => context.Flows.GetValueOrDefault(s.Flow),
                ResumeInstance r => context.Flows.GetValueOrDefault(r.Flow),
                FindWaiting f => context.Flows.GetValueOrDefault(f.Flow),
                _ => null,
            };
            if (target is Respond)
            {
                foreach (SpannedProperty ignored in route.Value.Properties.Where(p => p.Name is "answers" or "results" or "notFound"))
                {
                    Invalid(ignored.NameSpan, $"route \"{name}\": \"{ignored.Name}\" has no effect on a route that responds without running a flow", "remove it");
                }
            }

            ImmutableArray<RouteAnswer> answers = Answers(route.Value.Property("answers"), name, graph, pathParameters);
            ImmutableArray<RouteResult> results = Results(route.Value.Property("results"), name, graph, pathParameters);
            RouteResponse? notFound = route.Value.Property("notFound") is { } missing ? Response(missing.Value, name, pathParameters) : null;
            return target is null ? null : new RouteDefinition(key[0], key[1], isPublic, limit, target, answers, results, notFound) { IsService = isService };
        }

        private StartFlow? Start(SpannedJson value, string route) =>
            Flow(value, route) is { } flow ? new StartFlow(flow) : null;

        private RouteTarget? Resume(SpannedJson value, string route, string[] pathParameters)
        {
            if (!IsObject(value, $"route \"{route}\": \"resume\" must be {{\"instance\": \"=...\", \"flow\": \"...\"}} or {{\"find\": {{...}}}}"))
            {
                return null;
            }

            CheckKeys(value, ResumeKeys, $"route \"{route}\": \"resume\"");
            if (value.Property("find") is { } find)
            {
                if (!IsObject(find.Value, $"route \"{route}\": \"find\" must be {{\"flow\", \"node\", \"variable\", \"equals\"}}"))
                {
                    return null;
                }

                CheckKeys(find.Value, FindKeys, $"route \"{route}\": \"find\"");
                string? flow = Required(find.Value, "flow", route) is { } f ? Flow(f, route) : null;
                string? node = Required(find.Value, "node", route) is { } n ? Node(n, route, flow is null ? null : context.Flows.GetValueOrDefault(flow)) : null;
                string? variable = Required(find.Value, "variable", route) is { } v ? Text(v, route, "\"variable\"") : null;
                RouteExpression? equals = Required(find.Value, "equals", route) is { } e ? Expression(e, route, pathParameters) : null;
                return flow is null || node is null || variable is null || equals is null ? null : new FindWaiting(flow, node, variable, equals);
            }

            string? resumed = Required(value, "flow", route) is { } flowValue ? Flow(flowValue, route) : null;
            RouteExpression? instance = Required(value, "instance", route) is { } id ? Expression(id, route, pathParameters) : null;
            return resumed is null || instance is null ? null : new ResumeInstance(resumed, instance);
        }

        private ImmutableArray<RouteAnswer> Answers(SpannedProperty? property, string route, FlowGraph? graph, string[] pathParameters)
        {
            if (property is null || !IsArray(property.Value, $"route \"{route}\": \"answers\" must be a list of {{\"node\": \"nX\", \"input\": {{...}}}}"))
            {
                return [];
            }

            var answers = ImmutableArray.CreateBuilder<RouteAnswer>();
            foreach (SpannedJson answer in property.Value.Items)
            {
                if (!IsObject(answer, $"route \"{route}\": each answer is {{\"node\": \"nX\", \"input\": {{...}}}}"))
                {
                    continue;
                }

                CheckKeys(answer, AnswerKeys, $"route \"{route}\": an answer");
                string? node = Required(answer, "node", route) is { } n ? Node(n, route, graph) : null;
                RouteTemplate? input = answer.Property("input") is { } i
                    ? IsObject(i.Value, $"route \"{route}\": \"input\" must be an object of the fields the wait expects") ? Template(i.Value, route, pathParameters) : null
                    : Template(null, route, pathParameters);
                if (node is not null && input is not null)
                {
                    answers.Add(new RouteAnswer(node, input));
                }
            }

            return answers.ToImmutable();
        }

        private ImmutableArray<RouteResult> Results(SpannedProperty? property, string route, FlowGraph? graph, string[] pathParameters)
        {
            if (property is null || !IsObject(property.Value, $"route \"{route}\": \"results\" must be an object of \"condition\": {{\"status\": ..., \"body\": ...}}"))
            {
                return [];
            }

            var results = ImmutableArray.CreateBuilder<RouteResult>();
            foreach (SpannedProperty rule in property.Value.Properties)
            {
                RouteCondition? when = Condition(rule, route, graph);
                RouteResponse? response = Response(rule.Value, route, pathParameters);
                if (when is not null && response is not null)
                {
                    results.Add(new RouteResult(when, response));
                }
            }

            return results.ToImmutable();
        }

        private RouteCondition? Condition(SpannedProperty rule, string route, FlowGraph? graph)
        {
            string[] words = rule.Name.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            RouteCondition? condition = words switch
            {
                ["*"] => new RouteCondition(RouteConditionKind.Any, null, rule.Name),
                ["completed"] => new RouteCondition(RouteConditionKind.Completed, null, rule.Name),
                ["completed", "at", string node] => new RouteCondition(RouteConditionKind.Completed, node, rule.Name),
                ["waiting", string node] => new RouteCondition(RouteConditionKind.Waiting, node, rule.Name),
                ["faulted"] => new RouteCondition(RouteConditionKind.Faulted, null, rule.Name),
                _ => null,
            };
            if (condition is null)
            {
                Invalid(rule.NameSpan, $"route \"{route}\": \"{rule.Name}\" is no result condition",
                    "conditions are \"completed\", \"completed at nX\", \"waiting nX\", \"faulted\" and \"*\"");
                return null;
            }

            if (condition.Node is { } id && graph is not null && graph.FindNode(id) is null)
            {
                ReportUnknownNode(rule.NameSpan, route, id, graph);
                return null;
            }

            return condition;
        }

        private RouteResponse? Response(SpannedJson value, string route, string[] pathParameters)
        {
            if (!IsObject(value, $"route \"{route}\": a response is {{\"status\": 200, \"body\": {{...}}}}"))
            {
                return null;
            }

            CheckKeys(value, ResponseKeys, $"route \"{route}\": a response");
            if (Required(value, "status", route) is not { } status)
            {
                return null;
            }

            if (status.Kind != JsonValueKind.Number || !status.Value.TryGetInt32(out int code) || code is < 100 or > 599)
            {
                Invalid(status.Span, $"route \"{route}\": \"status\" must be an HTTP status code (100 to 599)", "e.g. \"status\": 200");
                return null;
            }

            RouteTemplate? body = value.Property("body") is { } b ? Template(b.Value, route, pathParameters) : null;
            return value.Property("body") is not null && body is null ? null : new RouteResponse(code, body);
        }

        private RouteTemplate? Template(SpannedJson? value, string route, string[] pathParameters)
        {
            if (value is null)
            {
                return new RouteTemplate(JsonSerializer.SerializeToElement(new { }), []);
            }

            var expressions = ImmutableArray.CreateBuilder<RouteExpression>();
            bool valid = true;
            foreach (SpannedJson text in Strings(value).Where(s => s.Value.GetString()!.StartsWith('=')))
            {
                if (Expression(text, route, pathParameters) is { } expression)
                {
                    if (!expressions.Any(e => e.Text == expression.Text))
                    {
                        expressions.Add(expression);
                    }
                }
                else
                {
                    valid = false;
                }
            }

            return valid ? new RouteTemplate(value.Value, expressions.ToImmutable()) : null;
        }

        private RouteExpression? Expression(SpannedJson value, string route, string[] pathParameters)
        {
            if (Text(value, route, "an expression") is not { } text)
            {
                return null;
            }

            Match match = ExpressionPattern().Match(text);
            string hint = $"expressions are ={string.Join(", =", Sources.Select(s => s.Value is null ? s.Key + ".x" : s.Key + "." + string.Join("|", s.Value)))}"
                + (context.Functions.Count == 0 ? string.Empty : $", optionally with a function ({string.Join(", ", context.Functions.Order(StringComparer.Ordinal))}) as in =function:body.x");
            if (!match.Success)
            {
                Report(Descriptors.UnknownRouteExpression, value.Span, hint, route, text, string.Empty);
                return null;
            }

            string? function = match.Groups["function"].Success ? match.Groups["function"].Value : null;
            string source = match.Groups["source"].Value;
            string name = match.Groups["name"].Value;
            if (function is not null && !context.Functions.Contains(function))
            {
                string known = context.Functions.Count == 0 ? "no function is registered" : "the functions are " + string.Join(", ", context.Functions.Order(StringComparer.Ordinal));
                Report(Descriptors.UnknownRouteExpression, value.Span, hint, route, text, $" ({known})");
                return null;
            }

            if (!Sources.TryGetValue(source, out string[]? fields))
            {
                Report(Descriptors.UnknownRouteExpression, value.Span, hint, route, text, Suggestions.DidYouMean(source, Sources.Keys));
                return null;
            }

            string[]? allowed = source == "path" ? pathParameters : fields;
            if (allowed is not null && !allowed.Contains(name))
            {
                string detail = source == "path"
                    ? $" (the route's path has {(allowed.Length == 0 ? "no parameters" : string.Join(", ", allowed.Select(a => "{" + a + "}")))})"
                    : $" ({source} has {string.Join(", ", allowed)})";
                Report(Descriptors.UnknownRouteExpression, value.Span, hint, route, text, detail);
                return null;
            }

            return new RouteExpression(text, function, source, name);
        }

        private string? Flow(SpannedJson value, string route)
        {
            if (Text(value, route, "a flow name") is not { } flow)
            {
                return null;
            }

            if (!context.Flows.ContainsKey(flow))
            {
                Report(Descriptors.RouteUnknownFlow, value.Span, "name a flow by its path under the flows folder without extension, e.g. \"auth/login\"",
                    route, flow, Suggestions.DidYouMean(flow, context.Flows.Keys));
                return null;
            }

            return flow;
        }

        private string? Node(SpannedJson value, string route, FlowGraph? graph)
        {
            if (Text(value, route, "a node id") is not { } node)
            {
                return null;
            }

            if (graph is not null && graph.FindNode(node) is null)
            {
                ReportUnknownNode(value.Span, route, node, graph);
                return null;
            }

            return node;
        }

        private void ReportUnknownNode(TextSpan span, string route, string node, FlowGraph graph) =>
            Report(Descriptors.RouteUnknownNode, span, "name a node the flow declares", route, node, FlowName(graph), Suggestions.DidYouMean(node, graph.Nodes.Select(n => n.Id)));

        private string FlowName(FlowGraph graph) => context.Flows.First(f => ReferenceEquals(f.Value, graph)).Key;

        private string? Text(SpannedJson value, string route, string what)
        {
            if (value.Kind != JsonValueKind.String)
            {
                Invalid(value.Span, $"route \"{route}\": {what} must be a string", null);
                return null;
            }

            return value.Value.GetString();
        }

        private SpannedJson? Required(SpannedJson value, string key, string route)
        {
            if (value.Property(key) is { } property)
            {
                return property.Value;
            }

            Invalid(value.Span, $"route \"{route}\": \"{key}\" is missing", $"add \"{key}\"");
            return null;
        }

        private void CheckKeys(SpannedJson value, string[] known, string where)
        {
            foreach (SpannedProperty property in value.Properties.Where(p => !known.Contains(p.Name)))
            {
                Invalid(property.NameSpan, $"{where}: unknown key \"{property.Name}\"{Suggestions.DidYouMean(property.Name, known.Where(k => k != "//"))}",
                    $"the keys are {string.Join(", ", known.Where(k => k != "//").Select(k => "\"" + k + "\""))}");
            }
        }

        private bool IsObject(SpannedJson value, string message) => value.Kind == JsonValueKind.Object || Invalid(value.Span, message, null);

        private bool IsArray(SpannedJson value, string message) => value.Kind == JsonValueKind.Array || Invalid(value.Span, message, null);

        // Reports FZ2007 and returns false, so checks read as conditions.
        private bool Invalid(TextSpan span, string problem, string? hint)
        {
            Report(Descriptors.InvalidRouteFile, span, hint ?? "see \"Routes\" in flows/README.md", FileName, problem);
            return false;
        }

        private void Report(DiagnosticDescriptor descriptor, TextSpan span, string? hint, params object?[] arguments) =>
            Diagnostics.Add(Diagnostic.Create(descriptor, new SourceSpan(source.Path, span.Start, span.Length), hint, arguments));

        private static IEnumerable<SpannedJson> Strings(SpannedJson value) => value.Kind switch
        {
            JsonValueKind.String => [value],
            JsonValueKind.Object => value.Properties.SelectMany(p => Strings(p.Value)),
            JsonValueKind.Array => value.Items.SelectMany(Strings),
            _ => [],
        };
    }
}

/// <summary>What routes may refer to: the flows of the folder by name (with their graph, null when a flow has errors) and the functions packs registered.</summary>
public sealed record RouteTargets(IReadOnlyDictionary<string, FlowGraph?> Flows, IReadOnlySet<string> Functions);

/// <summary>The routes read from a file (those without errors) and every diagnostic found.</summary>
public sealed class RouteFileResult
{
    internal RouteFileResult(SourceText source, ImmutableArray<RouteDefinition> routes, ImmutableArray<Diagnostic> diagnostics)
    {
        Source = source;
        Routes = routes;
        Diagnostics = diagnostics;
    }

    /// <summary>The file's text.</summary>
    public SourceText Source { get; }

    /// <summary>Every diagnostic found, by position.</summary>
    public ImmutableArray<Diagnostic> Diagnostics { get; }

    /// <summary>The routes without errors.</summary>
    internal ImmutableArray<RouteDefinition> Routes { get; }

    /// <summary>True when any diagnostic is an error.</summary>
    public bool HasErrors => Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error);
}
