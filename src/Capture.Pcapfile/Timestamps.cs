namespace Capture.Pcapfile;

/// <summary>Splitting nanosecond timestamps for writers; times before the epoch round down, as C's time_t does.</summary>
internal static class Timestamps
{
    public const long NanosecondsPerSecond = 1_000_000_000L;

    /// <summary>Floor division: the remainder is never negative.</summary>
    public static long FloorDivide(long value, long divisor, out long remainder)
    {
        var quotient = Math.DivRem(value, divisor, out remainder);
        if (remainder < 0)
        {
            quotient--;
            remainder += divisor;
        }
        return quotient;
    }
}
