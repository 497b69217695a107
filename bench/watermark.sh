#!/usr/bin/env bash
# Covert watermark decode rate (SC-2) over 200 marked images per distortion: screenshot, crop of a quarter, 50 % scale,
# JPEG quality 50 and a simulated phone photo of the screen. Host images are real pictures from Debian's opencv-doc:
# frames of its two videos (street pedestrians, an animation) and its still photos, at 640x360 like a camera snapshot.
# Usage: bench/watermark.sh [--count N] [--seed S]   (needs ffmpeg and opencv-doc: apt-get install ffmpeg opencv-doc)
set -euo pipefail
cd "$(dirname "$0")/.."
data=/usr/share/doc/opencv-doc/examples/data
for need in ffmpeg; do command -v "$need" >/dev/null || { echo "bench/watermark.sh needs $need (apt-get install ffmpeg)" >&2; exit 1; }; done
[ -f "$data/vtest.avi" ] || { echo "bench/watermark.sh needs Debian's opencv-doc (apt-get install opencv-doc)" >&2; exit 1; }
hosts=$(mktemp -d /tmp/cityeye-watermark-hosts.XXXXXX)
trap 'rm -rf "$hosts"' EXIT
ffmpeg -hide_banner -loglevel error -i "$data/vtest.avi" -vf "select=not(mod(n\,10)),scale=640:360" -fps_mode vfr -frames:v 60 "$hosts/vtest%03d.png"
ffmpeg -hide_banner -loglevel error -i "$data/Megamind.avi" -vf "select=not(mod(n\,6)),scale=640:360" -fps_mode vfr -frames:v 40 "$hosts/megamind%03d.png"
for photo in aero1 aero3 baboon building butterfly fruits home lena leuvenA leuvenB messi5 orange pic1 pic3 pic5 starry_night HappyFish board apple graf1; do
  for f in "$data/$photo".jpg "$data/$photo".png; do
    [ -f "$f" ] && ffmpeg -hide_banner -loglevel error -i "$f" -vf "scale=640:360" "$hosts/photo-$photo.png"
  done
done
dotnet build bench/WatermarkBench -c Release -v quiet -nologo >/dev/null
dotnet artifacts/bin/WatermarkBench/release/WatermarkBench.dll "$hosts" "$@"
