using Sprache;

namespace FlowRunner.Language.Parsing;

/// <summary>
/// LINQ query operators for Sprache parsers with Sprache's own semantics, but one closure call and one result
/// per step. Sprache's versions build <c>Then</c>/<c>Select</c>/<c>Return</c> closures on every parse (about
/// 400 bytes a step), which made garbage collection dominate large files. Declared in the grammar's own
/// namespace, so C# binds the grammar's queries to these before the ones imported from <c>Sprache</c>.
/// </summary>
internal static class ParserQuery
{
    public static Parser<TResult> Select<T, TResult>(this Parser<T> parser, Func<T, TResult> convert) => input =>
    {
        IResult<T> result = parser(input);
        return result.WasSuccessful
            ? Result.Success(convert(result.Value), result.Remainder)
            : Result.Failure<TResult>(result.Remainder, result.Message, result.Expectations);
    };

    public static Parser<TResult> SelectMany<T, TNext, TResult>(this Parser<T> parser, Func<T, Parser<TNext>> selector, Func<T, TNext, TResult> projector) => input =>
    {
        IResult<T> first = parser(input);
        if (!first.WasSuccessful)
        {
            return Result.Failure<TResult>(first.Remainder, first.Message, first.Expectations);
        }

        IResult<TNext> second = selector(first.Value)(first.Remainder);
        return second.WasSuccessful
            ? Result.Success(projector(first.Value, second.Value), second.Remainder)
            : Result.Failure<TResult>(second.Remainder, second.Message, second.Expectations);
    };
}
