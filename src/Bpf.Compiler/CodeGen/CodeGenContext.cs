using Bpf.Compiler.Ir;
using Bpf.Compiler.Syntax;

using Bpf.Vm;

namespace Bpf.Compiler.CodeGen;

/// <summary>
/// Per-compilation state of code generation (libpcap's <c>compiler_state_t</c> minus the parser):
/// the link-layer layout, the offsets that <c>vlan</c>/<c>mpls</c>/<c>pppoes</c>/<c>geneve</c> shift as
/// they are generated, the scratch-register allocator, and the position used for errors.
/// One instance per <see cref="CodeGenerator.Generate(FilterExpression, CodeGenOptions)"/> call.
/// </summary>
internal sealed class CodeGenContext
{
    // Bit n set: scratch register n is in use (a mask rather than a bool[16]: no array per compile).
    private int _regUsed;
    private int _curReg;

    /// <summary>Sets up the layout of <paramref name="options"/>' link type (libpcap's init_linktype).</summary>
    /// <exception cref="FilterCompileException">The link type is not one libpcap can compile for.</exception>
    public CodeGenContext(CodeGenOptions options)
    {
        _outermostStore = OffOutermostLinkHdr = new();
        _prevStore = OffPrevLinkHdr = new();
        Init(options);
    }

    // A finished compile's context, kept for the thread's next one (Rent/Return): a context and its five
    // offsets were ~9% of a compile's allocated bytes.
    [ThreadStatic]
    private static CodeGenContext? t_free;

    // The objects OffOutermostLinkHdr and OffPrevLinkHdr start as (PushLinkHeader replaces the latter).
    private readonly AbsOffset _outermostStore;
    private readonly AbsOffset _prevStore;

    /// <summary>
    /// A context as the constructor makes it: this thread's returned one, reset, else a new one. With
    /// <paramref name="ownsGraph"/> the compile takes its graph's objects from the context's arena, which
    /// hands the same objects to the thread's next such compile: only for a caller whose graph is dead
    /// by then (<see cref="FilterCompiler"/>, which copies the program out).
    /// </summary>
    /// <exception cref="FilterCompileException">The link type is not one libpcap can compile for.</exception>
    public static CodeGenContext Rent(CodeGenOptions options, bool ownsGraph = false)
    {
        var cx = t_free;
        if (cx is null)
            cx = new CodeGenContext(options);
        else
        {
            t_free = null;
            cx.Init(options);
        }
        if (ownsGraph)
        {
            cx._arena.Reset();
            cx.Arena = cx._arena;
        }
        return cx;
    }

    /// <summary>Hands the context to the thread's next <see cref="Rent"/>; it must not be used afterwards.</summary>
    public void Return()
    {
        Options = null!;
        Names = null;
        t_free = this;
    }

    // Every field, as a new context has it, then the link type's layout: the one initialization of both
    // the constructor and Rent, so a reused context cannot differ from a new one.
    [System.Diagnostics.CodeAnalysis.MemberNotNull(nameof(Options))]
    private void Init(CodeGenOptions options)
    {
        _regUsed = 0;
        _curReg = 0;
        Options = options;
        Names = options.Names;
        Snaplen = (uint)options.Snaplen;
        Netmask = options.Netmask;
        Position = 0;
        Failure = null;
        Arena = null;
        NoOptimize = false;
        OutermostLinkType = PrevLinkType = LinkType = options.LinkType;
        OffLinkHdr.Clear();
        OffLinkPl.Clear();
        OffLinkType.Clear();
        IsAtm = false;
        IsEncap = false;
        IsVlanVlOffset = false;
        OffVpi = OffVci = OffProto = OffPayload = AbsOffset.NotSet;
        OffLi = OffLiHsl = OffSio = OffOpc = OffDpc = OffSls = AbsOffset.NotSet;
        OffNl = 0;
        OffNlNoSnap = 0;
        LabelStackDepth = 0;
        VlanStackDepth = 0;
        LinkLayouts.Apply(this);
        _outermostStore.CopyFrom(OffLinkHdr);
        _prevStore.CopyFrom(OffLinkHdr);
        OffOutermostLinkHdr = _outermostStore;
        OffPrevLinkHdr = _prevStore;
    }

    /// <summary>The options compiled for.</summary>
    public CodeGenOptions Options { get; private set; }

    /// <summary>Name lookups, or null when only numbers may be used.</summary>
    public INameResolver? Names { get; private set; }

    /// <summary>The value returned for accepted packets.</summary>
    public uint Snaplen { get; private set; }

    /// <summary>The netmask for <c>ip broadcast</c>.</summary>
    public uint Netmask { get; private set; }

    /// <summary>The offset of the AST node being generated, for error reports.</summary>
    public int Position { get; set; }

    /// <summary>Set when generated code uses in-block jumps, which libpcap's optimizer cannot handle.</summary>
    public bool NoOptimize { get; set; }

    /// <summary>The current link type (changes inside <c>geneve</c>/<c>pppoes</c>).</summary>
    public LinkType LinkType { get; set; }

    /// <summary>The link type of the previous (outer) layer.</summary>
    public LinkType PrevLinkType { get; set; }

    /// <summary>The link type of the capture itself.</summary>
    public LinkType OutermostLinkType { get; set; }

    /// <summary>Offset of the current link-layer header.</summary>
    public AbsOffset OffLinkHdr { get; } = new();
    /// <summary>Offset of the previous layer's link-layer header.</summary>
    public AbsOffset OffPrevLinkHdr { get; set; }
    /// <summary>Offset of the outermost link-layer header.</summary>
    public AbsOffset OffOutermostLinkHdr { get; set; }
    /// <summary>Offset of the link-layer payload.</summary>
    public AbsOffset OffLinkPl { get; } = new();
    /// <summary>Offset of the link-layer type field.</summary>
    public AbsOffset OffLinkType { get; } = new();

    /// <summary>True when the link layer carries an ATM pseudo-header (SunATM).</summary>
    public bool IsAtm { get; set; }
    /// <summary>
    /// True once <c>geneve</c> or <c>vxlan</c> was generated (libpcap's is_encap): later tests apply to the
    /// encapsulated frame.
    /// </summary>
    public bool IsEncap { get; set; }
    /// <summary>True once <c>vlan</c> needed a variable-length offset part.</summary>
    public bool IsVlanVlOffset { get; set; }

    /// <summary>SunATM field offsets.</summary>
    public uint OffVpi { get; set; }
    /// <summary>SunATM VCI offset.</summary>
    public uint OffVci { get; set; }
    /// <summary>SunATM protocol-type offset.</summary>
    public uint OffProto { get; set; }
    /// <summary>SunATM payload offset.</summary>
    public uint OffPayload { get; set; }
    /// <summary>MTP2 length-indicator offset.</summary>
    public uint OffLi { get; set; }
    /// <summary>MTP2 high-speed length-indicator offset.</summary>
    public uint OffLiHsl { get; set; }
    /// <summary>MTP3 SIO offset.</summary>
    public uint OffSio { get; set; }
    /// <summary>MTP3 OPC offset.</summary>
    public uint OffOpc { get; set; }
    /// <summary>MTP3 DPC offset.</summary>
    public uint OffDpc { get; set; }
    /// <summary>MTP3 SLS offset.</summary>
    public uint OffSls { get; set; }

    /// <summary>Network-layer offset from the link payload (with SNAP where the link uses LLC).</summary>
    public uint OffNl { get; set; }
    /// <summary>Network-layer offset from the link payload without a SNAP header.</summary>
    public uint OffNlNoSnap { get; set; }

    /// <summary>How many <c>mpls</c> labels were generated so far.</summary>
    public uint LabelStackDepth { get; set; }
    /// <summary>How many <c>vlan</c> tags were generated so far.</summary>
    public uint VlanStackDepth { get; set; }

    /// <summary>
    /// Makes later tests look at an encapsulated link layer (libpcap's PUSH_LINKHDR): the current
    /// header becomes the previous one.
    /// </summary>
    public void PushLinkHeader(LinkType newLinkType, bool isVariable, uint constantPart, int reg)
    {
        PrevLinkType = LinkType;
        OffPrevLinkHdr = OffLinkHdr.Clone();
        LinkType = newLinkType;
        OffLinkHdr.IsVariable = isVariable;
        OffLinkHdr.ConstantPart = constantPart;
        OffLinkHdr.Reg = reg;
        IsEncap = false;
    }

    /// <summary>Reserves a free scratch register, scanning round-robin as libpcap does.</summary>
    /// <exception cref="FilterCompileException">All 16 are in use (rare enough to stay a throw).</exception>
    public int AllocReg()
    {
        for (var n = Opcodes.MemWords; --n >= 0;)
        {
            if ((_regUsed & (1 << _curReg)) != 0)
                _curReg = (_curReg + 1) % Opcodes.MemWords;
            else
            {
                _regUsed |= 1 << _curReg;
                return _curReg;
            }
        }
        throw Error(FilterErrorKind.TooComplex, "too many registers needed to evaluate expression");
    }

    /// <summary>Releases a scratch register.</summary>
    public void FreeReg(int n) => _regUsed &= ~(1 << n);

    /// <summary>
    /// The head's assert_maxval: "NAME V greater than maximum MAX". 1.10 has no such checks (it
    /// silently truncates or compares with an impossible value), so nothing happens in that mode.
    /// </summary>
    /// <returns>False, with the refusal recorded, in head mode when <paramref name="v"/> &gt; <paramref name="max"/>.</returns>
    public bool AssertMax(string name, uint v, uint max)
    {
        if (v <= max || Options.V1_10)
            return true;
        Fail(FilterErrorKind.ValueOutOfRange, $"{name} {v} greater than maximum {max}");
        return false;
    }

    /// <summary>
    /// Ethernet framing (with libpcap's Ethernet cases): EN10MB and netANALYZER, and in the head the
    /// DSA tag link types DSA_TAG_BRCM and DSA_TAG_DSA.
    /// </summary>
    public bool IsEthernetLike => LinkType is LinkType.EN10MB or LinkType.NETANALYZER or LinkType.NETANALYZER_TRANSPARENT
        || (Head && LinkType is LinkType.DSA_TAG_BRCM or LinkType.DSA_TAG_DSA);

    /// <summary>True when compiling the head's language and programs.</summary>
    public bool Head => !Options.V1_10;

    /// <summary>The head's name for the current link type in errors: "DLT_EN10MB (Ethernet)".</summary>
    public string LinkTypeForErrors => LinkTypeDescriptions.DltString(LinkType);

    /// <summary>An error at the current position.</summary>
    public FilterCompileException Error(FilterErrorKind kind, string message) => new(kind, Position, message);

    /// <summary>
    /// This compile's refusal, or null: the first one recorded, as libpcap's bpf_error longjmps out of the
    /// generator at the first. A refusal is recorded, not thrown: a throw through the generator's 10-20
    /// frames cost 3-5 us, where pcap_compile refuses a whole expression in 0.5-1 us (the generator's
    /// refusals of the corpus were 5-9x pcap_compile's). A generator that refuses returns a
    /// <see cref="Placeholder"/> (or a harmless value) and its callers may go on: and/or skip their right
    /// operand once <see cref="Failed"/>, the graph is dropped, and anything a placeholder makes fail later
    /// gives way to this refusal (<see cref="CodeGenerator.TryGenerate"/>).
    /// </summary>
    public FilterCompileException? Failure { get; private set; }

    /// <summary>True once a refusal is recorded: the rest of the walk only unwinds.</summary>
    public bool Failed => Failure is not null;

    /// <summary>Records <paramref name="error"/> unless a refusal came first.</summary>
    public void Fail(FilterCompileException error) => Failure ??= error;

    /// <summary>Records a refusal at the current position unless one came first.</summary>
    public void Fail(FilterErrorKind kind, string message) => Failure ??= Error(kind, message);

    /// <summary>Records <paramref name="error"/> (unless a refusal came first) and returns a placeholder test.</summary>
    public Cond Refuse(FilterCompileException error)
    {
        Fail(error);
        return Placeholder;
    }

    /// <summary>Records a refusal at the current position (unless one came first) and returns a placeholder test.</summary>
    public Cond Refuse(FilterErrorKind kind, string message)
    {
        Fail(kind, message);
        return Placeholder;
    }

    /// <summary>
    /// What a refused generator returns in place of its test: a block of its own, so that the and/or/not
    /// the walk still applies while it unwinds has something to link; the graph is dropped.
    /// </summary>
    public static Cond Placeholder => new(new Block(new Stmt(Opcodes.Jmp | Opcodes.Jeq | Opcodes.K, 0)));

    /// <summary>
    /// Where this compile's blocks, statements and lists come from: the context's own arena when the
    /// caller owns the graph to the end of its compile (<see cref="Rent(CodeGenOptions, bool)"/>), else null (new objects).
    /// </summary>
    public IrArena? Arena { get; private set; }

    // The arena a renting compile that owns its graph uses; kept with the context for the thread's next one.
    private readonly IrArena _arena = new();

    /// <summary>A statement, from the arena when there is one.</summary>
    public Stmt NewStmt(ushort code, uint k = 0) => Arena is { } arena ? arena.Stmt(code, k) : new Stmt(code, k);

    /// <summary>An empty statement list, from the arena when there is one.</summary>
    public List<Stmt> NewList() => Arena is { } arena ? arena.List() : new List<Stmt>(2);

    /// <summary>A block, from the arena when there is one.</summary>
    public Block NewBlock(Stmt branch, List<Stmt> stmts) => Arena is { } arena ? arena.Block(branch, stmts) : new Block(branch, stmts);

    /// <summary>
    /// A primitive the current link type cannot filter: the head's one wording (its fail_kw_on_dlt,
    /// "'vlan' not supported on DLT_SLIP (Serial Line IP)"), or libpcap 1.10's own message for it.
    /// </summary>
    public FilterCompileException NotOnLinkType(string keyword, string v110Message) =>
        Error(FilterErrorKind.UnsupportedForLinkType, Head ? $"'{keyword}' not supported on {LinkTypeForErrors}" : v110Message);

    /// <summary>libpcap's pcap_datalink_val_to_description_or_dlt for the current link type.</summary>
    public string LinkTypeDescription => Head ? LinkTypeDescriptions.DescribeHead(LinkType) : LinkTypeDescriptions.Describe(LinkType);
}
