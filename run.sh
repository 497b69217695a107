#!/usr/bin/env bash
# CityEye: build what is missing or stale and serve UI + API on http://127.0.0.1:5080.
#   ./run.sh                                   seeds the Qingpu demo district into ./data on first run
#   ./run.sh --urls http://127.0.0.1:5099 --CityEye:DataDir=/tmp/x   (extra arguments are ASP.NET Core configuration)
#   ./run.sh --build-only                      build and stop
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$root"

build_only=false
args=()
for arg in "$@"; do
  if [ "$arg" = "--build-only" ]; then build_only=true; else args+=("$arg"); fi
done

say() { printf '[run.sh] %s\n' "$*" >&2; }

# 0. System packages the default configuration needs: libgomp1 (OpenMP, used by the embedded vector index's native
#    library); ffmpeg, opencv-doc (its sample photos and the street video vtest.avi) and fonts-noto-cjk (rendered
#    Chinese plates) for the demo captures. Installed with apt-get when root; otherwise one line names them.
missing=()
for pkg in libgomp1 ffmpeg opencv-doc fonts-noto-cjk; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    say "installing ${missing[*]} (apt-get)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
      || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }
  else
    say "missing Debian packages: ${missing[*]} (sudo apt-get install ${missing[*]})"
  fi
fi

# 1. The SPA: install packages when the lock file changed, build when dist is missing or older than a source.
if [ ! -d frontend/node_modules ] || [ frontend/package-lock.json -nt frontend/node_modules/.package-lock.json ]; then
  say "installing front-end packages (npm ci)"
  (cd frontend && npm ci --no-audit --no-fund --loglevel=error)
fi
if [ ! -f frontend/dist/index.html ] || [ -n "$(find frontend/src frontend/public frontend/index.html frontend/package.json frontend/vite.config.ts -newer frontend/dist/index.html -print -quit)" ]; then
  say "building the SPA (frontend/dist)"
  (cd frontend && npm run build --silent >/dev/null)
fi

# 1b. The model service (Node; the face and object models ship in its npm packages; the API starts and supervises it).
if [ ! -d vision/model-service/node_modules ] || [ vision/model-service/package-lock.json -nt vision/model-service/node_modules/.package-lock.json ]; then
  say "installing the model service's packages and models (npm ci in vision/model-service)"
  (cd vision/model-service && npm ci --no-audit --no-fund --loglevel=error)
fi

# 2. The API (restores NuGet packages on first run; incremental afterwards).
say "building the API (Release)"
dotnet build api/CityEye.Api/CityEye.Api.csproj -c Release --nologo -v quiet -clp:ErrorsOnly
out="$root/artifacts/bin/CityEye.Api/release"

# 2b. Sign the release: a manifest of every shipped file (SM3) with a PKCS#7 signature by the release-signing key,
# which the node checks at start-up (Crypto:Executables). The key is made once, outside the repository and the data.
signing="${CITYEYE_RELEASE_SIGNING:-$HOME/.config/cityeye/release-signing}"
if [ ! -f "$signing/release.key" ]; then
  say "creating the release-signing key ($signing)"
  dotnet "$out/CityEye.Api.dll" release key "$signing" >/dev/null
fi
dotnet "$out/CityEye.Api.dll" release sign --key "$signing/release.key" --certificate "$signing/release.crt" --app "$out" --spa "$root/frontend/dist" \
  | sed 's/^release: /[run.sh] /'

if $build_only; then
  say "built: $out/CityEye.Api.dll and frontend/dist"
  exit 0
fi

# 3. Serve. Defaults first; the caller's arguments come last and win.
mkdir -p "$root/data"
say "starting CityEye on http://127.0.0.1:5080 (unless --urls says otherwise); Ctrl+C stops it"
exec dotnet "$out/CityEye.Api.dll" \
  --contentRoot "$out" \
  --urls http://127.0.0.1:5080 \
  --CityEye:DataDir="$root/data" \
  --CityEye:SpaRoot="$root/frontend/dist" \
  --Crypto:Executables:Signer="$signing/release.crt" \
  "${args[@]}"
