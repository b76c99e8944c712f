using System.Text;

using Bpf.Vm;

namespace Bpf.Compiler.CodeGen;

/// <summary>OpenBSD pflog header fields: <c>on</c>, <c>ruleset</c>, <c>rnr</c>, <c>srnr</c>, <c>reason</c>, <c>action</c>.</summary>
internal static class PflogFields
{
    // struct pfloghdr: length, af, action, reason, ifname[16], ruleset[16], rulenr, subrulenr, ...
    public const uint AfOffset = 1, ActionOffset = 2, ReasonOffset = 3, IfNameOffset = 4, RulesetOffset = 20;
    public const uint RuleNumberOffset = 36, SubruleNumberOffset = 40, NameSize = 16;

    private static bool RequirePflog(CodeGenContext cx, string what)
    {
        if (cx.LinkType == LinkType.PFLOG)
            return true;
        cx.Fail(FilterErrorKind.UnsupportedForLinkType, $"{what} supported only on PF linktype");
        return false;
    }

    /// <summary><c>on eth0</c>.</summary>
    public static Cond IfName(CodeGenContext cx, string name)
    {
        if (!RequirePflog(cx, "ifname"))
            return CodeGenContext.Placeholder;
        var bytes = Encoding.UTF8.GetBytes(name);
        if (bytes.Length >= NameSize)
            return cx.Refuse(FilterErrorKind.ValueOutOfRange, $"ifname interface names can only be {NameSize - 1} characters");
        return cx.BCmp(OffsetBase.LinkHeader, IfNameOffset, bytes);
    }

    /// <summary><c>ruleset name</c>.</summary>
    public static Cond Ruleset(CodeGenContext cx, string name)
    {
        if (!RequirePflog(cx, "ruleset"))
            return CodeGenContext.Placeholder;
        var bytes = Encoding.UTF8.GetBytes(name);
        if (bytes.Length >= NameSize)
            return cx.Refuse(FilterErrorKind.ValueOutOfRange, $"ruleset names can only be {NameSize - 1} characters");
        return cx.BCmp(OffsetBase.LinkHeader, RulesetOffset, bytes);
    }

    /// <summary><c>rnr n</c>.</summary>
    public static Cond RuleNumber(CodeGenContext cx, uint n)
    {
        if (!RequirePflog(cx, "rnr"))
            return CodeGenContext.Placeholder;
        return cx.Cmp(OffsetBase.LinkHeader, RuleNumberOffset, Opcodes.W, n);
    }

    /// <summary><c>srnr n</c>.</summary>
    public static Cond SubruleNumber(CodeGenContext cx, uint n)
    {
        if (!RequirePflog(cx, "srnr"))
            return CodeGenContext.Placeholder;
        return cx.Cmp(OffsetBase.LinkHeader, SubruleNumberOffset, Opcodes.W, n);
    }

    /// <summary><c>reason n</c>.</summary>
    public static Cond Reason(CodeGenContext cx, int reason)
    {
        if (!RequirePflog(cx, "reason"))
            return CodeGenContext.Placeholder;
        return cx.Cmp(OffsetBase.LinkHeader, ReasonOffset, Opcodes.B, (uint)reason);
    }

    /// <summary><c>action pass</c>.</summary>
    public static Cond Action(CodeGenContext cx, int action)
    {
        if (!RequirePflog(cx, "action"))
            return CodeGenContext.Placeholder;
        return cx.Cmp(OffsetBase.LinkHeader, ActionOffset, Opcodes.B, (uint)action);
    }
}
