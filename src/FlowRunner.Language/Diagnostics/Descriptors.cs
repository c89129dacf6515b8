using System.Collections.Immutable;
using System.Reflection;

namespace FlowRunner.Language.Diagnostics;

/// <summary>
/// Every diagnostic FlowRunner reports, in one place so wording is reviewed together (Roslyn ErrorCode.cs).
/// Ids are never reused or renumbered; a retired id stays here as a comment. The catalogue,
/// docs/diagnostics.md, is generated from this file (CatalogueTests).
/// </summary>
public static class Descriptors
{
    // FZ0xxx: syntax. Errors here stop compilation, so they cannot be lowered by configuration.

    /// <summary>FZ0001: a line that is no statement of FlowZap Code.</summary>
    public static readonly DiagnosticDescriptor InvalidStatement = Syntax("FZ0001", "Invalid statement",
        "unexpected {0}; expected {1}") with
    {
        Description = "A line is none of the statements of FlowZap Code: a lane opening, a node, an edge, a loop, a comment or `}`. The rest of the file is still read, but the flow does not compile.",
        Help = "Compare the line with the statement forms in docs/flowzap-language.md; the message names what was expected at the column marked.",
    };

    /// <summary>FZ0002: a string whose closing quote is missing.</summary>
    public static readonly DiagnosticDescriptor UnterminatedString = Syntax("FZ0002", "Unterminated string",
        "string is not terminated before the end of the line") with
    {
        Description = "A string opens with `\"` but no closing quote follows on the same line. Strings never span lines.",
        Help = "Add the closing `\"` before the end of the line.",
    };

    /// <summary>FZ0003: a shape other than circle, rectangle, diamond, taskbox.</summary>
    public static readonly DiagnosticDescriptor UnknownShape = Syntax("FZ0003", "Unknown shape",
        "unknown shape '{0}'{1}") with
    {
        Description = "A node names a shape FlowZap does not have. The four shapes are circle, rectangle, diamond and taskbox.",
        Help = "Use one of the four shapes; the message suggests the nearest (for example `rect` becomes `rectangle`).",
    };

    /// <summary>FZ0004: a handle direction other than left, right, top, bottom.</summary>
    public static readonly DiagnosticDescriptor InvalidHandleDirection = Syntax("FZ0004", "Invalid handle direction",
        "invalid handle direction '{0}'{1}") with
    {
        Description = "A handle names a side other than left, right, top and bottom.",
        Help = "Write `.handle(left)`, `.handle(right)`, `.handle(top)` or `.handle(bottom)`.",
    };

    /// <summary>FZ0005: a lane whose closing brace is missing.</summary>
    public static readonly DiagnosticDescriptor UnclosedLane = Syntax("FZ0005", "Unclosed lane",
        "lane '{0}' is not closed: '}}' is missing") with
    {
        Description = "A lane is opened with `{` and never closed, so every later statement would land in it.",
        Help = "Add `}` on its own line after the lane's last statement.",
    };

    /// <summary>FZ0006: a closing brace with no open lane.</summary>
    public static readonly DiagnosticDescriptor UnexpectedCloseBrace = Syntax("FZ0006", "Unexpected closing brace",
        "'}}' does not close any lane") with
    {
        Description = "A `}` appears where no lane is open.",
        Help = "Remove the extra `}`, or add the lane opening it was meant to close.",
    };

    /// <summary>FZ0007: an endpoint suffix that is not <c>.handle(...)</c>.</summary>
    public static readonly DiagnosticDescriptor InvalidHandleKeyword = Syntax("FZ0007", "Invalid handle keyword",
        "unknown endpoint suffix '{0}(...)'{1}") with
    {
        Description = "An edge endpoint has a suffix other than `.handle(side)`.",
        Help = "Write the endpoint as `n2.handle(left)`, or leave the handle out and let FlowRunner infer it.",
    };

    /// <summary>FZ0008: a file over the size limit.</summary>
    public static readonly DiagnosticDescriptor FileTooLarge = Syntax("FZ0008", "File too large",
        "the file has {0} characters; the limit is {1}") with
    {
        Description = "The file is larger than FlowRunner reads (32 Mi characters), to keep a single file from exhausting memory.",
        Help = "Split the flow into several files.",
    };

    /// <summary>FZ0009: a control or other non-printable character FlowZap rejects.</summary>
    public static readonly DiagnosticDescriptor ControlCharacter = new DiagnosticDescriptor("FZ0009", "Non-printable character",
        "non-printable character U+{0}", DiagnosticCategory.Syntax, DiagnosticSeverity.Warning) with
    {
        Description = "The text holds a control or other non-printable character, which FlowZap rejects and which would corrupt a terminal or a picture.",
        Help = "Delete the character (the message gives its code point), or retype the line.",
    };

    // FZ1xxx: structure.

    /// <summary>FZ1001: two nodes with one id.</summary>
    public static readonly DiagnosticDescriptor DuplicateNodeId = Structure("FZ1001", "Duplicate node id",
        "node id '{0}' is already declared on line {1}", DiagnosticSeverity.Error) with
    {
        Description = "Two nodes have the same id. Ids are global across lanes: edges and loops name nodes by id alone.",
        Help = "Give one of the nodes the next free id and update the edges that meant it.",
    };

    /// <summary>FZ1002: an edge or loop naming a node that is not declared.</summary>
    public static readonly DiagnosticDescriptor UndefinedNode = Structure("FZ1002", "Undefined node",
        "node '{0}' is not defined{1}", DiagnosticSeverity.Error) with
    {
        Description = "An edge or a loop names a node that no lane declares.",
        Help = "Declare the node, or correct the id (the message suggests the nearest declared one).",
    };

    /// <summary>FZ1003: a lane prefix naming no lane.</summary>
    public static readonly DiagnosticDescriptor UnknownLanePrefix = Structure("FZ1003", "Unknown lane prefix",
        "lane '{0}' is not defined{1}", DiagnosticSeverity.Error) with
    {
        Description = "An edge target carries a lane prefix that names no lane.",
        Help = "Correct the prefix to the id of the target node's lane, exactly as declared (case-sensitive).",
    };

    /// <summary>FZ1004: a lane prefix naming another lane than the node's.</summary>
    public static readonly DiagnosticDescriptor WrongLanePrefix = Structure("FZ1004", "Wrong lane prefix",
        "node '{0}' is in lane '{1}', not in lane '{2}'", DiagnosticSeverity.Error) with
    {
        Description = "An edge target's lane prefix names another lane than the one the node is declared in.",
        Help = "Write the prefix of the lane the node is in, as the message says.",
    };

    /// <summary>FZ1005: two lanes with one id.</summary>
    public static readonly DiagnosticDescriptor DuplicateLane = Structure("FZ1005", "Duplicate lane",
        "lane '{0}' is already declared on line {1}", DiagnosticSeverity.Error) with
    {
        Description = "Two lanes have the same id, so cross-lane references to it would be ambiguous.",
        Help = "Rename one lane, or merge the two blocks into one.",
    };

    /// <summary>FZ1006: no circle without incoming edges.</summary>
    public static readonly DiagnosticDescriptor NoStart = Structure("FZ1006", "No start",
        "the flow has no start: no circle without incoming edges", DiagnosticSeverity.Warning) with
    {
        Description = "No circle lacks incoming edges, so the flow has no start: an instance would have nowhere to begin.",
        Help = "Add a start circle (`nN: circle label:\"Start\"`) and an edge from it to the first step.",
    };

    /// <summary>FZ1007: no circle without outgoing edges.</summary>
    public static readonly DiagnosticDescriptor NoEnd = Structure("FZ1007", "No end",
        "the flow has no end: no circle without outgoing edges", DiagnosticSeverity.Warning) with
    {
        Description = "No circle lacks outgoing edges, so the flow has no end: an instance could never complete.",
        Help = "Add an end circle (`nN: circle label:\"End\"`) after the last step, with an edge into it.",
    };

    /// <summary>FZ1008: a node no start reaches.</summary>
    public static readonly DiagnosticDescriptor UnreachableNode = Structure("FZ1008", "Unreachable node",
        "node '{0}' cannot be reached from any start", DiagnosticSeverity.Warning) with
    {
        Description = "No start reaches this node, so it can never run.",
        Help = "Add an edge into it from the step that should precede it, or remove it.",
    };

    /// <summary>FZ1009: a non-circle node without outgoing edges.</summary>
    public static readonly DiagnosticDescriptor DeadEnd = Structure("FZ1009", "Dead end",
        "{0} '{1}' has no exit; only a circle may end a flow", DiagnosticSeverity.Warning) with
    {
        Description = "A node other than a circle has no outgoing edge: a branch reaching it would stop there without ending the flow.",
        Help = "Add an edge out of it, or end the flow with a circle after it.",
    };

    /// <summary>FZ1010: a diamond with fewer than two exits.</summary>
    public static readonly DiagnosticDescriptor DecisionTooFewExits = Structure("FZ1010", "Decision with too few exits",
        "decision '{0}' has {1} exit(s); a decision needs at least two", DiagnosticSeverity.Warning) with
    {
        Description = "A diamond has fewer than two exits, so there is no decision to make.",
        Help = "Add the missing exit, or make the node a rectangle.",
    };

    /// <summary>FZ1011: a diamond exit without a label.</summary>
    public static readonly DiagnosticDescriptor DecisionUnlabeledExit = Structure("FZ1011", "Unlabeled decision exit",
        "the exit of decision '{0}' to '{1}' has no label", DiagnosticSeverity.Warning) with
    {
        Description = "An exit of a diamond has no label, so an outcome cannot choose it by name (a single unlabeled exit is the default branch).",
        Help = "Label the exit, for example `[label=\"No\"]`.",
    };

    /// <summary>FZ1012: a diamond with two exits of the same label.</summary>
    public static readonly DiagnosticDescriptor DecisionDuplicateExitLabel = Structure("FZ1012", "Duplicate decision exit label",
        "decision '{0}' has more than one exit labelled '{1}'", DiagnosticSeverity.Warning) with
    {
        Description = "Two exits of one diamond carry the same label, so the outcome cannot tell them apart.",
        Help = "Give each exit its own label.",
    };

    /// <summary>FZ1013: a non-decision node with several exits, which forks parallel branches.</summary>
    public static readonly DiagnosticDescriptor ImplicitParallelSplit = Structure("FZ1013", "Implicit parallel split",
        "'{0}' is not a decision but has {1} exits: its branches run in parallel", DiagnosticSeverity.Warning) with
    {
        Description = "A node that is not a diamond has several exits: when the flow runs, they fork parallel branches.",
        Help = "Make the node a diamond if one exit should be chosen; keep it if the branches really run in parallel (this warning can be lowered in flowrunner.json).",
    };

    /// <summary>FZ1014: a node with no edges at all.</summary>
    public static readonly DiagnosticDescriptor OrphanNode = Structure("FZ1014", "Orphan node",
        "node '{0}' has no edges", DiagnosticSeverity.Warning) with
    {
        Description = "A node has no edges at all, so it takes no part in the flow.",
        Help = "Connect it with edges, or remove it.",
    };

    /// <summary>FZ1015: a loop listing fewer than two nodes.</summary>
    public static readonly DiagnosticDescriptor LoopTooFewNodes = Structure("FZ1015", "Loop with too few nodes",
        "loop '{0}' lists {1} node(s); a loop spans at least two", DiagnosticSeverity.Warning) with
    {
        Description = "A loop fragment lists fewer than two nodes; a loop spans at least two.",
        Help = "List every node the repetition covers, in execution order.",
    };

    /// <summary>FZ1016: a node declared outside every lane.</summary>
    public static readonly DiagnosticDescriptor NodeOutsideLane = Structure("FZ1016", "Node outside lane",
        "node '{0}' is declared outside any lane", DiagnosticSeverity.Warning) with
    {
        Description = "A node is declared outside every lane, so it has no lane to be drawn in.",
        Help = "Move the node inside the lane it belongs to.",
    };

    /// <summary>FZ1017: a file without nodes.</summary>
    public static readonly DiagnosticDescriptor EmptyFlow = Structure("FZ1017", "Empty flow",
        "the file declares no nodes", DiagnosticSeverity.Warning) with
    {
        Description = "The file declares no nodes, so there is nothing to draw or run.",
        Help = "Add lanes and nodes, or remove the file.",
    };

    /// <summary>FZ1018: a cycle that no edge leaves and that holds no end.</summary>
    public static readonly DiagnosticDescriptor LoopWithoutExit = Structure("FZ1018", "Loop without exit",
        "the cycle through {0} has no way out: no edge leaves it and it holds no end", DiagnosticSeverity.Warning) with
    {
        Description = "A cycle has no edge leaving it and holds no end: an instance entering it could never finish (the loop bound would fault it).",
        Help = "Add an exit from the cycle, for example a decision with a way out.",
    };

    // FZ2xxx: binding nodes to activity handlers, and execution.

    /// <summary>FZ2001: a node no handler is bound to; it runs as a manual task.</summary>
    public static readonly DiagnosticDescriptor UnboundNode = Binding("FZ2001", "Unbound node",
        "{0} '{1}' (\"{2}\") is bound to no activity: it runs as a manual task that waits for input", DiagnosticSeverity.Info) with
    {
        Description = "No activity handler is bound to the node, so it runs as a manual task: the instance waits there until someone answers.",
        Help = "Bind it in the flow's bindings file with \"activity\", or name it after a registered activity's label; run `validate --strict` to make every unbound node an error.",
    };

    /// <summary>FZ2002: a decision whose exits match none of the outcomes that can reach it.</summary>
    public static readonly DiagnosticDescriptor DecisionOutcomeMismatch = Binding("FZ2002", "Decision outcome mismatch",
        "no exit label of decision '{0}' matches an outcome of {1} ({2})", DiagnosticSeverity.Error) with
    {
        Description = "None of a decision's exit labels matches an outcome that the activities before it can produce, so the decision would fault at run time.",
        Help = "Label the exits after the outcomes the message lists (for example Yes/No), or bind the decision to a handler that decides.",
    };

    /// <summary>FZ2003: options a handler rejects.</summary>
    public static readonly DiagnosticDescriptor InvalidHandlerOptions = Binding("FZ2003", "Invalid handler options",
        "options of '{0}' for activity '{1}' are invalid: {2}", DiagnosticSeverity.Error) with
    {
        Description = "A handler refused the options its binding gives it.",
        Help = "Correct the options in the bindings file as the message says.",
    };

    /// <summary>FZ2004: a binding naming an activity type no handler has.</summary>
    public static readonly DiagnosticDescriptor UnknownActivity = Binding("FZ2004", "Unknown activity",
        "node '{0}' is bound to activity '{1}', which no registered handler provides{2}", DiagnosticSeverity.Error) with
    {
        Description = "A binding names an activity type that no registered handler provides.",
        Help = "Use one of the registered activity names (the message suggests the nearest), or register the handler.",
    };

    /// <summary>FZ2005: a binding naming a node the flow does not declare.</summary>
    public static readonly DiagnosticDescriptor BindingUnknownNode = Binding("FZ2005", "Binding for unknown node",
        "{0} binds node '{1}', which the flow does not declare{2}", DiagnosticSeverity.Error) with
    {
        Description = "A bindings file binds a node id that the flow does not declare.",
        Help = "Correct the node id in the bindings file, or remove the binding.",
    };

    /// <summary>FZ2006: a bindings file that is not valid.</summary>
    public static readonly DiagnosticDescriptor InvalidBindingFile = Binding("FZ2006", "Invalid bindings file",
        "{0} is not valid: {1}", DiagnosticSeverity.Error) with
    {
        Description = "A bindings file is not valid JSON or not the shape bindings have.",
        Help = "Fix the file as the message says; flows/README.md shows the format.",
    };

    /// <summary>FZ2007: a routes file that is not valid JSON or not the shape routes have.</summary>
    public static readonly DiagnosticDescriptor InvalidRouteFile = Route("FZ2007", "Invalid routes file",
        "{0} is not valid: {1}") with
    {
        Description = "A routes.json file is not valid JSON or not the shape routes have; nothing is served until it is.",
        Help = "Fix the file as the message says; flows/README.md shows the format.",
    };

    /// <summary>FZ2008: a route naming a flow the folder does not have.</summary>
    public static readonly DiagnosticDescriptor RouteUnknownFlow = Route("FZ2008", "Route to unknown flow",
        "route \"{0}\" names flow '{1}', which is not in the folder{2}") with
    {
        Description = "A route names a flow that is not in the flows folder.",
        Help = "Name the flow by its path under the folder without extension, for example \"auth/login\".",
    };

    /// <summary>FZ2009: a route naming a node its flow does not declare.</summary>
    public static readonly DiagnosticDescriptor RouteUnknownNode = Route("FZ2009", "Route to unknown node",
        "route \"{0}\" names node '{1}', which flow '{2}' does not declare{3}") with
    {
        Description = "A route names a node that its flow does not declare.",
        Help = "Correct the node id (the message suggests the nearest).",
    };

    /// <summary>FZ2010: a route expression that reads nothing routes can evaluate.</summary>
    public static readonly DiagnosticDescriptor UnknownRouteExpression = Route("FZ2010", "Unknown route expression",
        "route \"{0}\": '{1}' is not an expression routes can evaluate{2}") with
    {
        Description = "A route expression reads something routes cannot evaluate.",
        Help = "Use one of the sources, fields, path parameters and functions that flows/README.md lists for routes.",
    };

    /// <summary>FZ2011: a node of a request-scoped flow that would wait for input.</summary>
    public static readonly DiagnosticDescriptor RequestFlowWaits = Binding("FZ2011", "Request-scoped flow waits",
        "node '{0}' (\"{1}\") is bound to no activity, so it would wait for input; a request-scoped flow cannot wait", DiagnosticSeverity.Error) with
    {
        Description = "A flow whose bindings file says \"mode\": \"request\" runs in memory for one request and is never stored, so none of its nodes can wait for an answer; an unbound activity (or a decision nothing before it decides) would.",
        Help = "Bind the node to an activity in the bindings file, or make the flow durable.",
    };

    // FZ3xxx: style, FlowZap deviations (reference §10) and advice.

    /// <summary>FZ3001: <c>[label:"x"]</c> on an edge.</summary>
    public static readonly DiagnosticDescriptor EdgeLabelColon = Style("FZ3001", "Colon in edge label",
        "edge label written with ':'; FlowZap writes [label=\"...\"]") with
    {
        Description = "An edge label is written with a colon, `[label:\"x\"]`; FlowZap writes `[label=\"x\"]`. FlowRunner reads it as meant.",
        Help = "Write `[label=\"x\"]`, or run `flowrunner fmt`.",
    };

    /// <summary>FZ3002: <c>label="x"</c> on a node.</summary>
    public static readonly DiagnosticDescriptor NodeAttributeEquals = Style("FZ3002", "Equals sign in node attribute",
        "node attribute '{0}' written with '='; FlowZap writes {0}:\"...\"") with
    {
        Description = "A node attribute is written with an equals sign, `label=\"x\"`; FlowZap writes `label:\"x\"`. FlowRunner reads it as meant.",
        Help = "Write `key:\"value\"`, or run `flowrunner fmt`.",
    };

    /// <summary>FZ3003: the display label on the line after the brace.</summary>
    public static readonly DiagnosticDescriptor LaneLabelOnOwnLine = Style("FZ3003", "Lane label on its own line",
        "the display label of lane '{0}' is on its own line; FlowZap expects it on the brace line") with
    {
        Description = "A lane's display label is on the line after `{`; FlowZap expects it on the brace line. FlowRunner reads it as the label.",
        Help = "Move `# Label` onto the line of the `{`, or run `flowrunner fmt`.",
    };

    /// <summary>FZ3004: a lane without a display label.</summary>
    public static readonly DiagnosticDescriptor LaneWithoutLabel = Style("FZ3004", "Lane without display label",
        "lane '{0}' has no display label; its id is shown instead") with
    {
        Description = "A lane has no display label, so its id is shown instead.",
        Help = "Add `# Label` after the lane's `{`.",
    };

    /// <summary>FZ3005: an edge or loop outside every lane.</summary>
    public static readonly DiagnosticDescriptor TopLevelStatement = Style("FZ3005", "Statement outside lanes",
        "{0} is written outside any lane; FlowZap expects it inside a lane") with
    {
        Description = "An edge or loop is written after the lanes, at top level; FlowZap expects it inside a lane. FlowRunner attaches it to its source node's lane.",
        Help = "Move the statement into the lane of its source node.",
    };

    /// <summary>FZ3006: an edge in a lane other than its source node's lane.</summary>
    public static readonly DiagnosticDescriptor EdgeOutsideSourceLane = Style("FZ3006", "Edge outside its source lane",
        "the edge from '{0}' is written in lane '{1}', but '{0}' is in lane '{2}'") with
    {
        Description = "An edge is written in another lane than its source node's; FlowZap keeps each edge in the lane it leaves.",
        Help = "Move the edge into the lane of its source node.",
    };

    /// <summary>FZ3007: node ids n1..nN with gaps.</summary>
    public static readonly DiagnosticDescriptor NonSequentialIds = Style("FZ3007", "Non-sequential node ids",
        "node ids are not sequential from n1: {0} missing") with
    {
        Description = "Node ids are not n1 to nN without gaps, as FlowZap numbers them. FlowRunner never renumbers: ids are your references.",
        Help = "Renumber the nodes so the ids run from n1 without gaps, or lower this rule in flowrunner.json.",
    };

    /// <summary>FZ3008: a node id not of the form nN.</summary>
    public static readonly DiagnosticDescriptor NamedNodeId = Style("FZ3008", "Named node id",
        "node id '{0}' is not of the form n1, n2, ...") with
    {
        Description = "A node id is not of the form n1, n2, ...; FlowZap only writes numbered ids.",
        Help = "Rename the node to the next free nN and update the edges that name it.",
    };

    /// <summary>FZ3009: an endpoint without a handle.</summary>
    public static readonly DiagnosticDescriptor MissingHandle = Style("FZ3009", "Missing handle",
        "endpoint '{0}' has no handle; '{1}' is assumed") with
    {
        Description = "An edge endpoint has no handle; FlowRunner infers one (right to left in a lane, bottom to top across lanes).",
        Help = "Write the handles, for example `n1.handle(right) -> n2.handle(left)`, or run `flowrunner fmt`.",
    };

    /// <summary>FZ3010: a chain <c>a -> b -> c</c>.</summary>
    public static readonly DiagnosticDescriptor ChainedEdge = Style("FZ3010", "Chained edge",
        "chained edge with {0} endpoints; FlowZap writes one edge per line") with
    {
        Description = "An edge chains several endpoints, `a -> b -> c`; FlowZap writes one edge per line. FlowRunner reads one edge per arrow.",
        Help = "Write one edge per line.",
    };

    /// <summary>FZ3011: a <c>//</c> comment.</summary>
    public static readonly DiagnosticDescriptor SlashComment = Style("FZ3011", "Slash comment",
        "'//' comments are skipped by FlowZap and lost when its editor rewrites the code") with
    {
        Description = "A `//` comment: FlowZap skips it and its editor drops it when it rewrites the code.",
        Help = "Move the note into a label or a document beside the flow, or lower this rule in flowrunner.json.",
    };

    /// <summary>FZ3012: a <c>#</c> comment anywhere but a lane's display label.</summary>
    public static readonly DiagnosticDescriptor HashComment = Style("FZ3012", "Hash comment",
        "'#' comments are only defined as a lane's display label") with
    {
        Description = "A `#` comment outside a lane's display label, where FlowZap defines none.",
        Help = "Remove the comment, or make it the lane's display label.",
    };

    /// <summary>FZ3013: <c>\"</c> or <c>\\</c> in a string.</summary>
    public static readonly DiagnosticDescriptor EscapeInString = Style("FZ3013", "Escape in string",
        "escape sequences in strings are not documented by FlowZap and its parser ends the string at '\\\"'") with
    {
        Description = "A string holds `\\\"` or `\\\\`. FlowZap defines no escapes and its parser ends the string at the first quote.",
        Help = "Rephrase the text without double quotes or backslashes.",
    };

    /// <summary>FZ3014: a label over 50 characters.</summary>
    public static readonly DiagnosticDescriptor LongLabel = Style("FZ3014", "Long label",
        "the label of '{0}' has {1} characters; FlowZap recommends at most {2}") with
    {
        Description = "A label is longer than the 50 characters FlowZap recommends, so the picture's box grows or clips it.",
        Help = "Shorten the label; put detail into a taskbox's description.",
    };

    /// <summary>FZ3015: a handle direction not in lower case.</summary>
    public static readonly DiagnosticDescriptor HandleCase = Style("FZ3015", "Handle direction case",
        "handle direction '{0}' should be lower case") with
    {
        Description = "A handle side is not written in lower case.",
        Help = "Write the side in lower case, or run `flowrunner fmt`.",
    };

    /// <summary>FZ3016: a lane closed inside its display label (<c>A { # text }</c>).</summary>
    public static readonly DiagnosticDescriptor CloseBraceInLabel = Style("FZ3016", "Closing brace in lane label",
        "the display label of lane '{0}' ends with '}}', read as the end of the lane") with
    {
        Description = "A lane's display label ends with `}` on the brace line (`Lane { # text }`), which FlowRunner reads as the end of the lane.",
        Help = "Put the `}` on its own line.",
    };

    /// <summary>FZ3017: a cross-lane target without its lane prefix.</summary>
    public static readonly DiagnosticDescriptor MissingLanePrefix = Style("FZ3017", "Missing lane prefix",
        "'{0}' is in lane '{1}'; a cross-lane target is written {1}.{0}") with
    {
        Description = "A cross-lane edge target has no lane prefix; FlowZap writes `Lane.nX` for targets in another lane.",
        Help = "Write the target with its lane prefix, as the message shows.",
    };

    /// <summary>FZ3018: an attribute key FlowZap does not know.</summary>
    public static readonly DiagnosticDescriptor UnknownAttribute = Style("FZ3018", "Unknown attribute",
        "unknown attribute '{0}'{1}") with
    {
        Description = "A node attribute is none of label, owner, description and system; FlowZap ignores unknown keys.",
        Help = "Remove the attribute, or keep the data in a bindings file beside the flow.",
    };

    /// <summary>FZ3019: an attribute set twice on one node.</summary>
    public static readonly DiagnosticDescriptor DuplicateAttribute = Style("FZ3019", "Duplicate attribute",
        "attribute '{0}' is set more than once on '{1}'; the last value is used") with
    {
        Description = "An attribute is set more than once on one node; the last value is used.",
        Help = "Keep one value.",
    };

    /// <summary>FZ3020: a node without label (taskboxes may use description instead).</summary>
    public static readonly DiagnosticDescriptor MissingLabel = Style("FZ3020", "Missing label",
        "node '{0}' has no label; its id is shown instead") with
    {
        Description = "A node has no label, so its id is shown and activities cannot bind to it by label.",
        Help = "Add `label:\"...\"` (a taskbox may use description instead).",
    };

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
