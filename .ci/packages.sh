#!/usr/bin/env bash
# Packages (issue 17): `dotnet pack Bpf.sln -c Release -o artifacts` as the README says, then
#  - one .nupkg and one .snupkg per project under src/, nothing else (tests, benchmarks, fuzz: none);
#  - every .nuspec carries the version from Directory.Build.props, a description, tags, the license
#    expression, its README and the repository commit;
#  - the tool: `dotnet tool install --tool-path TMP --add-source artifacts Bpf.Cli --version V`, then
#    `bpf --version` and one filter over a corpus capture, counted against tcpdump;
#  - SourceLink: Bpf.Vm packed again in a clone whose origin is a GitHub url must name that url in its
#    .nuspec and map its pdb's sources to raw.githubusercontent.com at the commit (works offline: the
#    SDK's own SourceLink).
# Usage: .ci/packages.sh [ARTIFACTS_DIR]   (default: a temporary directory, removed at the end)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
artifacts=${1:-$work/artifacts}
fail() { echo "packages: $*" >&2; exit 1; }

version=$(sed -n 's:.*<VersionPrefix>\(.*\)</VersionPrefix>.*:\1:p' Directory.Build.props)
[ -n "$version" ] || fail "no VersionPrefix in Directory.Build.props"

start=$(date +%s)
dotnet pack Bpf.sln -c Release -o "$artifacts" -v q -nologo >"$work/pack.log" 2>&1 || { tail -n 30 "$work/pack.log" >&2; fail "dotnet pack failed"; }
echo "packages: dotnet pack Bpf.sln took $(( $(date +%s) - start )) s"

# One package and one symbol package per src project, named as the project's PackageId.
expected=$(for p in src/*/*.csproj; do n=$(basename "$p" .csproj); id=$(sed -n 's:.*<PackageId>\(.*\)</PackageId>.*:\1:p' "$p"); echo "${id:-$n}"; done | sort)
actual=$(cd "$artifacts" && ls *.nupkg | sed "s/\.$version\.nupkg\$//" | sort)
[ "$expected" = "$actual" ] || fail "packages differ from src/ projects: expected [$(echo $expected)], got [$(echo $actual)]"
for id in $expected; do
  [ -f "$artifacts/$id.$version.snupkg" ] || fail "$id has no symbol package"
done

python3 - "$artifacts" "$version" <<'EOF'
import sys, zipfile, glob, os, xml.etree.ElementTree as ET
artifacts, version = sys.argv[1], sys.argv[2]
problems = []
for path in sorted(glob.glob(os.path.join(artifacts, '*.nupkg'))):
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        nuspec = ET.fromstring(z.read(next(n for n in names if n.endswith('.nuspec'))))
        # The schema version (and so the namespace) depends on the features a package uses.
        ns = {'n': nuspec.tag[1:nuspec.tag.index('}')]}
        meta = nuspec.find('n:metadata', ns)
        get = lambda tag: (meta.findtext('n:' + tag, default='', namespaces=ns) or '').strip()
        pid = get('id')
        def need(ok, what):
            if not ok: problems.append(f'{pid or path}: {what}')
        need(get('version') == version, f'version {get("version")!r}, not {version}')
        need(len(get('description')) > 20, 'no description')
        need('bpf' in get('tags').split(), 'no tags')
        lic = meta.find('n:license', ns)
        need(lic is not None and lic.get('type') == 'expression' and lic.text, 'no license expression')
        need(get('readme') in names, 'README not in the package')
        repo = meta.find('n:repository', ns)
        need(repo is not None and len(repo.get('commit', '')) == 40, 'no repository commit')
        dlls = [n for n in names if n.endswith('.dll')]
        need(dlls, 'no assembly')
        if pid == 'Bpf.Cli':
            settings = [n for n in names if n.endswith('DotnetToolSettings.xml')]
            need(settings, 'not a dotnet tool')
            if settings:
                command = ET.fromstring(z.read(settings[0])).find('.//Command')
                need(command is not None and command.get('Name') == 'bpf', 'tool command is not bpf')
        print(f'packages: {os.path.basename(path)} {os.path.getsize(path)} bytes, symbols {os.path.getsize(path[:-6] + ".snupkg")} bytes')
if problems:
    print('packages: ' + '; '.join(problems), file=sys.stderr)
    sys.exit(1)
EOF

# The tool, installed as a user would, from these packages only.
dotnet tool install --tool-path "$work/tools" --add-source "$artifacts" Bpf.Cli --version "$version" >"$work/install.log" 2>&1 \
  || { cat "$work/install.log" >&2; fail "dotnet tool install failed"; }
cat "$work/install.log"
bpf_version=$("$work/tools/bpf" --version)
echo "packages: bpf --version: $bpf_version"
case "$bpf_version" in "$version"|"$version+"*) ;; *) fail "bpf --version says '$bpf_version', the package is $version";; esac
capture=tests/data/corpus/EN10MB.pcap
count=$("$work/tools/bpf" filter -r "$capture" --count udp port 53)
echo "packages: bpf filter -r $capture --count udp port 53: $count"
if command -v tcpdump >/dev/null; then
  reference=$(tcpdump -r "$capture" udp port 53 2>/dev/null | wc -l)
  [ "$count" = "$reference" ] || fail "the installed tool counts $count, tcpdump $reference"
fi
[ "$count" -gt 0 ] || fail "the installed tool accepted nothing"

# SourceLink, offline: a clone of this commit with a GitHub origin, one library packed.
git clone -q --no-hardlinks "$root" "$work/clone"
git -C "$work/clone" remote set-url origin https://github.com/bpf-sourcelink-check/bpf.git
commit=$(git -C "$work/clone" rev-parse HEAD)
(cd "$work/clone" && CI=true dotnet pack src/Bpf.Vm -c Release -o "$work/sourcelink" -v q -nologo >"$work/sourcelink.log" 2>&1) \
  || { tail -n 30 "$work/sourcelink.log" >&2; fail "pack in the clone failed"; }
python3 - "$work/sourcelink" "$version" "$commit" <<'EOF'
import sys, zipfile
folder, version, commit = sys.argv[1:]
with zipfile.ZipFile(f'{folder}/Bpf.Vm.{version}.nupkg') as z:
    nuspec = z.read('Bpf.Vm.nuspec').decode()
with zipfile.ZipFile(f'{folder}/Bpf.Vm.{version}.snupkg') as z:
    pdb = z.read('lib/net10.0/Bpf.Vm.pdb')
if 'url="https://github.com/bpf-sourcelink-check/bpf.git"' not in nuspec or f'commit="{commit}"' not in nuspec:
    sys.exit('packages: the .nuspec does not name the repository url and commit')
if f'{{"documents":{{"/_/*":"https://raw.githubusercontent.com/bpf-sourcelink-check/bpf/{commit}/*"}}}}'.encode() not in pdb:
    sys.exit('packages: the pdb has no SourceLink map to the commit')
EOF
echo "packages: SourceLink maps /_/* to https://raw.githubusercontent.com/bpf-sourcelink-check/bpf/$commit/*"
echo "packages: ok ($(( $(date +%s) - start )) s)"
