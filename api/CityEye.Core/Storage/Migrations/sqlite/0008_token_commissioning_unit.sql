-- Service-call log (UM-9): the commissioning unit (委办单位) of the system an API token belongs to.
ALTER TABLE api_tokens ADD COLUMN commissioning_unit TEXT NULL;
