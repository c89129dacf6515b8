using Sprache;

namespace FlowRunner.Language.Parsing;

/// <summary>
/// The combinators the grammar uses, with the semantics of Sprache 2.3.1's but without per-call parser
/// construction or closures (Sprache's <c>XMany</c> and <c>AtLeastOnce</c> build a <c>Many</c> parser on every
/// call; <c>Or</c>, <c>XOr</c> and <c>Named</c> allocate a closure on every call). They run over Sprache's
/// <see cref="Parser{T}"/>, <see cref="IResult{T}"/> and <see cref="Result"/>. Declared in the grammar's
/// namespace, so the grammar binds to them before Sprache's.
/// </summary>
internal static class ParserCombinators
{
    /// <summary>First, or else second from the same input; on two failures, the one that got further.</summary>
    public static Parser<T> Or<T>(this Parser<T> first, Parser<T> second) => input => Choose(first, second, input, failAfterConsuming: false);

    /// <summary>Like <see cref="Or{T}"/>, but a failure of <paramref name="first"/> after consuming input is final.</summary>
    public static Parser<T> XOr<T>(this Parser<T> first, Parser<T> second) => input => Choose(first, second, input, failAfterConsuming: true);

    /// <summary>Names what the parser expects when it fails without consuming input.</summary>
    public static Parser<T> Named<T>(this Parser<T> parser, string name)
    {
        string[] expectation = FlowTokens.Expectations(name);
        return input =>
        {
            IResult<T> result = parser(input);
            return result.WasSuccessful || !result.Remainder.Equals(input)
                ? result
                : Result.Failure<T>(result.Remainder, result.Message, expectation);
        };
    }

    /// <summary>Zero or more; fails if an attempt fails after consuming input.</summary>
    public static Parser<IEnumerable<T>> XMany<T>(this Parser<T> parser) => input => Repeat(parser, input, [], input);

    /// <summary>One or more; fails if an attempt fails after consuming input.</summary>
    public static Parser<IEnumerable<T>> AtLeastOnce<T>(this Parser<T> parser) => input =>
    {
        IResult<T> first = parser(input);
        return first.WasSuccessful
            ? Repeat(parser, first.Remainder, [first.Value], input)
            : Result.Failure<IEnumerable<T>>(first.Remainder, first.Message, first.Expectations);
    };

    /// <summary>The value, or the default when the parser fails without consuming input; a failure after consuming is final.</summary>
    public static Parser<T?> XOptionalOrDefault<T>(this Parser<T> parser) => input =>
    {
        IResult<T> result = parser(input);
        if (result.WasSuccessful)
        {
            return Result.Success<T?>(result.Value, result.Remainder);
        }

        return result.Remainder.Equals(input)
            ? Result.Success<T?>(default, input)
            : Result.Failure<T?>(result.Remainder, result.Message, result.Expectations);
    };

    /// <summary>The value, or the default whenever the parser fails.</summary>
    public static Parser<T?> OptionalOrDefault<T>(this Parser<T> parser) => input =>
    {
        IResult<T> result = parser(input);
        return result.WasSuccessful ? Result.Success<T?>(result.Value, result.Remainder) : Result.Success<T?>(default, input);
    };

    private static IResult<IEnumerable<T>> Repeat<T>(Parser<T> parser, IInput remainder, List<T> items, IInput start)
    {
        while (true)
        {
            IResult<T> next = parser(remainder);
            if (!next.WasSuccessful)
            {
                return next.Remainder.Equals(remainder)
                    ? Result.Success<IEnumerable<T>>(items, remainder)
                    : Result.Failure<IEnumerable<T>>(next.Remainder, next.Message, next.Expectations);
            }

            if (next.Remainder.Equals(remainder))
            {
                return Result.Success<IEnumerable<T>>(items, remainder);
            }

            items.Add(next.Value);
            remainder = next.Remainder;
        }
    }

    private static IResult<T> Choose<T>(Parser<T> first, Parser<T> second, IInput input, bool failAfterConsuming)
    {
        IResult<T> result = first(input);
        if (!result.WasSuccessful)
        {
            if (failAfterConsuming && !result.Remainder.Equals(input))
            {
                return result;
            }

            IResult<T> other = second(input);
            return other.WasSuccessful ? other : BestError(result, other);
        }

        if (result.Remainder.Equals(input))
        {
            IResult<T> other = second(input);
            return other.WasSuccessful ? other : result;
        }

        return result;
    }

    // Sprache's DetermineBestError: the failure that got further; at the same place, both expectations.
    private static IResult<T> BestError<T>(IResult<T> first, IResult<T> second)
    {
        if (second.Remainder.Position > first.Remainder.Position)
        {
            return second;
        }

        return second.Remainder.Position == first.Remainder.Position
            ? Result.Failure<T>(first.Remainder, first.Message, first.Expectations.Union(second.Expectations))
            : first;
    }
}
