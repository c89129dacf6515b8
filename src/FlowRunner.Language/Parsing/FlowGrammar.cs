using FlowRunner.Language.Syntax;
using FlowRunner.Language.Text;
using Sprache;
using static FlowRunner.Language.Parsing.FlowTokens;

namespace FlowRunner.Language.Parsing;

/// <summary>
/// The grammar of one line of FlowZap Code (reference §11), built bottom-up from the tokens. A line is
/// dispatched by its first token and the character after it (<c>:</c> node, <c>{</c> lane, <c>[</c> loop,
/// <c>.</c> or <c>-&gt;</c> edge), so no alternative re-reads more than that one character.
/// </summary>
/// <remarks>
/// Every sub-parser is a static field. In a query <c>from a in A from b in B</c>, the expression <c>B</c> is
/// evaluated inside a lambda on every parse, so writing a combinator there (<c>X.Or(Y)</c>, <c>.Named</c>,
/// <c>.Select</c>) would rebuild it for every line; naming a field costs nothing. Fields are declared before
/// the fields that use them, because static fields initialise in textual order.
/// </remarks>
internal static class FlowGrammar
{
    private static readonly Parser<SyntaxToken> AttributeKey = Identifier.Named("attribute");
    private static readonly Parser<SyntaxToken> Shape = Identifier.Named("shape");
    private static readonly Parser<SyntaxToken?> OptionalDirection = Identifier.Named("handle direction").Select(t => (SyntaxToken?)t).XOptionalOrDefault();
    private static readonly Parser<SyntaxToken> HandleKeyword = Identifier.Named("'handle'");
    private static readonly Parser<SyntaxToken> NodeOrHandle = Identifier.Named("node id or 'handle'");
    private static readonly Parser<SyntaxToken> NodeId = Identifier.Named("node id");
    private static readonly Parser<IEnumerable<SyntaxToken>> NodeIds = NodeId.XMany();
    private static readonly Parser<SyntaxToken> StatementStart = Identifier.Named("node, edge, lane or loop");
    private static readonly Parser<TextSpan> SlashMarker = Symbol("//", "comment", skipSpaces: false);
    private static readonly Parser<TextSpan> HashMarker = Symbol("#", "comment", skipSpaces: false);
    private static readonly Parser<TextSpan> LabelMarker = Symbol("#", "'#'");

    /// <summary><c>key:"value"</c> or <c>key="value"</c>.</summary>
    internal static readonly Parser<AttributeSyntax> Attribute =
        from key in AttributeKey
        from separator in Separator
        from value in QuotedString
        select new AttributeSyntax(key, separator, value) { Span = TextSpan.FromBounds(key.Span.Start, value.Span.End) };

    private static readonly Parser<IEnumerable<AttributeSyntax>> Attributes = Attribute.XMany();

    /// <summary><c>(direction)</c> after a handle keyword; the keyword is checked later, so typos get a hint.</summary>
    internal static readonly Parser<Func<SyntaxToken, HandleSyntax>> HandleArguments =
        from open in OpenParen
        from direction in OptionalDirection
        from close in CloseParen
        select new Func<SyntaxToken, HandleSyntax>(keyword => new HandleSyntax(
            keyword,
            direction ?? new SyntaxToken(string.Empty, new TextSpan(open.End, 0)),
            TextSpan.FromBounds(keyword.Span.Start, close.End)));

    /// <summary><c>.handle(direction)</c>.</summary>
    internal static readonly Parser<HandleSyntax> HandleSuffix =
        from dot in Dot
        from keyword in HandleKeyword
        from handle in HandleArguments
        select handle(keyword);

    private static readonly Parser<HandleSyntax?> OptionalHandleSuffix = HandleSuffix.Select(h => (HandleSyntax?)h).XOptionalOrDefault();

    /// <summary>After <c>first.second</c>: either <c>(dir)</c> (second was the handle keyword) or an optional <c>.handle(dir)</c>.</summary>
    private static readonly Parser<Func<SyntaxToken, SyntaxToken, EndpointSyntax>> AfterSecondWord =
        HandleArguments.Select(arguments => new Func<SyntaxToken, SyntaxToken, EndpointSyntax>((first, keyword) =>
            {
                HandleSyntax handle = arguments(keyword);
                return new EndpointSyntax(null, first, handle, TextSpan.FromBounds(first.Span.Start, handle.Span.End));
            }))
        .XOr(OptionalHandleSuffix.Select(handle => new Func<SyntaxToken, SyntaxToken, EndpointSyntax>((lane, node) => new EndpointSyntax(
            lane,
            node,
            handle,
            TextSpan.FromBounds(lane.Span.Start, handle?.Span.End ?? node.Span.End)))));

    /// <summary>
    /// What may follow an endpoint's first identifier: <c>.handle(d)</c>, <c>.nX</c>, <c>.nX.handle(d)</c> or nothing.
    /// Returns a function of that first identifier.
    /// </summary>
    internal static readonly Parser<Func<SyntaxToken, EndpointSyntax>> EndpointSuffix =
        (from dot in Dot
         from second in NodeOrHandle
         from build in AfterSecondWord
         select new Func<SyntaxToken, EndpointSyntax>(first => build(first, second)))
        .XOr(Parse.Return(new Func<SyntaxToken, EndpointSyntax>(first => new EndpointSyntax(null, first, null, first.Span))));

    internal static readonly Parser<EndpointSyntax> Endpoint =
        from first in NodeId
        from suffix in EndpointSuffix
        select suffix(first);

    private static readonly Parser<EndpointSyntax> ArrowTarget =
        from arrow in Arrow
        from target in Endpoint
        select target;

    private static readonly Parser<IEnumerable<EndpointSyntax>> Targets = ArrowTarget.AtLeastOnce();

    /// <summary><c>[label="text"]</c> (or <c>[label:"text"]</c>).</summary>
    internal static readonly Parser<AttributeSyntax> EdgeLabel =
        from open in OpenBracket
        from attribute in Attribute
        from close in CloseBracket
        select attribute with { Span = TextSpan.FromBounds(open.Start, close.End) };

    private static readonly Parser<AttributeSyntax?> OptionalEdgeLabel = EdgeLabel.XOptionalOrDefault();

    /// <summary>A <c>// text</c> or <c># text</c> comment, to the end of the line.</summary>
    internal static readonly Parser<CommentSyntax> Comment =
        (from marker in SlashMarker
         from text in RestOfLine
         select new CommentSyntax(CommentKind.Slash, text.Text) { Span = TextSpan.FromBounds(marker.Start, text.Span.End) })
        .Or(from marker in HashMarker
            from text in RestOfLine
            select new CommentSyntax(CommentKind.Hash, text.Text) { Span = TextSpan.FromBounds(marker.Start, text.Span.End) });

    /// <summary>The rest of a node line after its id: <c>: shape attr...</c>.</summary>
    internal static readonly Parser<Func<SyntaxToken, StatementSyntax>> NodeTail =
        from colon in Colon
        from shape in Shape
        from attributes in Attributes
        select new Func<SyntaxToken, StatementSyntax>(id => new NodeSyntax(id, shape, [.. attributes])
        {
            Span = TextSpan.FromBounds(id.Span.Start, attributes.LastOrDefault()?.Span.End ?? shape.Span.End),
        });

    /// <summary>The rest of an edge line after its first identifier.</summary>
    internal static readonly Parser<Func<SyntaxToken, StatementSyntax>> EdgeTail =
        from source in EndpointSuffix
        from targets in Targets
        from label in OptionalEdgeLabel
        select new Func<SyntaxToken, StatementSyntax>(first => BuildEdge(source(first), targets, label));

    /// <summary>The rest of a loop line after the keyword: <c>[condition] n1 n2</c>.</summary>
    internal static readonly Parser<Func<SyntaxToken, StatementSyntax>> LoopTail =
        from open in OpenBracket
        from condition in TextUntilBracket
        from close in CloseBracket
        from nodes in NodeIds
        select new Func<SyntaxToken, StatementSyntax>(keyword => new LoopSyntax(keyword, condition.Text.Trim(), condition.Span, [.. nodes])
        {
            Span = TextSpan.FromBounds(keyword.Span.Start, nodes.Any() ? nodes.Last().Span.End : close.End),
        });

    private static readonly Parser<LaneLabelSyntax?> OptionalLaneLabel =
        (from hash in LabelMarker
         from text in RestOfLine
         select LaneLabel(hash, text, isOnOwnLine: false)).XOptionalOrDefault();

    /// <summary>The rest of a lane header after its id: <c>{</c> and an optional <c># Display label</c>.</summary>
    internal static readonly Parser<Func<SyntaxToken, StatementSyntax>> LaneTail =
        from brace in OpenBrace
        from label in OptionalLaneLabel
        select new Func<SyntaxToken, StatementSyntax>(id => new LaneOpenLine(id, brace, label)
        {
            Span = TextSpan.FromBounds(id.Span.Start, label?.Span.End ?? brace.End),
        });

    // Only the word "loop" may start a loop; any other word chooses among node, lane and edge.
    private static readonly Parser<Func<SyntaxToken, StatementSyntax>> Tail = NodeTail.Or(LaneTail).Or(EdgeTail);
    private static readonly Parser<Func<SyntaxToken, StatementSyntax>> TailAfterLoopWord = NodeTail.Or(LaneTail).Or(LoopTail).Or(EdgeTail);

    /// <summary>Statements that begin with an identifier, told apart by the character after it.</summary>
    internal static readonly Parser<StatementSyntax> IdentifierStatement =
        from id in StatementStart
        from statement in id.Text == "loop" ? TailAfterLoopWord : Tail
        select statement(id);

    internal static readonly Parser<StatementSyntax> CloseLine =
        CloseBrace.Select(span => (StatementSyntax)new LaneCloseLine { Span = span });

    private static readonly Parser<CommentSyntax?> OptionalTrailingComment = Comment.OptionalOrDefault();

    private static readonly Parser<CommentSyntax?> NoTrailingComment = Parse.Return<CommentSyntax?>(null);

    private static readonly Parser<StatementSyntax> Statement = CloseLine.Or(IdentifierStatement);

    // Lane headers own the rest of their line (the label); other statements may carry a trailing comment.
    private static readonly Parser<StatementSyntax> StatementWithComment =
        from statement in Statement
        from trailing in statement is LaneOpenLine ? NoTrailingComment : OptionalTrailingComment
        select trailing is null ? statement : statement with { TrailingComment = trailing };

    private static readonly Parser<StatementSyntax> LineBody =
        EndOfLine.Select(_ => (StatementSyntax)new BlankLineSyntax())
            .Or(Comment.Select(c => (StatementSyntax)c))
            .Or(StatementWithComment);

    /// <summary>One whole line, read by the combinators alone.</summary>
    internal static readonly Parser<StatementSyntax> FullLine =
        from leading in Spaces
        from statement in LineBody
        from end in EndOfLine
        select statement;

    /// <summary>Reads a lane label; a text ending in <c>}</c> closes the lane (reference §2).</summary>
    internal static LaneLabelSyntax LaneLabel(TextSpan hash, SyntaxToken text, bool isOnOwnLine)
    {
        string label = text.Text.Trim();
        bool closes = !isOnOwnLine && label.EndsWith('}');
        if (closes)
        {
            label = label[..^1].TrimEnd();
        }

        return new LaneLabelSyntax(label, TextSpan.FromBounds(hash.Start, text.Span.End), isOnOwnLine, closes);
    }

    private static EdgeSyntax BuildEdge(EndpointSyntax source, IEnumerable<EndpointSyntax> targets, AttributeSyntax? label)
    {
        EndpointSyntax[] path = [source, .. targets];
        int end = label?.Span.End ?? path[^1].Span.End;
        return new EdgeSyntax([.. path], label) { Span = TextSpan.FromBounds(source.Span.Start, end) };
    }
}
