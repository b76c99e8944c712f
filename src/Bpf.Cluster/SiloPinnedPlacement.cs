using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace Bpf.Cluster;

/// <summary>
/// Places a grain keyed <c>SILO/anything</c> on the silo <c>SILO</c> (a
/// <see cref="SiloAddress.ToParsableString"/>), and fails the call when that silo is not an active
/// member: the client then knows the silo is gone and gives the item to another one. Orleans' own
/// strategies pick a silo by chance or by load statistics that lag a short job; pinning lets the
/// client keep every silo exactly as busy as it asks.
/// </summary>
[GenerateSerializer, Immutable, SuppressReferenceTracking]
public sealed class SiloPinnedPlacement : PlacementStrategy
{
    internal static readonly SiloPinnedPlacement Instance = new();

    /// <summary>The grain key for slot <paramref name="slot"/> on <paramref name="silo"/>.</summary>
    public static string Key(SiloAddress silo, int slot) => $"{silo.ToParsableString()}/{slot}";

    /// <summary>The silo a key names.</summary>
    /// <exception cref="FormatException">Not a key made by <see cref="Key"/>.</exception>
    public static SiloAddress SiloOf(string key)
    {
        var slash = key.LastIndexOf('/');
        return slash > 0 ? SiloAddress.FromParsableString(key[..slash]) : throw new FormatException($"not a pinned grain key: {key}");
    }
}

/// <summary>Marks a grain class as placed by <see cref="SiloPinnedPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class SiloPinnedPlacementAttribute() : PlacementAttribute(SiloPinnedPlacement.Instance);

/// <summary>The director for <see cref="SiloPinnedPlacement"/>.</summary>
internal sealed class SiloPinnedPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var silo = SiloPinnedPlacement.SiloOf(target.GrainIdentity.Key.ToString()!);
        foreach (var candidate in context.GetCompatibleSilos(target))
            if (candidate.Equals(silo))
                return Task.FromResult(silo);
        throw new SiloUnavailableException($"silo {silo} is not an active member of the cluster");
    }
}
