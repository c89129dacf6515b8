using System.Collections.Immutable;
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
internal static class FlowGrammar
{
    /// <summary><c>key:"value"</c> or <c>key="value"</c>.</summary>
    internal static readonly Parser<AttributeSyntax> Attribute =
        from key in Identifier.Named("attribute")
        from separator in Separator
        from value in QuotedString
        select new AttributeSyntax(key, separator, value) { Span = TextSpan.FromBounds(key.Span.Start, value.Span.End) };

    /// <summary><c>(direction)</c> after a handle keyword; the keyword is checked later, so typos get a hint.</summary>
    internal static readonly Parser<Func<SyntaxToken, HandleSyntax>> HandleArguments =
        from open in OpenParen
        from direction in Identifier.Named("handle direction").XOptional()
        from close in CloseParen
        select new Func<SyntaxToken, HandleSyntax>(keyword => new HandleSyntax(
            keyword,
            direction.GetOrElse(new SyntaxToken(string.Empty, new TextSpan(open.End, 0))),
            TextSpan.FromBounds(keyword.Span.Start, close.End)));

    /// <summary><c>.handle(direction)</c>.</summary>
    internal static readonly Parser<HandleSyntax> HandleSuffix =
        from dot in Dot
        from keyword in Identifier.Named("'handle'")
        from handle in HandleArguments
        select handle(keyword);

    /// <summary>
    /// What may follow an endpoint's first identifier: <c>.handle(d)</c>, <c>.nX</c>, <c>.nX.handle(d)</c> or nothing.
    /// Returns a function of that first identifier, so the parser is built once, not once per line.
    /// </summary>
    internal static readonly Parser<Func<SyntaxToken, EndpointSyntax>> EndpointSuffix =
        (from dot in Dot
         from second in Identifier.Named("node id or 'handle'")
         from endpoint in HandleArguments.Select(h => new Func<SyntaxToken, EndpointSyntax>(first =>
            {
                HandleSyntax handle = h(second);
                return new EndpointSyntax(null, first, handle, TextSpan.FromBounds(first.Span.Start, handle.Span.End));
            }))
            .XOr(HandleSuffix.XOptional().Select(h => new Func<SyntaxToken, EndpointSyntax>(first => new EndpointSyntax(
                first,
                second,
                h.GetOrDefault(),
                TextSpan.FromBounds(first.Span.Start, h.IsDefined ? h.Get().Span.End : second.Span.End)))))
         select endpoint)
        .XOr(Parse.Return(new Func<SyntaxToken, EndpointSyntax>(first => new EndpointSyntax(null, first, null, first.Span))));

    internal static readonly Parser<EndpointSyntax> Endpoint =
        from first in Identifier.Named("node id")
        from suffix in EndpointSuffix
        select suffix(first);

    /// <summary><c>[label="text"]</c> (or <c>[label:"text"]</c>).</summary>
    internal static readonly Parser<AttributeSyntax> EdgeLabel =
        from open in OpenBracket
        from attribute in Attribute
        from close in CloseBracket
        select attribute with { Span = TextSpan.FromBounds(open.Start, close.End) };

    /// <summary>A trailing <c>// text</c> or <c># text</c> after a statement.</summary>
    internal static readonly Parser<CommentSyntax> Comment =
        Symbol("//", "comment", skipSpaces: false).Then(marker => RestOfLine.Select(text =>
            new CommentSyntax(CommentKind.Slash, text.Text) { Span = TextSpan.FromBounds(marker.Start, text.Span.End) }))
        .Or(Symbol("#", "comment", skipSpaces: false).Then(marker => RestOfLine.Select(text =>
            new CommentSyntax(CommentKind.Hash, text.Text) { Span = TextSpan.FromBounds(marker.Start, text.Span.End) })));

    /// <summary>The rest of a node line after its id: <c>: shape attr...</c>.</summary>
    internal static readonly Parser<Func<SyntaxToken, StatementSyntax>> NodeTail =
        from colon in Colon
        from shape in Identifier.Named("shape")
        from attributes in Attribute.XMany()
        select new Func<SyntaxToken, StatementSyntax>(id => new NodeSyntax(id, shape, [.. attributes])
        {
            Span = TextSpan.FromBounds(id.Span.Start, attributes.LastOrDefault()?.Span.End ?? shape.Span.End),
        });

    /// <summary>The rest of an edge line after its first identifier.</summary>
    internal static readonly Parser<Func<SyntaxToken, StatementSyntax>> EdgeTail =
        from source in EndpointSuffix
        from targets in Arrow.Then(_ => Endpoint).AtLeastOnce()
        from label in EdgeLabel.XOptional()
        select new Func<SyntaxToken, StatementSyntax>(first => BuildEdge(source(first), targets, label.GetOrDefault()));

    /// <summary>The rest of a loop line after the keyword: <c>[condition] n1 n2</c>.</summary>
    internal static readonly Parser<Func<SyntaxToken, StatementSyntax>> LoopTail =
        from open in OpenBracket
        from condition in TextUntilBracket
        from close in CloseBracket
        from nodes in Identifier.Named("node id").XMany()
        select new Func<SyntaxToken, StatementSyntax>(keyword => new LoopSyntax(keyword, condition.Text.Trim(), condition.Span, [.. nodes])
        {
            Span = TextSpan.FromBounds(keyword.Span.Start, nodes.Any() ? nodes.Last().Span.End : close.End),
        });

    /// <summary>The rest of a lane header after its id: <c>{</c> and an optional <c># Display label</c>.</summary>
    internal static readonly Parser<Func<SyntaxToken, StatementSyntax>> LaneTail =
        from brace in OpenBrace
        from label in Symbol("#", "'#'").Then(hash => RestOfLine.Select(text => LaneLabel(hash, text, isOnOwnLine: false))).XOptional()
        select new Func<SyntaxToken, StatementSyntax>(id => new LaneOpenLine(id, brace, label.GetOrDefault())
        {
            Span = TextSpan.FromBounds(id.Span.Start, label.IsDefined ? label.Get().Span.End : brace.End),
        });

    /// <summary>Statements that begin with an identifier, told apart by the character after it.</summary>
    internal static readonly Parser<StatementSyntax> IdentifierStatement =
        from id in Identifier.Named("node, edge, lane or loop")
        from statement in NodeTail
            .Or(LaneTail)
            .Or(id.Text == "loop" ? LoopTail : NeverLoop)
            .Or(EdgeTail)
        select statement(id);

    internal static readonly Parser<StatementSyntax> CloseLine =
        CloseBrace.Select(span => (StatementSyntax)new LaneCloseLine { Span = span });

    /// <summary>One whole line. Lane headers and comments own the rest of their line; other statements may carry a trailing comment.</summary>
    internal static readonly Parser<StatementSyntax> Line =
        from leading in Spaces
        from statement in
            EndOfLine.Select(_ => (StatementSyntax)new BlankLineSyntax())
            .Or(Comment.Select(c => (StatementSyntax)c))
            .Or(from s in CloseLine.Or(IdentifierStatement)
                from trailing in s is LaneOpenLine ? Parse.Return<CommentSyntax?>(null) : Comment.Select(c => (CommentSyntax?)c).Optional().Select(o => o.GetOrDefault())
                select trailing is null ? s : s with { TrailingComment = trailing })
        from end in EndOfLine
        select statement;

    // Only "loop" starts a loop; for other words this alternative fails without adding an expectation.
    private static readonly Parser<Func<SyntaxToken, StatementSyntax>> NeverLoop = input =>
        Result.Failure<Func<SyntaxToken, StatementSyntax>>(input, FailureMessage, []);

    /// <summary>Reads a lane label; a text ending in <c>}</c> closes the lane (reference §2).</summary>
    internal static LaneLabelSyntax LaneLabel(TextSpan hash, SyntaxToken text, bool isOnOwnLine)
    {
        string label = text.Text.Trim();
        bool closes = !isOnOwnLine && label.EndsWith('}');
        if (closes)
        {
            label = label[..^1].TrimEnd();
        }

        int end = text.Span.End;
        return new LaneLabelSyntax(label, TextSpan.FromBounds(hash.Start, end), isOnOwnLine, closes);
    }

    private static EdgeSyntax BuildEdge(EndpointSyntax source, IEnumerable<EndpointSyntax> targets, AttributeSyntax? label)
    {
        ImmutableArray<EndpointSyntax> path = [source, .. targets];
        int end = label?.Span.End ?? path[^1].Span.End;
        return new EdgeSyntax(path, label) { Span = TextSpan.FromBounds(source.Span.Start, end) };
    }
}
