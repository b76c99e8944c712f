using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Bpf.Verification.Smt;

/// <summary>
/// A solver process (<c>z3 -in</c> by default) spoken to over its standard input and output in
/// SMT-LIB 2. A watchdog kills the process when an answer is later than the check's time limit plus
/// a grace period, so a solver that ignores its own limit cannot hang the caller.
/// </summary>
public sealed class ProcessSmtSolver : ISmtSolver
{
    private static readonly TimeSpan s_grace = TimeSpan.FromSeconds(5);
    private readonly Process _process;
    private readonly StreamWriter _in;
    private readonly StreamReader _out;
    private readonly string _name;
    private readonly SmtSolverOptions _options;
    private readonly StringBuilder _stderr = new();
    private volatile bool _killedByWatchdog;
    // BPF_SMT_LOG=FILE appends every command sent, to replay a slow or failing query with the solver alone.
    private readonly StreamWriter? _log = Environment.GetEnvironmentVariable("BPF_SMT_LOG") is { Length: > 0 } path
        ? new StreamWriter(path, append: true) { AutoFlush = true }
        : null;

    /// <summary>Starts the solver.</summary>
    /// <exception cref="VerificationException">Kind <see cref="VerificationErrorKind.SolverMissing"/>: the executable cannot be started.</exception>
    public ProcessSmtSolver(SmtSolverOptions? options = null)
    {
        _options = options ?? SmtSolverOptions.Z3;
        _name = _options.Command;
        var start = new ProcessStartInfo(_options.Command)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false),
        };
        foreach (var argument in _options.Arguments)
            start.ArgumentList.Add(argument);
        try
        {
            _process = Process.Start(start) ?? throw new Win32Exception("no process");
        }
        catch (Win32Exception e)
        {
            throw new VerificationException(VerificationErrorKind.SolverMissing,
                $"cannot start the SMT solver '{_name}' ({e.Message}); install it (Debian: apt-get install z3)", e);
        }
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
                lock (_stderr)
                    _stderr.AppendLine(line);
        };
        _process.BeginErrorReadLine();
        _in = _process.StandardInput;
        _in.AutoFlush = false;
        _out = _process.StandardOutput;
        Send("(set-option :print-success false)\n(set-option :produce-models true)\n");
    }

    /// <summary>True once the process has exited or been killed; the session cannot be used any more.</summary>
    public bool HasExited => _killedByWatchdog || _process.HasExited;

    /// <inheritdoc />
    public void Send(string commands)
    {
        _log?.Write(commands.EndsWith('\n') ? commands : commands + "\n");
        try
        {
            _in.Write(commands);
            if (!commands.EndsWith('\n'))
                _in.Write('\n');
        }
        catch (IOException e)
        {
            throw Died(e);
        }
    }

    /// <inheritdoc />
    public SatResult CheckSat(TimeSpan timeout)
    {
        // Whole milliseconds, capped: z3 reads the option as an unsigned 32-bit count.
        var ms = Math.Clamp((long)Math.Ceiling(timeout.TotalMilliseconds), 1, uint.MaxValue);
        Send(string.Create(CultureInfo.InvariantCulture, $"(set-option :{_options.TimeoutOption} {ms})\n(check-sat)"));
        var answer = ReadAnswer(timeout + s_grace);
        return answer switch
        {
            "sat" => SatResult.Sat,
            "unsat" => SatResult.Unsat,
            "unknown" => SatResult.Unknown,
            null when _killedByWatchdog => SatResult.Unknown,
            _ => throw Failed(answer),
        };
    }

    /// <inheritdoc />
    public IReadOnlyList<string> GetValues(IReadOnlyList<string> terms)
    {
        if (terms.Count == 0)
            return [];
        var command = new StringBuilder("(get-value (");
        foreach (var term in terms)
            command.Append(term).Append(' ');
        command.Append("))");
        Send(command.ToString());
        var answer = ReadAnswer(TimeSpan.FromSeconds(30) + s_grace);
        if (answer is null || !answer.StartsWith("((", StringComparison.Ordinal))
            throw Failed(answer);
        var pairs = SExpression.Parse(answer);
        if (pairs.Children.Count != terms.Count)
            throw Failed($"expected {terms.Count} values, got {pairs.Children.Count}");
        var values = new string[terms.Count];
        for (var i = 0; i < values.Length; i++)
        {
            var pair = pairs.Children[i];
            if (pair.Children.Count != 2)
                throw Failed(answer);
            values[i] = pair.Children[1].ToString();
        }
        return values;
    }

    // One answer: a line, or lines until the parentheses balance (get-value prints one pair per line).
    private string? ReadAnswer(TimeSpan limit)
    {
        try
        {
            _in.Flush();
        }
        catch (IOException e)
        {
            throw Died(e);
        }
        using var watchdog = new Timer(_ => Kill(), null, limit, Timeout.InfiniteTimeSpan);
        var text = new StringBuilder();
        var depth = 0;
        while (true)
        {
            string? line;
            try
            {
                line = _out.ReadLine();
            }
            catch (IOException)
            {
                line = null;
            }
            if (line is null)
                return _killedByWatchdog ? null : throw Died(null);
            if (text.Length == 0 && line.Length == 0)
                continue;
            text.Append(line).Append('\n');
            foreach (var c in line)
                depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            if (depth <= 0)
                return text.ToString().Trim();
        }
    }

    private void Kill()
    {
        _killedByWatchdog = true;
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private VerificationException Failed(string? answer) =>
        new(VerificationErrorKind.SolverFailed, $"the SMT solver '{_name}' answered: {OneLine(answer ?? "nothing")}");

    private VerificationException Died(Exception? inner)
    {
        string detail;
        lock (_stderr)
            detail = _stderr.Length > 0 ? OneLine(_stderr.ToString()) : "no message";
        return new(VerificationErrorKind.SolverFailed, $"the SMT solver '{_name}' stopped ({detail})", inner);
    }

    private static string OneLine(string text)
    {
        var line = text.ReplaceLineEndings(" ").Trim();
        return line.Length > 300 ? line[..300] + "..." : line;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _in.Write("(exit)\n");
                _in.Flush();
                if (!_process.WaitForExit(2000))
                    _process.Kill(entireProcessTree: true);
            }
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            // The process is already gone.
        }
        _process.Dispose();
        _log?.Dispose();
    }
}
