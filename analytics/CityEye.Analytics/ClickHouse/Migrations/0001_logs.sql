-- Operation, service-call and security log (UM-8, UM-9). 18.16 has no DateTime64: times are epoch milliseconds plus
-- the UTC day, which is the partition that retention drops (18.16 has no TTL). Sorted by user and time, the order of
-- the common search.
CREATE TABLE IF NOT EXISTS log_entries (
    seq                 UInt64,
    at_ms               UInt64,
    day                 Date,
    kind                String,
    user_id             Int64,
    username            String,
    organisation_id     Int64,
    organisation_name   String,
    client_ip           String,
    module              String,
    operation           String,
    data_type           String,
    device_code         String,
    device_name         String,
    system_name         String,
    service_category    String,
    service_subcategory String,
    service_name        String,
    method              String,
    path                String,
    status              Int32,
    duration_ms         Int32,
    detail              String,
    hash                String
) ENGINE = MergeTree() PARTITION BY day ORDER BY (username, at_ms, seq)
