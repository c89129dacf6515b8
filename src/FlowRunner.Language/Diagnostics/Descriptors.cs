using System.Collections.Immutable;
using System.Reflection;

namespace FlowRunner.Language.Diagnostics;

/// <summary>
/// Every diagnostic FlowRunner reports, in one place so wording is reviewed together (Roslyn ErrorCode.cs).
/// Ids are never reused or renumbered; a retired id stays here as a comment. DiagnosticIds.md mirrors this
/// file and a test keeps the two in step.
/// </summary>
public static class Descriptors
{
    // FZ0xxx: syntax. Errors here stop compilation, so they cannot be lowered by configuration.

    /// <summary>FZ0001: a line that is no statement of FlowZap Code.</summary>
    public static readonly DiagnosticDescriptor InvalidStatement = Syntax("FZ0001", "Invalid statement",
        "unexpected {0}; expected {1}");

    /// <summary>FZ0002: a string whose closing quote is missing.</summary>
    public static readonly DiagnosticDescriptor UnterminatedString = Syntax("FZ0002", "Unterminated string",
        "string is not terminated before the end of the line");

    /// <summary>FZ0003: a shape other than circle, rectangle, diamond, taskbox.</summary>
    public static readonly DiagnosticDescriptor UnknownShape = Syntax("FZ0003", "Unknown shape",
        "unknown shape '{0}'{1}");

    /// <summary>FZ0004: a handle direction other than left, right, top, bottom.</summary>
    public static readonly DiagnosticDescriptor InvalidHandleDirection = Syntax("FZ0004", "Invalid handle direction",
        "invalid handle direction '{0}'{1}");

    /// <summary>FZ0005: a lane whose closing brace is missing.</summary>
    public static readonly DiagnosticDescriptor UnclosedLane = Syntax("FZ0005", "Unclosed lane",
        "lane '{0}' is not closed: '}}' is missing");

    /// <summary>FZ0006: a closing brace with no open lane.</summary>
    public static readonly DiagnosticDescriptor UnexpectedCloseBrace = Syntax("FZ0006", "Unexpected closing brace",
        "'}}' does not close any lane");

    /// <summary>FZ0007: an endpoint suffix that is not <c>.handle(...)</c>.</summary>
    public static readonly DiagnosticDescriptor InvalidHandleKeyword = Syntax("FZ0007", "Invalid handle keyword",
        "unknown endpoint suffix '{0}(...)'{1}");

    /// <summary>FZ0008: a file over the size limit.</summary>
    public static readonly DiagnosticDescriptor FileTooLarge = Syntax("FZ0008", "File too large",
        "the file has {0} characters; the limit is {1}");

    /// <summary>FZ0009: a control or other non-printable character FlowZap rejects.</summary>
    public static readonly DiagnosticDescriptor ControlCharacter = new("FZ0009", "Non-printable character",
        "non-printable character U+{0}", DiagnosticCategory.Syntax, DiagnosticSeverity.Warning);

    // FZ1xxx: structure.

    /// <summary>FZ1001: two nodes with one id.</summary>
    public static readonly DiagnosticDescriptor DuplicateNodeId = Structure("FZ1001", "Duplicate node id",
        "node id '{0}' is already declared on line {1}", DiagnosticSeverity.Error);

    /// <summary>FZ1002: an edge or loop naming a node that is not declared.</summary>
    public static readonly DiagnosticDescriptor UndefinedNode = Structure("FZ1002", "Undefined node",
        "node '{0}' is not defined{1}", DiagnosticSeverity.Error);

    /// <summary>FZ1003: a lane prefix naming no lane.</summary>
    public static readonly DiagnosticDescriptor UnknownLanePrefix = Structure("FZ1003", "Unknown lane prefix",
        "lane '{0}' is not defined{1}", DiagnosticSeverity.Error);

    /// <summary>FZ1004: a lane prefix naming another lane than the node's.</summary>
    public static readonly DiagnosticDescriptor WrongLanePrefix = Structure("FZ1004", "Wrong lane prefix",
        "node '{0}' is in lane '{1}', not in lane '{2}'", DiagnosticSeverity.Error);

    /// <summary>FZ1005: two lanes with one id.</summary>
    public static readonly DiagnosticDescriptor DuplicateLane = Structure("FZ1005", "Duplicate lane",
        "lane '{0}' is already declared on line {1}", DiagnosticSeverity.Error);

    /// <summary>FZ1006: no circle without incoming edges.</summary>
    public static readonly DiagnosticDescriptor NoStart = Structure("FZ1006", "No start",
        "the flow has no start: no circle without incoming edges", DiagnosticSeverity.Warning);

    /// <summary>FZ1007: no circle without outgoing edges.</summary>
    public static readonly DiagnosticDescriptor NoEnd = Structure("FZ1007", "No end",
        "the flow has no end: no circle without outgoing edges", DiagnosticSeverity.Warning);

    /// <summary>FZ1008: a node no start reaches.</summary>
    public static readonly DiagnosticDescriptor UnreachableNode = Structure("FZ1008", "Unreachable node",
        "node '{0}' cannot be reached from any start", DiagnosticSeverity.Warning);

    /// <summary>FZ1009: a non-circle node without outgoing edges.</summary>
    public static readonly DiagnosticDescriptor DeadEnd = Structure("FZ1009", "Dead end",
        "{0} '{1}' has no exit; only a circle may end a flow", DiagnosticSeverity.Warning);

    /// <summary>FZ1010: a diamond with fewer than two exits.</summary>
    public static readonly DiagnosticDescriptor DecisionTooFewExits = Structure("FZ1010", "Decision with too few exits",
        "decision '{0}' has {1} exit(s); a decision needs at least two", DiagnosticSeverity.Warning);

    /// <summary>FZ1011: a diamond exit without a label.</summary>
    public static readonly DiagnosticDescriptor DecisionUnlabeledExit = Structure("FZ1011", "Unlabeled decision exit",
        "the exit of decision '{0}' to '{1}' has no label", DiagnosticSeverity.Warning);

    /// <summary>FZ1012: a diamond with two exits of the same label.</summary>
    public static readonly DiagnosticDescriptor DecisionDuplicateExitLabel = Structure("FZ1012", "Duplicate decision exit label",
        "decision '{0}' has more than one exit labelled '{1}'", DiagnosticSeverity.Warning);

    /// <summary>FZ1013: a non-decision node with several exits, which forks parallel branches.</summary>
    public static readonly DiagnosticDescriptor ImplicitParallelSplit = Structure("FZ1013", "Implicit parallel split",
        "'{0}' is not a decision but has {1} exits: its branches run in parallel", DiagnosticSeverity.Warning);

    /// <summary>FZ1014: a node with no edges at all.</summary>
    public static readonly DiagnosticDescriptor OrphanNode = Structure("FZ1014", "Orphan node",
        "node '{0}' has no edges", DiagnosticSeverity.Warning);

    /// <summary>FZ1015: a loop listing fewer than two nodes.</summary>
    public static readonly DiagnosticDescriptor LoopTooFewNodes = Structure("FZ1015", "Loop with too few nodes",
        "loop '{0}' lists {1} node(s); a loop spans at least two", DiagnosticSeverity.Warning);

    /// <summary>FZ1016: a node declared outside every lane.</summary>
    public static readonly DiagnosticDescriptor NodeOutsideLane = Structure("FZ1016", "Node outside lane",
        "node '{0}' is declared outside any lane", DiagnosticSeverity.Warning);

    /// <summary>FZ1017: a file without nodes.</summary>
    public static readonly DiagnosticDescriptor EmptyFlow = Structure("FZ1017", "Empty flow",
        "the file declares no nodes", DiagnosticSeverity.Warning);

    /// <summary>FZ1018: a cycle that no edge leaves and that holds no end.</summary>
    public static readonly DiagnosticDescriptor LoopWithoutExit = Structure("FZ1018", "Loop without exit",
        "the cycle through {0} has no way out: no edge leaves it and it holds no end", DiagnosticSeverity.Warning);

    // FZ2xxx: binding nodes to activity handlers, and execution.

    /// <summary>FZ2001: a node no handler is bound to; it runs as a manual task.</summary>
    public static readonly DiagnosticDescriptor UnboundNode = Binding("FZ2001", "Unbound node",
        "{0} '{1}' (\"{2}\") is bound to no activity: it runs as a manual task that waits for input", DiagnosticSeverity.Info);

    /// <summary>FZ2002: a decision whose exits match none of the outcomes that can reach it.</summary>
    public static readonly DiagnosticDescriptor DecisionOutcomeMismatch = Binding("FZ2002", "Decision outcome mismatch",
        "no exit label of decision '{0}' matches an outcome of {1} ({2})", DiagnosticSeverity.Error);

    /// <summary>FZ2003: options a handler rejects.</summary>
    public static readonly DiagnosticDescriptor InvalidHandlerOptions = Binding("FZ2003", "Invalid handler options",
        "options of '{0}' for activity '{1}' are invalid: {2}", DiagnosticSeverity.Error);

    /// <summary>FZ2004: a binding naming an activity type no handler has.</summary>
    public static readonly DiagnosticDescriptor UnknownActivity = Binding("FZ2004", "Unknown activity",
        "node '{0}' is bound to activity '{1}', which no registered handler provides{2}", DiagnosticSeverity.Error);

    /// <summary>FZ2005: a binding naming a node the flow does not declare.</summary>
    public static readonly DiagnosticDescriptor BindingUnknownNode = Binding("FZ2005", "Binding for unknown node",
        "{0} binds node '{1}', which the flow does not declare{2}", DiagnosticSeverity.Error);

    /// <summary>FZ2006: a bindings file that is not valid.</summary>
    public static readonly DiagnosticDescriptor InvalidBindingFile = Binding("FZ2006", "Invalid bindings file",
        "{0} is not valid: {1}", DiagnosticSeverity.Error);

    /// <summary>FZ2007: a routes file that is not valid JSON or not the shape routes have.</summary>
    public static readonly DiagnosticDescriptor InvalidRouteFile = Route("FZ2007", "Invalid routes file",
        "{0} is not valid: {1}");

    /// <summary>FZ2008: a route naming a flow the folder does not have.</summary>
    public static readonly DiagnosticDescriptor RouteUnknownFlow = Route("FZ2008", "Route to unknown flow",
        "route \"{0}\" names flow '{1}', which is not in the folder{2}");

    /// <summary>FZ2009: a route naming a node its flow does not declare.</summary>
    public static readonly DiagnosticDescriptor RouteUnknownNode = Route("FZ2009", "Route to unknown node",
        "route \"{0}\" names node '{1}', which flow '{2}' does not declare{3}");

    /// <summary>FZ2010: a route expression that reads nothing routes can evaluate.</summary>
    public static readonly DiagnosticDescriptor UnknownRouteExpression = Route("FZ2010", "Unknown route expression",
        "route \"{0}\": '{1}' is not an expression routes can evaluate{2}");

    // FZ3xxx: style, FlowZap deviations (reference §10) and advice.

    /// <summary>FZ3001: <c>[label:"x"]</c> on an edge.</summary>
    public static readonly DiagnosticDescriptor EdgeLabelColon = Style("FZ3001", "Colon in edge label",
        "edge label written with ':'; FlowZap writes [label=\"...\"]");

    /// <summary>FZ3002: <c>label="x"</c> on a node.</summary>
    public static readonly DiagnosticDescriptor NodeAttributeEquals = Style("FZ3002", "Equals sign in node attribute",
        "node attribute '{0}' written with '='; FlowZap writes {0}:\"...\"");

    /// <summary>FZ3003: the display label on the line after the brace.</summary>
    public static readonly DiagnosticDescriptor LaneLabelOnOwnLine = Style("FZ3003", "Lane label on its own line",
        "the display label of lane '{0}' is on its own line; FlowZap expects it on the brace line");

    /// <summary>FZ3004: a lane without a display label.</summary>
    public static readonly DiagnosticDescriptor LaneWithoutLabel = Style("FZ3004", "Lane without display label",
        "lane '{0}' has no display label; its id is shown instead");

    /// <summary>FZ3005: an edge or loop outside every lane.</summary>
    public static readonly DiagnosticDescriptor TopLevelStatement = Style("FZ3005", "Statement outside lanes",
        "{0} is written outside any lane; FlowZap expects it inside a lane");

    /// <summary>FZ3006: an edge in a lane other than its source node's lane.</summary>
    public static readonly DiagnosticDescriptor EdgeOutsideSourceLane = Style("FZ3006", "Edge outside its source lane",
        "the edge from '{0}' is written in lane '{1}', but '{0}' is in lane '{2}'");

    /// <summary>FZ3007: node ids n1..nN with gaps.</summary>
    public static readonly DiagnosticDescriptor NonSequentialIds = Style("FZ3007", "Non-sequential node ids",
        "node ids are not sequential from n1: {0} missing");

    /// <summary>FZ3008: a node id not of the form nN.</summary>
    public static readonly DiagnosticDescriptor NamedNodeId = Style("FZ3008", "Named node id",
        "node id '{0}' is not of the form n1, n2, ...");

    /// <summary>FZ3009: an endpoint without a handle.</summary>
    public static readonly DiagnosticDescriptor MissingHandle = Style("FZ3009", "Missing handle",
        "endpoint '{0}' has no handle; '{1}' is assumed");

    /// <summary>FZ3010: a chain <c>a -> b -> c</c>.</summary>
    public static readonly DiagnosticDescriptor ChainedEdge = Style("FZ3010", "Chained edge",
        "chained edge with {0} endpoints; FlowZap writes one edge per line");

    /// <summary>FZ3011: a <c>//</c> comment.</summary>
    public static readonly DiagnosticDescriptor SlashComment = Style("FZ3011", "Slash comment",
        "'//' comments are skipped by FlowZap and lost when its editor rewrites the code");

    /// <summary>FZ3012: a <c>#</c> comment anywhere but a lane's display label.</summary>
    public static readonly DiagnosticDescriptor HashComment = Style("FZ3012", "Hash comment",
        "'#' comments are only defined as a lane's display label");

    /// <summary>FZ3013: <c>\"</c> or <c>\\</c> in a string.</summary>
    public static readonly DiagnosticDescriptor EscapeInString = Style("FZ3013", "Escape in string",
        "escape sequences in strings are not documented by FlowZap and its parser ends the string at '\\\"'");

    /// <summary>FZ3014: a label over 50 characters.</summary>
    public static readonly DiagnosticDescriptor LongLabel = Style("FZ3014", "Long label",
        "the label of '{0}' has {1} characters; FlowZap recommends at most {2}");

    /// <summary>FZ3015: a handle direction not in lower case.</summary>
    public static readonly DiagnosticDescriptor HandleCase = Style("FZ3015", "Handle direction case",
        "handle direction '{0}' should be lower case");

    /// <summary>FZ3016: a lane closed inside its display label (<c>A { # text }</c>).</summary>
    public static readonly DiagnosticDescriptor CloseBraceInLabel = Style("FZ3016", "Closing brace in lane label",
        "the display label of lane '{0}' ends with '}}', read as the end of the lane");

    /// <summary>FZ3017: a cross-lane target without its lane prefix.</summary>
    public static readonly DiagnosticDescriptor MissingLanePrefix = Style("FZ3017", "Missing lane prefix",
        "'{0}' is in lane '{1}'; a cross-lane target is written {1}.{0}");

    /// <summary>FZ3018: an attribute key FlowZap does not know.</summary>
    public static readonly DiagnosticDescriptor UnknownAttribute = Style("FZ3018", "Unknown attribute",
        "unknown attribute '{0}'{1}");

    /// <summary>FZ3019: an attribute set twice on one node.</summary>
    public static readonly DiagnosticDescriptor DuplicateAttribute = Style("FZ3019", "Duplicate attribute",
        "attribute '{0}' is set more than once on '{1}'; the last value is used");

    /// <summary>FZ3020: a node without label (taskboxes may use description instead).</summary>
    public static readonly DiagnosticDescriptor MissingLabel = Style("FZ3020", "Missing label",
        "node '{0}' has no label; its id is shown instead");

    /// <summary>Every descriptor, ordered by id.</summary>
    public static ImmutableArray<DiagnosticDescriptor> All { get; } = [.. typeof(Descriptors)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
        .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
        .OrderBy(d => d.Id, StringComparer.Ordinal)];

    /// <summary>Finds a descriptor by id (case-insensitive), or null.</summary>
    public static DiagnosticDescriptor? Find(string id) =>
        All.FirstOrDefault(d => string.Equals(d.Id, id, StringComparison.OrdinalIgnoreCase));

    private static DiagnosticDescriptor Syntax(string id, string title, string format) =>
        new(id, title, format, DiagnosticCategory.Syntax, DiagnosticSeverity.Error, IsConfigurable: false);

    private static DiagnosticDescriptor Structure(string id, string title, string format, DiagnosticSeverity severity) =>
        new(id, title, format, DiagnosticCategory.Structure, severity, IsConfigurable: severity != DiagnosticSeverity.Error);

    private static DiagnosticDescriptor Binding(string id, string title, string format, DiagnosticSeverity severity) =>
        new(id, title, format, DiagnosticCategory.Binding, severity);

    // Routes are read before anything is served: their errors cannot be lowered.
    private static DiagnosticDescriptor Route(string id, string title, string format) =>
        new(id, title, format, DiagnosticCategory.Binding, DiagnosticSeverity.Error, IsConfigurable: false);

    private static DiagnosticDescriptor Style(string id, string title, string format) =>
        new(id, title, format, DiagnosticCategory.Style, DiagnosticSeverity.Warning);
}
