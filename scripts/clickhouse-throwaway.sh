#!/usr/bin/env bash
# Starts or stops a throw-away ClickHouse server on 127.0.0.1 from Debian's clickhouse-server, for the test suite
# and the benchmarks: its own folder (data, logs, config) and its own ports, no password for 'default'.
#   scripts/clickhouse-throwaway.sh start DIR HTTP_PORT   -> prints the connection string on stdout
#   scripts/clickhouse-throwaway.sh stop DIR
# The native TCP port is HTTP_PORT+1 (CityEye speaks HTTP only). As root the server runs as the 'clickhouse' user.
set -euo pipefail

cmd=${1:?start|stop}
dir=${2:?server folder}
server=$(command -v clickhouse-server || echo /usr/sbin/clickhouse-server)

case "$cmd" in
  start)
    port=${3:?http port}
    if [ ! -x "$server" ]; then
      echo "clickhouse-server not found (apt-get install clickhouse-server)" >&2
      exit 1
    fi
    mkdir -p "$dir/data" "$dir/tmp" "$dir/user_files" "$dir/format_schemas" "$dir/log"
    cat >"$dir/config.xml" <<XML
<?xml version="1.0"?>
<yandex>
    <logger><level>warning</level><log>$dir/log/server.log</log><errorlog>$dir/log/error.log</errorlog><console>0</console></logger>
    <http_port>$port</http_port>
    <tcp_port>$((port + 1))</tcp_port>
    <listen_host>127.0.0.1</listen_host>
    <path>$dir/data/</path>
    <tmp_path>$dir/tmp/</tmp_path>
    <user_files_path>$dir/user_files/</user_files_path>
    <format_schema_path>$dir/format_schemas/</format_schema_path>
    <users_config>$dir/users.xml</users_config>
    <default_profile>default</default_profile>
    <default_database>default</default_database>
    <mark_cache_size>268435456</mark_cache_size>
    <max_concurrent_queries>100</max_concurrent_queries>
</yandex>
XML
    cat >"$dir/users.xml" <<XML
<?xml version="1.0"?>
<yandex>
    <profiles><default><max_memory_usage>4000000000</max_memory_usage></default></profiles>
    <users><default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></default></users>
    <quotas><default></default></quotas>
</yandex>
XML
    run=()
    if [ "$(id -u)" = 0 ] && id clickhouse >/dev/null 2>&1; then
      chown -R clickhouse "$dir"
      run=(runuser -u clickhouse --)
    fi
    setsid "${run[@]}" "$server" --config-file="$dir/config.xml" >"$dir/log/stdout.log" 2>&1 &
    echo $! >"$dir/pid"
    for _ in $(seq 1 300); do
      if curl -sf "http://127.0.0.1:$port/ping" >/dev/null 2>&1; then
        echo "Host=127.0.0.1;Port=$port;Protocol=http;Username=default;Password=;Database=default"
        exit 0
      fi
      sleep 0.1
    done
    cat "$dir/log/error.log" "$dir/log/stdout.log" >&2 2>/dev/null || true
    exit 1
    ;;
  stop)
    if [ -f "$dir/pid" ]; then
      pkill -KILL -s "$(cat "$dir/pid")" 2>/dev/null || kill -9 "$(cat "$dir/pid")" 2>/dev/null || true
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start DIR HTTP_PORT | stop DIR" >&2
    exit 2
    ;;
esac
