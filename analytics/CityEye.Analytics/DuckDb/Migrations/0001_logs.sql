-- Operation, service-call and security log (UM-8, UM-9). Times are epoch milliseconds (UTC) plus the UTC day, which
-- retention drops whole.
CREATE TABLE IF NOT EXISTS log_entries (
    seq                 BIGINT NOT NULL,
    at_ms               BIGINT NOT NULL,
    day                 DATE NOT NULL,
    kind                VARCHAR NOT NULL,
    user_id             BIGINT NOT NULL,
    username            VARCHAR NOT NULL,
    organisation_id     BIGINT NOT NULL,
    organisation_name   VARCHAR NOT NULL,
    client_ip           VARCHAR NOT NULL,
    module              VARCHAR NOT NULL,
    operation           VARCHAR NOT NULL,
    data_type           VARCHAR NOT NULL,
    device_code         VARCHAR NOT NULL,
    device_name         VARCHAR NOT NULL,
    system_name         VARCHAR NOT NULL,
    service_category    VARCHAR NOT NULL,
    service_subcategory VARCHAR NOT NULL,
    service_name        VARCHAR NOT NULL,
    method              VARCHAR NOT NULL,
    path                VARCHAR NOT NULL,
    status              INTEGER NOT NULL,
    duration_ms         INTEGER NOT NULL,
    detail              VARCHAR NOT NULL,
    hash                VARCHAR NOT NULL
);
