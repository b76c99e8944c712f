using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using Bpf.Compiler.Syntax;
using Bpf.Vm;
using Pidgin;

namespace Bpf.Compiler;

/// <summary>
/// Keeps deeply nested expressions (<c>((((...))))</c>, <c>not not not ...</c>) from overflowing the
/// stack, which would kill the process: the recursive parsers and the code generator check the remaining stack,
/// and a stage that runs short is retried once on a thread with a large stack; only if that also
/// runs short is the expression rejected as too complex.
/// </summary>
internal static class StackGuard
{
    private const int LargeStackBytes = 256 * 1024 * 1024;

    /// <summary>Thrown when the current thread's stack is nearly exhausted.</summary>
    internal sealed class InsufficientStackException : Exception
    {
    }

    /// <summary>Throws <see cref="InsufficientStackException"/> when the stack is nearly exhausted.</summary>
    public static void Check()
    {
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
            throw new InsufficientStackException();
    }

    /// <summary>A parser that consumes nothing and checks the stack; put it in front of recursive rules.</summary>
    public static readonly Parser<Token, Unit> Parser =
        Parser<Token>.CurrentOffset.Select(_ =>
        {
            Check();
            return Unit.Value;
        });

    /// <summary>Runs <paramref name="work"/>, retrying on a large stack if it runs short.</summary>
    public static T Run<T>(Func<T> work, int positionForError)
    {
        try
        {
            return work();
        }
        catch (InsufficientStackException)
        {
        }

        return OnLargeStack(work, positionForError);
    }

    /// <summary>
    /// <see cref="Run{T}(Func{T}, int)"/> for <paramref name="work"/> taking <paramref name="state"/>:
    /// a static lambda then allocates no closure on the common path (one per compile otherwise).
    /// </summary>
    public static T Run<TState, T>(TState state, Func<TState, T> work, int positionForError)
    {
        try
        {
            return work(state);
        }
        catch (InsufficientStackException)
        {
        }

        return OnLargeStack(state, work, positionForError);
    }

    // Its own method: a lambda over the parameters in Run would have its closure allocated on entry
    // to Run, at every call (measured: 2 closures, ~65 bytes, per compile), not only on the retry.
    private static T OnLargeStack<TState, T>(TState state, Func<TState, T> work, int positionForError) =>
        OnLargeStack(() => work(state), positionForError);

    // Its own method: the thread's closure (result, failure) would otherwise be allocated at every
    // Run, also when the stack suffices.
    private static T OnLargeStack<T>(Func<T> work, int positionForError)
    {
        T result = default!;
        ExceptionDispatchInfo? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = work();
            }
            catch (InsufficientStackException)
            {
                failure = ExceptionDispatchInfo.Capture(new FilterCompileException(
                    FilterErrorKind.TooComplex, positionForError, "expression too complex: nested too deeply"));
            }
            catch (Exception e)
            {
                failure = ExceptionDispatchInfo.Capture(e);
            }
        }, LargeStackBytes);
        thread.Start();
        thread.Join();
        failure?.Throw();
        return result;
    }
}
