using System.Collections.Immutable;
using System.Globalization;
using FlowRunner.Language.Diagnostics;
using FlowRunner.Language.Syntax;
using FlowRunner.Language.Text;
using Sprache;

namespace FlowRunner.Language.Parsing;

/// <summary>
/// Reads FlowZap Code line by line (statements never span lines, reference §1), so one bad line gives one
/// diagnostic and the next line is still read. Never throws on user input.
/// </summary>
public static class FlowParser
{
    /// <summary>The largest file read, in characters; larger files get FZ0008 and are not parsed.</summary>
    public const int MaxCharacters = 32 * 1024 * 1024;

    private const int MaxControlCharacterReports = 20;

    /// <summary>Parses a text; <paramref name="path"/> is used in diagnostics only.</summary>
    public static ParseResult Parse(string text, string path = "") => Parse(SourceText.From(text, path));

    /// <summary>Parses a source text into a tree and its syntax diagnostics.</summary>
    public static ParseResult Parse(SourceText source)
    {
        var diagnostics = ImmutableArray.CreateBuilder<Diagnostic>();
        if (source.Text.Length > MaxCharacters)
        {
            diagnostics.Add(Diagnostic.Create(Descriptors.FileTooLarge, new SourceSpan(source.Path, 0, 0),
                "split the flow into smaller files", source.Text.Length, MaxCharacters));
            return new ParseResult(new FlowDocument(source, []) { HasSyntaxErrors = true }, diagnostics.ToImmutable());
        }

        ReportControlCharacters(source, diagnostics);
        var state = new ParserState(source, diagnostics);
        for (int line = 0; line < source.LineCount; line++)
        {
            state.ReadLine(line);
        }

        state.Finish();
        var document = new FlowDocument(source, state.Statements.ToImmutable())
        {
            HasSyntaxErrors = diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error),
        };
        return new ParseResult(document, diagnostics.ToImmutable());
    }

    private static void ReportControlCharacters(SourceText source, ImmutableArray<Diagnostic>.Builder diagnostics)
    {
        string text = source.Text;
        int reported = 0;
        for (int i = 0; i < text.Length && reported < MaxControlCharacterReports; i++)
        {
            char c = text[i];
            if ((char.IsControl(c) && c != '\t' && c != '\r' && c != '\n') || c == '\uFFFD' || c == '\uFEFF' && i > 0)
            {
                diagnostics.Add(Diagnostic.Create(Descriptors.ControlCharacter, new SourceSpan(source.Path, i, 1),
                    "remove the character; FlowZap accepts printable UTF-8 text only",
                    ((int)c).ToString("X4", CultureInfo.InvariantCulture)));
                reported++;
            }
        }
    }

    /// <summary>The lane being read and the statements read so far.</summary>
    private sealed class ParserState(SourceText source, ImmutableArray<Diagnostic>.Builder diagnostics)
    {
        private LaneOpenLine? _lane;
        private LaneLabelSyntax? _laneLabel;
        private ImmutableArray<StatementSyntax>.Builder? _members;
        private bool _labelMayFollow;
        private readonly WordPool _words = new();

        public ImmutableArray<StatementSyntax>.Builder Statements { get; } = ImmutableArray.CreateBuilder<StatementSyntax>();

        public void ReadLine(int lineIndex)
        {
            TextSpan span = source.GetLineSpan(lineIndex);
            int start = span.Start;
            if (lineIndex == 0 && source.Text.Length > 0 && source.Text[0] == '\uFEFF')
            {
                start++; // a byte-order mark is not part of the first statement
            }

            bool labelMayFollow = _labelMayFollow;
            _labelMayFollow = false;

            LineInput line = new LineInput(source.Text, start, span.End, lineIndex + 1, span.Start, _words).SkipSpacesFrom(start);
            IResult<StatementSyntax> result = FlowGrammar.Line(line);
            if (!result.WasSuccessful)
            {
                ReportSyntaxError(result, span);
                return;
            }

            switch (result.Value)
            {
                case LaneOpenLine open:
                    OpenLane(open);
                    break;
                case LaneCloseLine close:
                    CloseLane(close.Span);
                    break;
                case CommentSyntax { Kind: CommentKind.Hash } comment when labelMayFollow:
                    // Reference §2: the display label on the line after '{' is accepted (and warned about).
                    _laneLabel = FlowGrammar.LaneLabel(
                        new TextSpan(comment.Span.Start, 1),
                        new SyntaxToken(comment.Text, TextSpan.FromBounds(comment.Span.Start + 1, comment.Span.End)),
                        isOnOwnLine: true);
                    break;
                case StatementSyntax statement:
                    (_members ?? Statements).Add(statement);
                    break;
            }
        }

        public void Finish()
        {
            if (_lane is not null)
            {
                ReportUnclosed(_lane, "add '}' after the lane's last statement");
                EndLane(null);
            }
        }

        private void OpenLane(LaneOpenLine open)
        {
            if (_lane is not null)
            {
                ReportUnclosed(_lane, string.Create(CultureInfo.InvariantCulture,
                    $"lanes cannot nest: add '}}' before line {source.GetLinePosition(open.Span.Start).Line + 1}"));
                EndLane(null);
            }

            _lane = open;
            _laneLabel = open.Label;
            _members = ImmutableArray.CreateBuilder<StatementSyntax>();
            if (open.Label is { ClosesLane: true } label)
            {
                EndLane(new TextSpan(label.Span.End - 1, 1));
                return;
            }

            _labelMayFollow = open.Label is null;
        }

        private void CloseLane(TextSpan brace)
        {
            if (_lane is null)
            {
                diagnostics.Add(Diagnostic.Create(Descriptors.UnexpectedCloseBrace, new SourceSpan(source.Path, brace.Start, brace.Length),
                    "remove the '}' or open a lane before it with 'LaneId { # Display label'"));
                return;
            }

            EndLane(brace);
        }

        private void EndLane(TextSpan? closeBrace)
        {
            LaneOpenLine open = _lane!;
            int end = closeBrace?.End ?? (_members!.Count > 0 ? _members[^1].Span.End : open.Span.End);
            var lane = new LaneSyntax(open.Id, open.Brace, _laneLabel, _members!.ToImmutable(), closeBrace)
            {
                Span = TextSpan.FromBounds(open.Span.Start, end),
                HeaderSpan = open.Span,
            };
            Statements.Add(lane);
            _lane = null;
            _laneLabel = null;
            _members = null;
        }

        private void ReportUnclosed(LaneOpenLine lane, string hint) =>
            diagnostics.Add(Diagnostic.Create(Descriptors.UnclosedLane,
                new SourceSpan(source.Path, lane.Id.Span.Start, lane.Span.Length), hint, lane.Id.Text));

        private void ReportSyntaxError(IResult<StatementSyntax> result, TextSpan line)
        {
            int position = Math.Clamp(result.Remainder.Position, line.Start, line.End);
            int length = WordLength(source.Text, position, line.End);
            string unexpected = new LineInput(source.Text, position, line.End, 0, line.Start, _words).Describe();
            string expected = FormatExpectations(result.Expectations);
            diagnostics.Add(Diagnostic.Create(Descriptors.InvalidStatement, new SourceSpan(source.Path, position, length),
                SyntaxHints.For(source.Text.Substring(line.Start, line.Length), unexpected), unexpected, expected));
        }

        private static int WordLength(string text, int position, int end)
        {
            if (position >= end)
            {
                return 0;
            }

            int i = position;
            while (i < end && FlowTokens.IsIdentifierPart(text[i]))
            {
                i++;
            }

            return Math.Max(1, i - position);
        }

        private static string FormatExpectations(IEnumerable<string> expectations)
        {
            string[] items = [.. expectations.Distinct(StringComparer.Ordinal)];
            return items.Length switch
            {
                0 => "a statement",
                1 => items[0],
                _ => string.Join(", ", items[..^1]) + " or " + items[^1],
            };
        }
    }
}
