using System.Diagnostics.CodeAnalysis;
using Bpf.Compiler.CodeGen;
using Bpf.Compiler.Ir;
using Bpf.Compiler.Names;
using Bpf.Compiler.Optimizer;
using Bpf.Compiler.Syntax;

using Bpf.Vm;

namespace Bpf.Compiler;

/// <summary>
/// A managed <c>pcap_compile</c>: turns a pcap-filter expression into a classic BPF program with
/// the semantics libpcap gives it for the same link type and snapshot length (every packet gets the
/// verdict libpcap's program gives it). The instructions themselves may differ: by default an extra
/// optimizer pass can make a program smaller than libpcap 1.10's (<c>(tcp or udp) and port 53</c>: 22
/// instructions where tcpdump prints 23); <see cref="CompilerOptions.Compatibility"/> chooses which
/// libpcap's program to follow (<see cref="LibpcapCompatibility"/>). Stateless and thread-safe; names are resolved from the system files (/etc/hosts, /etc/services, ...), which
/// are read once per process on first use.
/// </summary>
public static class FilterCompiler
{
    /// <summary>libpcap's and tcpdump's default snapshot length.</summary>
    public const int DefaultSnaplen = 262144;

    /// <summary>
    /// Compiles <paramref name="expression"/> for packets of <paramref name="linkType"/>: the
    /// program returns <paramref name="snaplen"/> for accepted packets and 0 for the others.
    /// </summary>
    /// <param name="expression">The filter, e.g. <c>tcp port 80 and not host 10.0.0.1</c>; empty accepts everything.</param>
    /// <param name="linkType">The link type of the packets the program will see.</param>
    /// <param name="snaplen">The value returned for accepted packets (libpcap's snapshot length).</param>
    /// <param name="options">Optimization, netmask and VLAN handling; <see cref="CompilerOptions.Default"/> when null.</param>
    /// <returns>The program, in libpcap's instruction order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="expression"/> is null.</exception>
    /// <exception cref="FilterCompileException">
    /// The expression is invalid, cannot be expressed for the link type, or (optimized) rejects
    /// every packet; <see cref="FilterCompileException.Kind"/> and <see cref="FilterCompileException.Position"/> say why and where.
    /// </exception>
    public static BpfProgram Compile(string expression, LinkType linkType = LinkType.EN10MB, int snaplen = DefaultSnaplen, CompilerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(expression);
        return Build(expression, linkType, snaplen, options ?? CompilerOptions.Default, out var error) ?? throw error!;
    }

    /// <summary>
    /// Compiles as <see cref="Compile"/> does, but reports a refused expression through
    /// <paramref name="error"/> instead of throwing it, as pcap_compile returns -1: for callers that
    /// expect refusals (user input, generated filters). The common syntax errors are refused without
    /// any exception being thrown, which makes refusing them several times cheaper.
    /// </summary>
    /// <param name="expression">The filter, e.g. <c>tcp port 80 and not host 10.0.0.1</c>; empty accepts everything.</param>
    /// <param name="program">The program when the expression compiles, otherwise null.</param>
    /// <param name="error">Why the expression was refused (the exception <see cref="Compile"/> would throw), otherwise null.</param>
    /// <param name="linkType">The link type of the packets the program will see.</param>
    /// <param name="snaplen">The value returned for accepted packets (libpcap's snapshot length).</param>
    /// <param name="options">Optimization, netmask and VLAN handling; <see cref="CompilerOptions.Default"/> when null.</param>
    /// <returns>True when the expression compiled.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="expression"/> is null.</exception>
    public static bool TryCompile(string expression, [NotNullWhen(true)] out BpfProgram? program, [NotNullWhen(false)] out FilterCompileException? error,
        LinkType linkType = LinkType.EN10MB, int snaplen = DefaultSnaplen, CompilerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(expression);
        try
        {
            program = Build(expression, linkType, snaplen, options ?? CompilerOptions.Default, out error);
        }
        catch (FilterCompileException e)
        {
            (program, error) = (null, e);
        }
        return program is not null;
    }

    /// <summary>The program, or null with the error: returned where it is known without unwinding (thrown from deeper stages).</summary>
    private static BpfProgram? Build(string expression, LinkType linkType, int snaplen, CompilerOptions options, out FilterCompileException? error)
    {
        // pcap_compile refuses a zero snapshot length before it looks at the expression.
        if (snaplen == 0)
        {
            error = new FilterCompileException(FilterErrorKind.RejectsAllPackets, 0, "snaplen of 0 rejects all packets");
            return null;
        }

        FilterExpression? ast;
        try
        {
            ast = FilterParser.TryParse(expression, out error);
        }
        catch (FilterCompileException e) when (options.Compatibility == LibpcapCompatibility.Head && HeadScannerWording(e.Message) is not null)
        {
            (ast, error) = (null, e);
        }
        if (ast is null)
        {
            if (options.Compatibility == LibpcapCompatibility.Head && HeadScannerWording(error!.Message) is { } head)
                error = new FilterCompileException(error.Kind, error.Position, head);
            return null;
        }
        var codeGenOptions = CodeGenOptionsFor(linkType, snaplen, options);
        // The generator recurses over the tree: a deeply nested one is retried on a large stack.
        var (root, optimizerDisabled, refusal) = StackGuard.Run((ast, codeGenOptions), static input =>
        {
            // The graph dies with this compile (the program is copied out): its objects serve the thread's next one.
            var graph = CodeGenerator.TryGenerate(input.ast, input.codeGenOptions, ownsGraph: true, out var disabled, out var refusal);
            return (graph, disabled, refusal);
        }, positionForError: 0);
        if (root is null)
        {
            error = refusal;
            return null;
        }
        if (options.Optimize && !optimizerDisabled)
        {
            root = BlockOptimizer.Optimize(root, libpcapOnly: options.Compatibility == LibpcapCompatibility.V1_10, options.MemoryBudget);
            // The same place and test as pcap_compile: only an optimized program can be refused,
            // and only when it is a lone "ret #0".
            if (IsRejectAll(root))
            {
                error = new FilterCompileException(FilterErrorKind.RejectsAllPackets, 0, "expression rejects all packets");
                return null;
            }
        }
        var program = Linearizer.ToProgram(root, expression.Length);
        // A program libpcap's own bpf_validate would refuse is our bug, never the user's: fail loudly
        // here rather than hand an engine something it may not run.
        var validation = BpfValidator.Validate(program, ValidationProfile.Libpcap);
        if (!validation.IsValid)
        {
            error = new FilterCompileException(FilterErrorKind.TooComplex, 0,
                $"internal error: the generated program is invalid ({validation.Diagnostics[0]})");
            return null;
        }
        error = null;
        return program;
    }

    // The last compile's code-generation options (immutable, so any thread may share them): a caller
    // usually compiles for one capture, and reusing them saves an allocation per compile.
    private static CodeGenOptions? s_lastCodeGenOptions;

    private static CodeGenOptions CodeGenOptionsFor(LinkType linkType, int snaplen, CompilerOptions options)
    {
        var names = options.NameResolver ?? SystemNameResolver.Default;
        var last = s_lastCodeGenOptions;
        if (last is not null && last.LinkType == linkType && last.Snaplen == snaplen && last.Netmask == options.Netmask
            && last.LinuxKernelVlan == options.LinuxKernelVlan && ReferenceEquals(last.Names, names) && last.Compatibility == options.Compatibility
            && last.Savefile == options.Savefile && last.SavefileSwapped == options.SavefileSwapped)
        {
            return last;
        }

        return s_lastCodeGenOptions = new CodeGenOptions(linkType, snaplen, options.Netmask, options.LinuxKernelVlan)
        {
            Names = names,
            Compatibility = options.Compatibility,
            Savefile = options.Savefile,
            SavefileSwapped = options.SavefileSwapped,
        };
    }

    // libpcap tests root->s.code only: a root block whose branch is "ret #0" rejects everything
    // whatever statements precede it.
    /// <summary>
    /// The head scanner's words for the lexical errors the one (1.10-worded) lexer reports: "invalid
    /// Ethernet/IPv6 address" and "decimal/octal/hexadecimal number N overflows 32 bits"; null for others.
    /// </summary>
    private static string? HeadScannerWording(string message)
    {
        if (message.StartsWith("bogus ethernet address ", StringComparison.Ordinal))
            return "invalid Ethernet address " + message["bogus ethernet address ".Length..];
        if (message.StartsWith("bogus IPv6 address ", StringComparison.Ordinal))
            return "invalid IPv6 address " + message["bogus IPv6 address ".Length..];
        if (message.StartsWith("number ", StringComparison.Ordinal) && message.Contains(" overflows 32 bits", StringComparison.Ordinal))
        {
            var number = message["number ".Length..];
            var kind = number.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? "hexadecimal" : number.StartsWith('0') ? "octal" : "decimal";
            return kind + " " + message;
        }
        return null;
    }

    private static bool IsRejectAll(Block root) =>
        root.Branch.Code == (Opcodes.Ret | Opcodes.K) && root.Branch.K == 0;
}
