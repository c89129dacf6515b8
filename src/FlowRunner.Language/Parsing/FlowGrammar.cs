using System.Collections.Immutable;
using FlowRunner.Language.Syntax;
using FlowRunner.Language.Text;
using Sprache;
using static FlowRunner.Language.Parsing.FlowTokens;

namespace FlowRunner.Language.Parsing;

/// <summary>
/// The grammar of one line of FlowZap Code (reference §11), composed with Sprache's operators from the tokens of
/// <see cref="FlowTokens"/>. Nodes, lane headers, loops and edges all begin with a word: it is read once, and one
/// small parser per statement kind reads what follows it. A syntax error lists the names of the tokens that could
/// have come where it stopped ("expected ':', '{' or '->'").
/// </summary>
internal static class FlowGrammar
{
    private static readonly Parser<SyntaxToken> StatementStart = Word("node, edge, lane or loop");
    private static readonly Parser<SyntaxToken> Shape = Word("shape");

    private static readonly Parser<EndpointSyntax> ArrowTarget = Arrow.Then(_ => Endpoint);

    /// <summary><c>[label="text"]</c> (or <c>[label:"text"]</c>).</summary>
    private static readonly Parser<AttributeSyntax> EdgeLabel =
        from open in OpenBracket
        from attribute in FlowTokens.Attribute
        from close in CloseBracket
        select attribute with { Span = TextSpan.FromBounds(open.Start, close.End) };

    private static readonly Parser<SyntaxToken> ShapeAfterColon = Colon.Then(_ => Shape);

    private static readonly Parser<IEnumerable<AttributeSyntax>> Attributes = FlowTokens.Attribute.XMany();

    /// <summary><c>: shape key:"value" ...</c> after a node's id.</summary>
    private static readonly Parser<AfterFirstWord> AfterNodeId =
        from shape in ShapeAfterColon
        from attributes in Attributes
        select new NodeRest(shape, [.. attributes]);

    /// <summary><c># Display label</c> after a lane's brace, to the end of the line.</summary>
    private static readonly Parser<LaneLabelSyntax> LaneLabelText =
        from hash in Hash
        from text in RestOfLine
        select LaneLabel(hash, text, isOnOwnLine: false);

    private static readonly Parser<IOption<LaneLabelSyntax>> OptionalLaneLabel = LaneLabelText.XOptional();

    /// <summary><c>{</c> after a lane's id, with an optional <c># Display label</c>.</summary>
    private static readonly Parser<AfterFirstWord> AfterLaneId =
        from brace in OpenBrace
        from label in OptionalLaneLabel
        select new LaneRest(brace, label.GetOrDefault());

    private static readonly Parser<TextSpan> CloseLoopCondition = CloseBracket.Named("']' to close the loop condition");

    private static readonly Parser<IEnumerable<SyntaxToken>> LoopNodes = NodeId.XMany();

    /// <summary><c>[condition text] n2 n3</c> after the keyword <c>loop</c>.</summary>
    private static readonly Parser<AfterFirstWord> AfterLoopKeyword =
        from open in OpenBracket
        from condition in ConditionText
        from close in CloseLoopCondition
        from nodes in LoopNodes
        select new LoopRest(condition, close, [.. nodes]);

    private static readonly Parser<IEnumerable<EndpointSyntax>> ArrowTargets = ArrowTarget.XMany();

    private static readonly Parser<AttributeSyntax?> NoLabel = Parse.Return<AttributeSyntax?>(null);

    private static readonly Parser<AttributeSyntax?> OptionalLabel = ByNextCharacter(next => next == '[' ? EdgeLabel : NoLabel);

    private static readonly Parser<EdgeEnd> MoreTargetsAndLabel =
        from more in ArrowTargets
        from label in OptionalLabel
        select new EdgeEnd(more, label);

    private static readonly Parser<EdgeEnd> LabelOnly = EdgeLabel.Select(label => new EdgeEnd([], label));

    private static readonly Parser<EdgeEnd> NothingMore = Parse.Return(new EdgeEnd([], null));

    /// <summary>After an edge's first target: more targets in a chain (<c>a -&gt; b -&gt; c</c>), a label, both or (mostly) neither.</summary>
    private static readonly Parser<EdgeEnd> AfterFirstTarget = ByNextCharacter(next => next switch
    {
        '-' => MoreTargetsAndLabel,
        '[' => LabelOnly,
        _ => NothingMore,
    });

    /// <summary><c>[.node][.handle(dir)] -&gt; [Lane.]n2[.handle(dir)] [label="..."]</c> after an edge's first word; a chain has more arrows.</summary>
    private static readonly Parser<AfterFirstWord> AfterEdgeStart =
        from tail in OptionalEndpointTail
        from first in ArrowTarget
        from end in AfterFirstTarget
        select new EdgeRest(tail, first, end);

    // What may follow a statement's first word. After a word followed by none of ':', '{' or '->' each alternative
    // fails at the same place, so the error lists them all; the next character picks the one alternative whose first
    // token matches there, which fails (if it does) further on, as it would among the others. Only 'loop' starts a loop.
    private static readonly Parser<AfterFirstWord> AnyAfterWord = AfterNodeId.Or(AfterLaneId).Or(AfterEdgeStart);

    private static readonly Parser<AfterFirstWord> AnyAfterLoop = AfterNodeId.Or(AfterLaneId).Or(AfterLoopKeyword).Or(AfterEdgeStart);

    private static readonly Parser<AfterFirstWord> EdgeAfterWord = Arrow.Preview().Then(arrow => arrow.IsDefined ? AfterEdgeStart : AnyAfterWord);

    private static readonly Parser<AfterFirstWord> AfterWord = ByNextCharacter(next => next switch
    {
        ':' => AfterNodeId,
        '{' => AfterLaneId,
        '.' => AfterEdgeStart,
        '-' => EdgeAfterWord,
        _ => AnyAfterWord,
    });

    private static readonly Parser<AfterFirstWord> AfterLoop = ByNextCharacter(next => next switch
    {
        '[' => AfterLoopKeyword,
        ':' or '{' or '.' => AfterWord,
        _ => AnyAfterLoop,
    });

    /// <summary>A node, lane header, loop or edge: the statements that begin with a word.</summary>
    private static readonly Parser<StatementSyntax> WordStatement =
        from first in StatementStart
        from rest in first.Text == "loop" ? AfterLoop : AfterWord
        select rest.Complete(first);

    /// <summary>A <c>// text</c> or <c># text</c> comment, to the end of the line.</summary>
    public static readonly Parser<CommentSyntax> Comment =
        from marker in CommentMarker
        from text in RestOfLine
        select new CommentSyntax(marker.Kind, text.Text) { Span = TextSpan.FromBounds(marker.Span.Start, text.Span.End) };

    /// <summary>A lone <c>}</c>.</summary>
    public static readonly Parser<LaneCloseLine> CloseLine = CloseBrace.Select(brace => new LaneCloseLine { Span = brace });

    private static readonly Parser<CommentSyntax?> NoComment = Parse.Return<CommentSyntax?>(null);

    private static readonly Parser<CommentSyntax?> TrailingComment = Comment.Optional().Select(comment => (CommentSyntax?)comment.GetOrDefault());

    // After a statement: the end of the line (most lines), or an optional comment and then the end.
    private static readonly Parser<CommentSyntax?> CommentThenEnd =
        from comment in TrailingComment
        from end in EndOfLine
        select comment;

    private static readonly Parser<CommentSyntax?> TrailingCommentAndEnd = ByNextCharacter(next => next == -1 ? NoComment : CommentThenEnd);

    // A lane header's label runs to the end of its line.
    private static readonly Parser<CommentSyntax?> EndAfterLaneHeader = EndOfLine.Return<int, CommentSyntax?>(null);

    private static readonly Parser<StatementSyntax> Blank = EndOfLine.Return<int, StatementSyntax>(new BlankLineSyntax());

    /// <summary>A statement (not a comment) to the end of its line, with its trailing comment if any.</summary>
    private static Parser<StatementSyntax> WholeLine(Parser<StatementSyntax> statement) =>
        from first in statement
        from trailing in first is LaneOpenLine ? EndAfterLaneHeader : TrailingCommentAndEnd
        select trailing is null ? first : first with { TrailingComment = trailing };

    private static readonly Parser<StatementSyntax> WordLine = WholeLine(WordStatement);

    private static readonly Parser<StatementSyntax> CloseBraceLine = WholeLine(CloseLine);

    // A comment always runs to the end of its line.
    private static readonly Parser<StatementSyntax> AnyLine = Blank.Or(Comment).Or(WholeLine(CloseLine.Or(WordStatement)));

    /// <summary>
    /// One whole line after its indentation: blank, a comment, or a statement. The first character picks the one kind
    /// that can start there; any other character tries them all, so the error lists everything that could have come.
    /// </summary>
    public static readonly Parser<StatementSyntax> Line = ByNextCharacter(first => first switch
    {
        -1 => Blank,
        '#' => Comment,
        '}' => CloseBraceLine,
        _ when char.IsLetter((char)first) || first == '_' => WordLine,
        _ => AnyLine,
    });

    /// <summary>Reads a lane label; a text ending in <c>}</c> closes the lane (reference §2).</summary>
    public static LaneLabelSyntax LaneLabel(TextSpan hash, SyntaxToken text, bool isOnOwnLine)
    {
        string label = text.Text.Trim();
        bool closes = !isOnOwnLine && label.EndsWith('}');
        if (closes)
        {
            label = label[..^1].TrimEnd();
        }

        return new LaneLabelSyntax(label, TextSpan.FromBounds(hash.Start, text.Span.End), isOnOwnLine, closes);
    }

    /// <summary>What follows a statement's first word; <see cref="Complete"/> builds the statement with that word.</summary>
    private abstract record AfterFirstWord
    {
        public abstract StatementSyntax Complete(SyntaxToken first);
    }

    private sealed record NodeRest(SyntaxToken Shape, ImmutableArray<AttributeSyntax> Attributes) : AfterFirstWord
    {
        public override StatementSyntax Complete(SyntaxToken id) => new NodeSyntax(id, Shape, Attributes)
        {
            Span = TextSpan.FromBounds(id.Span.Start, Attributes.IsEmpty ? Shape.Span.End : Attributes[^1].Span.End),
        };
    }

    private sealed record LaneRest(TextSpan Brace, LaneLabelSyntax? Label) : AfterFirstWord
    {
        public override StatementSyntax Complete(SyntaxToken id) => new LaneOpenLine(id, Brace, Label)
        {
            Span = TextSpan.FromBounds(id.Span.Start, Label?.Span.End ?? Brace.End),
        };
    }

    private sealed record LoopRest(SyntaxToken Condition, TextSpan Close, ImmutableArray<SyntaxToken> Nodes) : AfterFirstWord
    {
        public override StatementSyntax Complete(SyntaxToken keyword) => new LoopSyntax(keyword, Condition.Text.Trim(), Condition.Span, Nodes)
        {
            Span = TextSpan.FromBounds(keyword.Span.Start, Nodes.IsEmpty ? Close.End : Nodes[^1].Span.End),
        };
    }

    /// <summary>What follows an edge's first target: the further targets of a chain and the label.</summary>
    private sealed record EdgeEnd(IEnumerable<EndpointSyntax> MoreTargets, AttributeSyntax? Label);

    private sealed record EdgeRest(EndpointTail? SourceTail, EndpointSyntax Target, EdgeEnd End) : AfterFirstWord
    {
        public override StatementSyntax Complete(SyntaxToken first)
        {
            EndpointSyntax source = EndpointTail.Complete(SourceTail, first);
            ImmutableArray<EndpointSyntax> path = End.MoreTargets.Any() ? [source, Target, .. End.MoreTargets] : [source, Target];
            AttributeSyntax? label = End.Label;
            return new EdgeSyntax(path, label) { Span = TextSpan.FromBounds(source.Span.Start, label?.Span.End ?? path[^1].Span.End) };
        }
    }
}
