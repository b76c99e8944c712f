namespace Bpf.Compiler.Syntax;

/// <summary>
/// The wording of a syntax error, shared by the combinator grammar (<see cref="FilterParser"/>) and the
/// predictive parser's fast error path, so the two cannot drift apart in format. Kept apart from
/// <see cref="FilterParser"/> so that reporting an error never builds the Pidgin grammar.
/// </summary>
internal static class SyntaxErrors
{
    /// <summary>At most this many expected items are named (the first ones the grammar tried).</summary>
    public const int MaxExpected = 8;

    /// <summary>"can't parse filter expression: syntax error at offset N (unexpected T, expected A, B, ...)".</summary>
    /// <param name="token">The token where the error was detected; a scanner error with a message gives that message.</param>
    /// <param name="expected">What the parsers that examined <paramref name="token"/> wanted, in the order they tried; only the first <see cref="MaxExpected"/> are named.</param>
    public static FilterCompileException Unexpected(Token token, IEnumerable<string> expected) => Unexpected(token, Join(expected));

    /// <summary>As <see cref="Unexpected(Token, IEnumerable{string})"/>, with the expected items already joined by <see cref="Join"/>.</summary>
    public static FilterCompileException Unexpected(Token token, string expected)
    {
        // The parser reached the token the scanner rejected: libpcap reports the scanner's message.
        if (token.Kind == TokenKind.LexError && token.Text.Length > 0)
        {
            var kind = token.Text.Contains("overflows", StringComparison.Ordinal) ? FilterErrorKind.ValueOutOfRange : FilterErrorKind.Syntax;
            return new FilterCompileException(kind, token.Position, token.Text);
        }
        var unexpected = token.Kind == TokenKind.LexError ? "unexpected character" : $"unexpected {token}";
        var detail = expected.Length > 0 ? $"{unexpected}, expected {expected}" : unexpected;
        return new FilterCompileException(FilterErrorKind.Syntax, token.Position,
            $"can't parse filter expression: syntax error at offset {token.Position} ({detail})");
    }

    /// <summary>The first <see cref="MaxExpected"/> expected items as the message names them: "A, B, C".</summary>
    public static string Join(IEnumerable<string> expected) => string.Join(", ", expected.Take(MaxExpected));
}
