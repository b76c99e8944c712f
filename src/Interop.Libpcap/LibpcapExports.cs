using System.Runtime.InteropServices;
using Bpf.Vm;

namespace Interop.Libpcap;

/// <summary>
/// The same entry points as <see cref="LibpcapNative"/>, bound to one library handle through its
/// exports. This is what lets two libpcap builds live in one process (the tests' oracles: the system's
/// 1.10 and the development head, loaded by path): <c>[LibraryImport]</c> binds a name to one library
/// per assembly, while <see cref="NativeLibrary.Load(string)"/> opens each build RTLD_LOCAL and these
/// pointers reach only that build's functions. Signatures match <see cref="LibpcapNative"/>'s.
/// </summary>
public sealed unsafe class LibpcapExports
{
    private LibpcapExports(IntPtr handle, string file)
    {
        File = file;
        pcap_lib_version = (delegate* unmanaged<IntPtr>)NativeLibrary.GetExport(handle, "pcap_lib_version");
        bpf_filter = (delegate* unmanaged<Instruction*, byte*, uint, uint, uint>)NativeLibrary.GetExport(handle, "bpf_filter");
        bpf_validate = (delegate* unmanaged<Instruction*, int, int>)NativeLibrary.GetExport(handle, "bpf_validate");
        bpf_image = (delegate* unmanaged<Instruction*, int, IntPtr>)NativeLibrary.GetExport(handle, "bpf_image");
        pcap_compile = (delegate* unmanaged<IntPtr, BpfProgramNative*, byte*, int, uint, int>)NativeLibrary.GetExport(handle, "pcap_compile");
        pcap_freecode = (delegate* unmanaged<BpfProgramNative*, void>)NativeLibrary.GetExport(handle, "pcap_freecode");
        pcap_open_dead = (delegate* unmanaged<int, int, IntPtr>)NativeLibrary.GetExport(handle, "pcap_open_dead");
        pcap_open_offline_with_tstamp_precision = (delegate* unmanaged<byte*, uint, byte*, IntPtr>)NativeLibrary.GetExport(handle, "pcap_open_offline_with_tstamp_precision");
        pcap_close = (delegate* unmanaged<IntPtr, void>)NativeLibrary.GetExport(handle, "pcap_close");
        pcap_geterr = (delegate* unmanaged<IntPtr, IntPtr>)NativeLibrary.GetExport(handle, "pcap_geterr");
        pcap_next_ex = (delegate* unmanaged<IntPtr, PcapPacketHeader**, byte**, int>)NativeLibrary.GetExport(handle, "pcap_next_ex");
        pcap_datalink = (delegate* unmanaged<IntPtr, int>)NativeLibrary.GetExport(handle, "pcap_datalink");
        pcap_snapshot = (delegate* unmanaged<IntPtr, int>)NativeLibrary.GetExport(handle, "pcap_snapshot");
        pcap_is_swapped = (delegate* unmanaged<IntPtr, int>)NativeLibrary.GetExport(handle, "pcap_is_swapped");
        Version = Marshal.PtrToStringAnsi(pcap_lib_version()) ?? "";
    }

    /// <summary>The file the build was loaded from.</summary>
    public string File { get; }

    /// <summary>Its <c>pcap_lib_version()</c>.</summary>
    public string Version { get; }

#pragma warning disable IDE1006, CA1707 // C names, as in pcap.h
    /// <summary><c>pcap_lib_version</c>.</summary>
    public readonly delegate* unmanaged<IntPtr> pcap_lib_version;
    /// <summary><c>bpf_filter</c>.</summary>
    public readonly delegate* unmanaged<Instruction*, byte*, uint, uint, uint> bpf_filter;
    /// <summary><c>bpf_validate</c>.</summary>
    public readonly delegate* unmanaged<Instruction*, int, int> bpf_validate;
    /// <summary><c>bpf_image</c>.</summary>
    public readonly delegate* unmanaged<Instruction*, int, IntPtr> bpf_image;
    /// <summary><c>pcap_compile</c>.</summary>
    public readonly delegate* unmanaged<IntPtr, BpfProgramNative*, byte*, int, uint, int> pcap_compile;
    /// <summary><c>pcap_freecode</c>.</summary>
    public readonly delegate* unmanaged<BpfProgramNative*, void> pcap_freecode;
    /// <summary><c>pcap_open_dead</c>.</summary>
    public readonly delegate* unmanaged<int, int, IntPtr> pcap_open_dead;
    /// <summary><c>pcap_open_offline_with_tstamp_precision</c>.</summary>
    public readonly delegate* unmanaged<byte*, uint, byte*, IntPtr> pcap_open_offline_with_tstamp_precision;
    /// <summary><c>pcap_close</c>.</summary>
    public readonly delegate* unmanaged<IntPtr, void> pcap_close;
    /// <summary><c>pcap_geterr</c>.</summary>
    public readonly delegate* unmanaged<IntPtr, IntPtr> pcap_geterr;
    /// <summary><c>pcap_next_ex</c>.</summary>
    public readonly delegate* unmanaged<IntPtr, PcapPacketHeader**, byte**, int> pcap_next_ex;
    /// <summary><c>pcap_datalink</c>.</summary>
    public readonly delegate* unmanaged<IntPtr, int> pcap_datalink;
    /// <summary><c>pcap_snapshot</c>.</summary>
    public readonly delegate* unmanaged<IntPtr, int> pcap_snapshot;
    /// <summary><c>pcap_is_swapped</c>.</summary>
    public readonly delegate* unmanaged<IntPtr, int> pcap_is_swapped;
#pragma warning restore IDE1006, CA1707

    /// <summary>
    /// The library <see cref="LibpcapNative"/> calls (found by <see cref="LibpcapLibrary"/>), or null
    /// when libpcap is not installed.
    /// </summary>
    public static LibpcapExports? Default => LibpcapLibrary.IsAvailable ? new(LibpcapLibrary.Handle, LibpcapLibrary.File!) : null;

    /// <summary>Loads the build at <paramref name="path"/> (RTLD_LOCAL), or returns null with the reason.</summary>
    public static LibpcapExports? Load(string path, out string? reason)
    {
        if (!System.IO.File.Exists(path))
        {
            reason = $"{path} does not exist";
            return null;
        }
        if (!NativeLibrary.TryLoad(path, out var handle))
        {
            reason = $"cannot load {path}";
            return null;
        }
        try
        {
            reason = null;
            return new LibpcapExports(handle, path);
        }
        catch (EntryPointNotFoundException e)
        {
            reason = $"{path} is not a libpcap: {e.Message}";
            return null;
        }
    }
}
