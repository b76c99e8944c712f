using Capture.Npcap;

using Bpf.Vm;

namespace Bpf.Cli.Commands;

/// <summary><c>bpf devices</c>: the capture devices, like <c>tcpdump -D</c> with addresses and link types.</summary>
internal sealed class DevicesCommand : ICommand
{
    public string Name => "devices";

    public string Usage => "devices";

    public int Run(IReadOnlyList<string> args, CliContext context)
    {
        var reader = new ArgumentReader(args, [], []);
        if (reader.Operands.Count != 0)
            throw new UsageException("takes no arguments");
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
