using Bpf.Compiler.Ir;
using Bpf.Compiler.Syntax;
using Bpf.Vm;
using static Bpf.Compiler.CodeGen.Flow;

namespace Bpf.Compiler.CodeGen;

/// <summary>
/// Turns a filter expression's syntax tree into libpcap's control-flow graph: it walks the tree in
/// the order libpcap's grammar actions run (left to right, operands before operators, so scratch
/// registers and offset shifts happen in the same order) and hands each node to its generator.
/// </summary>
internal static class CodeGenerator
{
    /// <summary>Generates the graph for <paramref name="root"/> and returns its entry block.</summary>
    /// <exception cref="FilterCompileException">The expression cannot be compiled for the link type.</exception>
    public static Block Generate(FilterExpression root, CodeGenOptions options) => Generate(root, options, out _);

    /// <summary>
    /// Generates the graph; <paramref name="optimizerDisabled"/> reports whether libpcap would skip
    /// optimizing it (in-block loops of <c>protochain</c>, 802.11/prism header length code, <c>geneve</c>).
    /// </summary>
    /// <exception cref="FilterCompileException">The expression cannot be compiled for the link type.</exception>
    public static Block Generate(FilterExpression root, CodeGenOptions options, out bool optimizerDisabled) =>
        TryGenerate(root, options, ownsGraph: false, out optimizerDisabled, out var error) ?? throw error!;

    /// <summary>
    /// Generates the graph, or returns null with the refusal in <paramref name="error"/>: the generator's
    /// refusals are recorded on its context, not thrown (see <see cref="CodeGenContext.Failure"/>). With
    /// <paramref name="ownsGraph"/> the graph is built from objects the thread's next such call reuses
    /// (<see cref="IrArena"/>): the caller must be done with it by then.
    /// </summary>
    /// <exception cref="FilterCompileException">The link type is not one libpcap can compile for, or the expression needs more than 16 scratch registers.</exception>
    public static Block? TryGenerate(FilterExpression root, CodeGenOptions options, bool ownsGraph, out bool optimizerDisabled, out FilterCompileException? error)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(options);
        // The thread's context of the last compile, reset (handed back below; a compile that throws just drops it).
        var cx = CodeGenContext.Rent(options, ownsGraph);
        optimizerDisabled = false;
        error = null;
        cx.Position = root.Position;
        if (root is EmptyExpression)
        {
            var accept = Return(cx, cx.Snaplen);
            cx.Return();
            return accept;
        }
        Cond p = default;
        try
        {
            p = Expression(cx, root);
        }
        catch (Exception) when (cx.Failed)
        {
            // Something a placeholder led to after the refusal: libpcap would have stopped at the refusal.
        }
        if (cx.Failure is { } failure)
        {
            error = failure;
            cx.Return();
            return null;
        }
        cx.Position = root.Position;
        VariableHeaders.InsertComputeOffsets(cx, p.Head);
        var ppi = VariableHeaders.PpiDltCheck(cx);
        if (ppi != null)
            p = And(ppi.Value, p);
        Backpatch(p.Block, Return(cx, cx.Snaplen));
        p.Block.Sense = !p.Block.Sense;
        Backpatch(p.Block, Return(cx, 0));
        optimizerDisabled = cx.NoOptimize;
        cx.Return();
        return p.Head;
    }

    private static Cond Expression(CodeGenContext cx, FilterExpression e)
    {
        // Thousands of nested "!" or unary minus recurse this deep: never overflow the stack.
        StackGuard.Check();
        switch (e)
        {
            case AndExpression a:
            {
                var left = Expression(cx, a.Left);
                if (cx.Failed)
                    return left;
                var right = Expression(cx, a.Right);
                return And(left, right);
            }
            case OrExpression o:
            {
                var left = Expression(cx, o.Left);
                if (cx.Failed)
                    return left;
                var right = Expression(cx, o.Right);
                return Or(left, right);
            }
            case NotExpression n:
                return Not(Expression(cx, n.Operand));
            case Relation r:
            {
                var a0 = Arith(cx, r.Left);
                var a1 = Arith(cx, r.Right);
                cx.Position = r.Position;
                return Arithmetic.Relation(cx, Relations.JumpOf(r.Test), a0, a1, r.Reversed);
            }
            default:
                cx.Position = e.Position;
                return Primitive(cx, e);
        }
    }

    // An id without an address qualifier is the grammar's error (false, recorded).
    private static bool CheckQualifiers(CodeGenContext cx, Qualifiers q)
    {
        if (q.Addr != AddrQualifier.Undefined)
            return true;
        cx.Fail(FilterErrorKind.Syntax, "syntax error in filter expression");
        return false;
    }

    private static Cond Primitive(CodeGenContext cx, FilterExpression e)
    {
        switch (e)
        {
            case NameId id:
                return CheckQualifiers(cx, id.Qualifiers) ? IdCodes.Name(cx, id.Name, id.Qualifiers) : CodeGenContext.Placeholder;
            case NumberId id:
                return CheckQualifiers(cx, id.Qualifiers) ? NumericIds.Number(cx, null, id.Number, id.Qualifiers) : CodeGenContext.Placeholder;
            case HostId id:
                return CheckQualifiers(cx, id.Qualifiers) ? NumericIds.Number(cx, id.Address, 0, id.Qualifiers) : CodeGenContext.Placeholder;
            case MaskedHostId id:
                // gen_mcode and gen_mcode6 have no syntax-error case: an undefined address qualifier
                // falls into their "networks only" / "invalid qualifier" errors.
                return NumericIds.Masked(cx, id.Address, id.Mask, id.PrefixLength, id.Qualifiers);
            case Ipv6Id id:
                return NumericIds.Ipv6(cx, id.Address, id.PrefixLength, id.Qualifiers);
            case MacId id:
                return MacAddresses.EtherAddress(cx, id.Address, id.Qualifiers);
            case ArcnetId id:
                return MacAddresses.ArcnetAddress(cx, id.Address, id.Qualifiers);
            case ProtoAbbreviation p:
                return Protocols.Abbreviation(cx, p.Proto);
            case BroadcastExpression b:
                return MacAddresses.Broadcast(cx, b.Proto);
            case MulticastExpression m:
                return MacAddresses.Multicast(cx, m.Proto);
            case LessExpression l:
                return Relations.Less(cx, l.Length);
            case GreaterExpression g:
                return Relations.Greater(cx, g.Length);
            case ByteExpression b:
                return Relations.ByteOp(cx, b.Operator, b.Offset, b.Value);
            case InboundExpression i:
                return Direction.Inbound(cx, i.Outbound);
            case IfIndexExpression i:
                return Direction.IfIndex(cx, i.Index);
            case VlanExpression v:
                return Encapsulations.Vlan(cx, v.Id);
            case MplsExpression m:
                return Encapsulations.Mpls(cx, m.Label);
            case PppoedExpression:
                return Encapsulations.Pppoed(cx);
            case PppoesExpression p:
                return Encapsulations.Pppoes(cx, p.SessionId);
            case GeneveExpression g:
                return Encapsulations.Geneve(cx, g.Vni);
            case VxlanExpression v:
                return Encapsulations.Vxlan(cx, v.Vni);
            case PfIfNameExpression p:
                return PflogFields.IfName(cx, p.Interface);
            case PfRulesetExpression p:
                return PflogFields.Ruleset(cx, p.Ruleset);
            case PfRuleNumberExpression p:
                return PflogFields.RuleNumber(cx, p.Rule);
            case PfSubruleNumberExpression p:
                return PflogFields.SubruleNumber(cx, p.Rule);
            case PfReasonExpression p:
                return PflogFields.Reason(cx, p.Reason);
            case PfActionExpression p:
                return PflogFields.Action(cx, p.Action);
            case Ieee80211TypeExpression t:
                if (!cx.Head && t.V110Error is { } unknown)
                    return cx.Refuse(FilterErrorKind.UnknownName, unknown);
                return WirelessFields.FrameType(cx, t.Value, t.Mask);
            case Ieee80211DirExpression d:
                return WirelessFields.FrameDirection(cx, d.Direction);
            case LlcExpression:
                return LlcTests.IsLlc(cx);
            case LlcIFrameExpression:
                return LlcTests.IFrame(cx);
            case LlcSFrameExpression:
                return LlcTests.SFrame(cx);
            case LlcUFrameExpression:
                return LlcTests.UFrame(cx);
            case LlcSSubtypeExpression s:
                return LlcTests.SSubtype(cx, s.Subtype);
            case LlcUSubtypeExpression u:
                return LlcTests.USubtype(cx, u.Subtype);
            case AtmTypeExpression a:
                return AtmFields.TypeAbbreviation(cx, a.Type);
            case AtmMultiTypeExpression a:
                return AtmFields.MultiAbbreviation(cx, a.Type);
            case AtmFieldExpression a:
                return AtmFields.Field(cx, a.Field, a.Value, a.Test, a.Reversed);
            case Mtp2TypeExpression m:
                return Mtp.Mtp2Type(cx, m.Type);
            case Mtp3FieldExpression m:
                return Mtp.Mtp3Field(cx, m.Field, m.Value, m.Test, m.Reversed);
            default:
                return cx.Refuse(FilterErrorKind.Syntax, "syntax error in filter expression");
        }
    }

    private static Arth Arith(CodeGenContext cx, ArithExpression e)
    {
        // Thousands of nested "!" or unary minus recurse this deep: never overflow the stack.
        StackGuard.Check();
        switch (e)
        {
            case ConstantArith c:
                cx.Position = c.Position;
                return Arithmetic.LoadImmediate(cx, c.Value);
            case LengthArith l:
                cx.Position = l.Position;
                return Arithmetic.LoadLength(cx);
            case NegateArith n:
            {
                var a = Arith(cx, n.Operand);
                return Arithmetic.Negate(cx, a);
            }
            case BinaryArith b:
            {
                var a0 = Arith(cx, b.Left);
                var a1 = Arith(cx, b.Right);
                cx.Position = b.Position;
                return Arithmetic.Binary(cx, Arithmetic.AluOf(b.Operator), a0, a1);
            }
            case LoadArith l:
            {
                var index = Arith(cx, l.Index);
                cx.Position = l.Position;
                return Arithmetic.Load(cx, l.Proto, index, l.Size);
            }
            default:
                throw cx.Error(FilterErrorKind.Syntax, "syntax error in filter expression");
        }
    }
}
