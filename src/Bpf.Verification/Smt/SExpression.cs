namespace Bpf.Verification.Smt;

/// <summary>A parsed solver answer: an atom (<c>#x45</c>, <c>sat</c>) or a list of expressions.</summary>
internal sealed class SExpression
{
    private SExpression(string? atom, List<SExpression> children)
    {
        Atom = atom;
        Children = children;
    }

    /// <summary>The atom's text, or null for a list.</summary>
    public string? Atom { get; }

    /// <summary>A list's elements (empty for an atom).</summary>
    public List<SExpression> Children { get; }

    /// <inheritdoc />
    public override string ToString() => Atom ?? "(" + string.Join(' ', Children) + ")";

    /// <summary>Parses one expression from <paramref name="text"/>.</summary>
    /// <exception cref="FormatException">The text is not one well-formed expression.</exception>
    public static SExpression Parse(string text)
    {
        var position = 0;
        var result = Read(text, ref position);
        SkipSpace(text, ref position);
        if (position != text.Length)
            throw new FormatException($"trailing text in solver answer at {position}");
        return result;
    }

    private static SExpression Read(string text, ref int position)
    {
        SkipSpace(text, ref position);
        if (position >= text.Length)
            throw new FormatException("solver answer ends early");
        if (text[position] == '(')
        {
            position++;
            var children = new List<SExpression>();
            while (true)
            {
                SkipSpace(text, ref position);
                if (position >= text.Length)
                    throw new FormatException("unbalanced solver answer");
                if (text[position] == ')')
                {
                    position++;
                    return new SExpression(null, children);
                }
                children.Add(Read(text, ref position));
            }
        }
        if (text[position] == ')')
            throw new FormatException($"unexpected ')' in solver answer at {position}");
        var start = position;
        if (text[position] == '"')
        {
            position++;
            while (position < text.Length && text[position] != '"')
                position++;
            position++;
        }
        else
        {
            while (position < text.Length && !char.IsWhiteSpace(text[position]) && text[position] is not '(' and not ')')
                position++;
        }
        return new SExpression(text[start..Math.Min(position, text.Length)], []);
    }

    private static void SkipSpace(string text, ref int position)
    {
        while (position < text.Length && char.IsWhiteSpace(text[position]))
            position++;
    }
}
