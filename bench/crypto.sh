#!/usr/bin/env bash
# National cryptography throughput (CR-1 to CR-3) on one core: SM2 sign and verify per second, SM3, HMAC-SM3 and SM4
# (GCM; CBC + HMAC-SM3 as stored data uses it) in MB/s, CityEye's service (BouncyCastle 2.7.0, managed code) against
# `openssl speed` (Debian's OpenSSL 3, assembly-optimised) on the same machine in the same run, with the ratios.
# OpenSSL 3.0 has no SM4-GCM, so SM4 is compared in CBC mode (openssl -evp sm4-cbc, 16 KiB blocks).
# Usage: bench/crypto.sh [--runs N] [--seconds S]   (median of N runs of S seconds each; default 3 x 2 s)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=3 seconds=2
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    *) echo "usage: bench/crypto.sh [--runs N] [--seconds S]" >&2; exit 2 ;;
  esac
done
command -v openssl >/dev/null || { echo "bench/crypto.sh needs openssl (apt-get install openssl)" >&2; exit 1; }
dotnet build bench/CryptoBench -c Release -v quiet -nologo >/dev/null
ours=$(dotnet artifacts/bin/CryptoBench/release/CryptoBench.dll --runs "$runs" --seconds "$seconds")

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
# openssl speed, one process, one core: the median of the runs.
sm2_sign=() sm2_verify=() sm3=() sm4=()
for _ in $(seq "$runs"); do
  line=$(openssl speed -seconds "$seconds" sm2 2>/dev/null | awk '/SM2 \(CurveSM2\)/ { print $(NF-1), $NF }')
  sm2_sign+=("${line% *}"); sm2_verify+=("${line#* }")
  sm3+=("$(openssl speed -seconds "$seconds" -bytes 16384 -evp sm3 2>/dev/null | awk '$1 == "sm3" { sub(/k$/, "", $2); print $2 / 1000 }')")
  sm4+=("$(openssl speed -seconds "$seconds" -bytes 16384 -evp sm4-cbc 2>/dev/null | awk '$1 == "sm4-cbc" || $1 == "SM4-CBC" { sub(/k$/, "", $2); print $2 / 1000 }')")
done
peer_sign=$(printf '%s\n' "${sm2_sign[@]}" | median)
peer_verify=$(printf '%s\n' "${sm2_verify[@]}" | median)
peer_sm3=$(printf '%s\n' "${sm3[@]}" | median)
peer_sm4=$(printf '%s\n' "${sm4[@]}" | median)
value() { awk -v n="$1" '$1 == n { print $2 }' <<<"$ours"; }

echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo); $(openssl version | cut -d' ' -f1-2); median of $runs runs x ${seconds} s, one core"
printf '%-22s %14s %14s %10s\n' "figure" "CityEye" "OpenSSL" "ratio"
row() { printf '%-22s %14s %14s %10s\n' "$1" "$2" "$3" "$(awk -v a="$2" -v b="$3" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')"; }
row "SM2 sign (ops/s)" "$(value sm2-sign)" "$peer_sign"
row "SM2 verify (ops/s)" "$(value sm2-verify)" "$peer_verify"
row "SM3 (MB/s)" "$(value sm3)" "$peer_sm3"
row "HMAC-SM3 (MB/s)" "$(value hmac-sm3)" "-"
row "SM4-GCM (MB/s)" "$(value sm4-gcm)" "-"
row "SM4-CBC+HMAC (MB/s)" "$(value sm4-cbc+hmac-sm3)" "$peer_sm4"
echo "(OpenSSL 3.0 has no SM4-GCM; its SM4 figure is plain SM4-CBC, without the HMAC-SM3 the node adds. Ratio = CityEye / OpenSSL.)"
