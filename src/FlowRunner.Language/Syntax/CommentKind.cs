namespace FlowRunner.Language.Syntax;

/// <summary>How a comment was introduced.</summary>
public enum CommentKind
{
    /// <summary><c>// text</c>: skipped by FlowZap and lost when its editor rewrites the code.</summary>
    Slash,

    /// <summary><c># text</c> on a line of its own (FlowZap only documents it as a lane's display label).</summary>
    Hash,
}
