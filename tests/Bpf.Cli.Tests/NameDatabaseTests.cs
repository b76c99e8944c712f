using System.Diagnostics;
using Bpf.Testing;

namespace Bpf.Cli.Tests;

/// <summary>
/// Names (hosts with several addresses, aliases, ethers, networks, protocols, services) resolve as
/// each mode's libpcap resolves them. The machine's /etc is never touched: a private mount
/// namespace (<c>unshare --mount</c>, root) binds a copy of /etc holding test databases over /etc,
/// and inside it both the oracle (tests/scripts/oracle-compile.py over that libpcap build) and
/// <c>bpf compile --batch</c> (which reads /etc as libpcap's C library does) compile the same lines.
/// </summary>
public class NameDatabaseTests
{
    private static readonly Dictionary<string, string> s_databases = new()
    {
        ["hosts"] = """
            127.0.0.1 localhost
            10.1.1.1 multi alias1
            10.1.1.2 multi
            fd00::1 multi
            10.2.2.2 v4only MixedCase
            fd00::2 v6only
            10.3.3.3 gw
            10.4.4.4 gwtwo
            10.4.4.5 gwtwo
            """,
        ["ethers"] = """
            00:11:22:33:44:55 ethname
            0:1:2:a:b:c gw
            2:0:0:0:0:1 gwtwo
            """,
        ["networks"] = """
            mynet 10.20
            bignet 10
            deepnet 10.20.30
            """,
        ["protocols"] = """
            ip 0 IP
            icmp 1 ICMP
            tcp 6 TCP
            udp 17 UDP
            fooproto 99 FOOPROTO
            bigproto 254
            """,
        ["services"] = """
            svc 1234/tcp
            svc 5678/udp
            svcboth 2000/tcp
            svcboth 2000/udp
            tcponly 3000/tcp tcpalias
            udponly 3001/udp
            http 80/tcp www
            domain 53/tcp
            domain 53/udp
            """,
        // Files only: an unknown name must not wait for DNS, in the oracle's C library or in ours.
        ["nsswitch.conf"] = """
            hosts: files
            networks: files
            protocols: files
            services: files
            ethers: files
            """,
    };

    private static readonly string[] s_lines =
    [
        "EN10MB\thost multi", "EN10MB\tip host multi", "EN10MB\tip6 host multi", "EN10MB\tsrc host alias1",
        "EN10MB\tdst host MIXEDCASE", "EN10MB\thost v6only", "EN10MB\tip host v6only", "EN10MB\tip6 host v4only",
        "EN10MB\thost nosuchhost", "EN10MB\thost multi and not host v4only", "EN10MB\tarp host multi",
        "EN10MB\tnet mynet", "EN10MB\tnet bignet", "EN10MB\tnet deepnet", "EN10MB\tnet mynet mask 255.255.0.0",
        "EN10MB\tnet mynet/16", "EN10MB\tnet nosuchnet", "EN10MB\tip6 net mynet",
        "EN10MB\tether host ethname", "EN10MB\tether src ethname", "EN10MB\tether host nosuchether",
        "EN10MB\tether host gw", "EN10MB\tgateway gw", "EN10MB\tgateway gwtwo", "EN10MB\tgateway multi",
        "EN10MB\tgateway nosuchhost",
        "EN10MB\tip proto fooproto", "EN10MB\tip6 proto fooproto", "EN10MB\tproto fooproto", "EN10MB\tip proto bigproto",
        "EN10MB\tip proto nosuchproto",
        "EN10MB\tport svc", "EN10MB\ttcp port svc", "EN10MB\tudp port svc", "EN10MB\tport svcboth",
        "EN10MB\tudp port tcponly", "EN10MB\ttcp port tcpalias", "EN10MB\tport udponly", "EN10MB\tport www",
        "EN10MB\tportrange svcboth-tcponly", "EN10MB\ttcp portrange domain-svcboth", "EN10MB\tport nosuchsvc",
        "EN10MB\tsrc port domain and host multi",
        "IPV4\thost multi", "IPV4\tport svc", "RAW\tether host ethname", "FDDI\tether host nosuchether", "IEEE802_11\tether src ethname", "RAW\thost v6only", "RAW\tnet mynet", "LINUX_SLL\tgateway gw",
    ];

    [NamespaceOracleFact("head")]
    public void Names_ResolveAsTheHeadResolvesThem() => ResolveAsLibpcap("head");

    [NamespaceOracleFact("1.10")]
    public void Names_ResolveAsLibpcap110ResolvesThem_InThe110Mode() => ResolveAsLibpcap("1.10");

    private static void ResolveAsLibpcap(string mode)
    {
        var library = mode == "head" ? LibpcapBuild.Head : LibpcapBuild.System;
        var dir = Directory.CreateTempSubdirectory("bpf-names-");
        try
        {
            var etc = Path.Combine(dir.FullName, "etc");
            CopyEtc(etc);
            foreach (var (name, text) in s_databases)
                File.WriteAllText(Path.Combine(etc, name), text + "\n");
            var input = Path.Combine(dir.FullName, "in.txt");
            File.WriteAllLines(input, s_lines.Select(l => l.Replace("\t", "\t262144\t", StringComparison.Ordinal)));
            var script = Path.Combine(dir.FullName, "run.sh");
            File.WriteAllText(script, """
                set -e
                mount --bind "$1/etc" /etc
                python3 "$2" --lib "$3" < "$1/in.txt" > "$1/oracle.txt"
                dotnet "$4" compile --batch --libpcap "$5" < "$1/in.txt" > "$1/ours.txt"
                """);
            var info = new ProcessStartInfo("unshare") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var arg in new[] { "--mount", "--propagation", "private", "sh", script, dir.FullName,
                Path.Combine(TestData.RepoRoot, "tests", "scripts", "oracle-compile.py"), library!.File, typeof(Program).Assembly.Location, mode })
                info.ArgumentList.Add(arg);
            using var process = Process.Start(info)!;
            var stderr = process.StandardError.ReadToEndAsync();
            _ = process.StandardOutput.ReadToEndAsync();
            Assert.True(process.WaitForExit(120_000), "the namespace run did not finish in 2 minutes");
            Assert.True(process.ExitCode == 0, $"namespace run failed ({process.ExitCode}): {stderr.Result}");

            var oracle = File.ReadAllLines(Path.Combine(dir.FullName, "oracle.txt"));
            var ours = File.ReadAllLines(Path.Combine(dir.FullName, "ours.txt"));
            Assert.Equal(s_lines.Length, oracle.Length);
            Assert.Equal(s_lines.Length, ours.Length);
            var failures = new List<string>();
            var resolved = 0;
            for (var i = 0; i < s_lines.Length; i++)
            {
                var same = oracle[i].StartsWith("ok\t", StringComparison.Ordinal)
                    ? ours[i] == oracle[i]
                    : ours[i].StartsWith(oracle[i], StringComparison.Ordinal); // our offset and detail may follow
                if (!same)
                    failures.Add($"{s_lines[i]}\n  libpcap: {oracle[i]}\n  ours:    {ours[i]}");
                if (oracle[i].StartsWith("ok\t", StringComparison.Ordinal))
                    resolved++;
            }
            Assert.True(failures.Count == 0, $"{mode}: {failures.Count} of {s_lines.Length} differ:\n{string.Join("\n", failures)}");

            // The databases were really the test's: most names resolve, and not through the machine's files.
            Assert.True(resolved >= s_lines.Length / 2, $"only {resolved} of {s_lines.Length} compiled: were the databases bound?");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    // A copy of the whole of /etc (the dynamic loader's cache, dotnet's and python's configuration),
    // so that binding it over /etc changes only the name databases.
    private static void CopyEtc(string target)
    {
        Directory.CreateDirectory(target);
        using var copy = Process.Start(new ProcessStartInfo("cp", ["-a", "/etc/.", target]) { RedirectStandardError = true })!;
        copy.StandardError.ReadToEnd();
        copy.WaitForExit();
    }
}

/// <summary>Skipped, with the reason, without root, unshare or that mode's libpcap build.</summary>
internal sealed class NamespaceOracleFactAttribute : FactAttribute
{
    public NamespaceOracleFactAttribute(string mode)
    {
        Skip = new RootFactAttribute().Skip
            ?? (File.Exists("/usr/bin/unshare") ? null : "unshare (util-linux) is not installed")
            ?? (mode == "head" ? LibpcapBuild.HeadUnavailableReason : LibpcapBuild.SystemUnavailableReason);
    }
}
