namespace Bpf.Compiler;

/// <summary>Which libpcap's filter language and code generation the compiler reproduces.</summary>
public enum LibpcapCompatibility
{
    /// <summary>
    /// libpcap's development head (1.11.0-PRE-GIT, f26ae497): its syntax (<c>vxlan</c>, <c>geneve</c>, ...),
    /// link types, range checks and corrected programs; every packet gets the head's result, and
    /// the optimizer may add passes libpcap lacks (programs are never larger than the head's).
    /// </summary>
    Head = 0,

    /// <summary>
    /// libpcap 1.10 (1.10.3): exactly the instructions it emits (<c>tcpdump -d</c> byte-identical),
    /// including its acceptance of expressions the head refuses.
    /// </summary>
    V1_10,
}
