using System.CommandLine;
using Bpf.Vm;
using Capture.Npcap;

namespace Bpf.Cli.Commands;

/// <summary><c>bpf devices</c>: the capture devices, like <c>tcpdump -D</c> with addresses and link types.</summary>
internal sealed class DevicesCommand : IVerb
{
    public Command Definition { get; } = new("devices", "Lists the capture devices with their flags, link type and addresses, like tcpdump -D.");

    public int Run(ParseResult parse, CliContext context)
    {
        var number = 0;
        foreach (var device in LiveDevices.List())
        {
            var flags = new List<string>();
            if (device.IsLoopback)
                flags.Add("loopback");
            flags.Add(device.IsUp ? "up" : "down");
            if (device.IsRunning)
                flags.Add("running");
            var linkType = device.LinkType is { } lt ? LinkTypes.Name(lt) : "?";
            var description = device.Description.Length > 0 ? $" ({device.Description})" : "";
            context.Out.WriteLine($"{++number}.{device.Name}{description} [{string.Join(", ", flags)}] link-type {linkType}");
            foreach (var address in device.Addresses)
                if (address.ToString() is { Length: > 0 } text)
                    context.Out.WriteLine($"    {text}");
        }
        return Program.ExitOk;
    }
}
