using CityEye.Core.Geo;
using CityEye.Core.Storage;
using Dapper;

namespace CityEye.Core.Devices.Rules;

/// <summary>
/// The ledger's reference data in the store: dictionaries, field definitions and field rules. Holds a compiled
/// <see cref="FieldRuleSet"/> that every write path uses, rebuilt whenever rules or dictionaries change.
/// </summary>
public sealed class LedgerCatalog(Database database, TimeProvider time)
{
    private volatile FieldRuleSet? _ruleSet;
    private volatile IReadOnlyList<FieldDefinition>? _fields;

    /// <summary>Writes the default dictionaries and rules that are missing (idempotent; run at start).</summary>
    public async Task EnsureDefaultsAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await database.InTransactionAsync(async (connection, transaction) =>
        {
            foreach (var item in LedgerCatalogDefaults.Dictionaries)
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    """
                    INSERT INTO dictionary_items (dictionary, code, label, label_en, sort, enabled, source)
                    VALUES (@Dictionary, @Code, @Label, @LabelEn, @Sort, @Enabled, @Source)
                    ON CONFLICT (dictionary, code) DO NOTHING
                    """,
                    item,
                    transaction,
                    cancellationToken: cancellationToken));
            }

            foreach (var field in DeviceFields.BuiltIn.Concat(LedgerCatalogDefaults.Fields))
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    """
                    INSERT INTO device_fields (key, label, label_en, section, data_type, dictionary, built_in, sort, source, created_at)
                    VALUES (@Key, @Label, @LabelEn, @Section, @DataType, @Dictionary, @BuiltIn, @Sort, @Source, @now)
                    ON CONFLICT (key) DO NOTHING
                    """,
                    new { field.Key, field.Label, field.LabelEn, field.Section, field.DataType, field.Dictionary, field.BuiltIn, field.Sort, field.Source, now },
                    transaction,
                    cancellationToken: cancellationToken));
            }

            foreach (var rule in LedgerCatalogDefaults.Rules)
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    """
                    INSERT INTO device_rules (id, field, kind, parameters, category, blocking, enabled, description, updated_at, updated_by)
                    VALUES (@Id, @Field, @Kind, @Parameters, @Category, @Blocking, @Enabled, @Description, @now, NULL)
                    ON CONFLICT (id) DO NOTHING
                    """,
                    new { rule.Id, rule.Field, rule.Kind, rule.Parameters, rule.Category, rule.Blocking, rule.Enabled, rule.Description, now },
                    transaction,
                    cancellationToken: cancellationToken));
            }

            return 0;
        }, cancellationToken);
        Invalidate();
    }

    /// <summary>The compiled enabled rules with their dictionaries (cached until a rule or dictionary changes).</summary>
    public async Task<FieldRuleSet> GetRuleSetAsync(CancellationToken cancellationToken)
    {
        if (_ruleSet is { } cached)
        {
            return cached;
        }

        // Two callers may build the set at once after an edit; both results are equal, one wins.
        {
            var rules = await ListRulesAsync(cancellationToken);
            var items = await ListDictionaryItemsAsync(null, cancellationToken);
            var dictionaries = items.Where(i => i.Enabled)
                .GroupBy(i => i.Dictionary, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => (IReadOnlySet<string>)g.Select(i => i.Code).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
            var set = new FieldRuleSet(rules, dictionaries, QingpuBoundary.Instance, DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime.AddHours(8)));
            _ruleSet = set;
            return set;
        }
    }

    public async Task<IReadOnlyList<FieldRule>> ListRulesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<FieldRule>(new CommandDefinition(
            "SELECT id, field, kind, parameters, category, blocking, enabled, description, updated_at, updated_by FROM device_rules ORDER BY field, id",
            cancellationToken: cancellationToken));
        return rows.ToList();
    }

    /// <summary>Changes a rule's switch, blocking flag, parameters or description; null when there is no such rule.</summary>
    public async Task<FieldRule?> UpdateRuleAsync(string id, bool enabled, bool blocking, string? parameters, string description, string actor, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var changed = await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE device_rules SET enabled = @enabled, blocking = @blocking, parameters = @parameters, description = @description,
                                    updated_at = @now, updated_by = @actor
            WHERE id = @id
            """,
            new { id, enabled, blocking, parameters, description, now, actor },
            cancellationToken: cancellationToken));
        Invalidate();
        return changed == 0 ? null : (await ListRulesAsync(cancellationToken)).FirstOrDefault(r => r.Id == id);
    }

    public async Task<IReadOnlyList<DictionaryItem>> ListDictionaryItemsAsync(string? dictionary, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<DictionaryItem>(new CommandDefinition(
            $"""
            SELECT dictionary, code, label, label_en, sort, enabled, source FROM dictionary_items
            {(dictionary is null ? string.Empty : "WHERE dictionary = @dictionary")}
            ORDER BY dictionary, sort, code
            """,
            new { dictionary },
            cancellationToken: cancellationToken));
        return rows.ToList();
    }

    /// <summary>Every field of the device file, built-in and extended, in display order (cached).</summary>
    public async Task<IReadOnlyList<FieldDefinition>> ListFieldsAsync(CancellationToken cancellationToken)
    {
        if (_fields is { } cached)
        {
            return cached;
        }

        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<FieldDefinition>(new CommandDefinition(
            "SELECT key, label, label_en, section, data_type, dictionary, built_in, sort, source FROM device_fields ORDER BY sort, key",
            cancellationToken: cancellationToken))).ToList();
        _fields = rows;
        return rows;
    }

    /// <summary>Keys of the extended (non-built-in) fields.</summary>
    public async Task<IReadOnlySet<string>> ExtendedKeysAsync(CancellationToken cancellationToken) =>
        (await ListFieldsAsync(cancellationToken)).Where(f => !f.BuiltIn).Select(f => f.Key).ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// Applies the city archive centre's dictionaries and field definitions (AR-10) in one transaction: dictionary
    /// values are added or relabelled, extended fields added or relabelled, and each dictionary field gets a blocking
    /// dictionary rule (and a required rule, audit-only unless the document says required). Call
    /// <see cref="CityDictionaryDocument.Check"/> first.
    /// </summary>
    public async Task<CityDictionaryResult> ApplyCityDictionaryAsync(CityDictionaryDocument document, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        var now = time.GetUtcNow();
        var source = "city:" + document.Version;
        var result = await database.InTransactionAsync(async (connection, transaction) =>
        {
            int itemsAdded = 0, itemsUpdated = 0, fieldsAdded = 0, fieldsUpdated = 0, rulesAdded = 0;
            var sort = await connection.ExecuteScalarAsync<int>(new CommandDefinition("SELECT COALESCE(MAX(sort), 0) FROM device_fields", transaction: transaction, cancellationToken: cancellationToken));
            foreach (var (item, index) in document.Dictionaries.Select((item, index) => (item, index)))
            {
                var updated = await connection.ExecuteAsync(new CommandDefinition(
                    "UPDATE dictionary_items SET label = @Label, label_en = @LabelEn, enabled = @Enabled, source = @source WHERE dictionary = @Dictionary AND code = @Code",
                    new { item.Label, item.LabelEn, item.Enabled, source, item.Dictionary, item.Code },
                    transaction,
                    cancellationToken: cancellationToken));
                if (updated > 0)
                {
                    itemsUpdated++;
                    continue;
                }

                await connection.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO dictionary_items (dictionary, code, label, label_en, sort, enabled, source) VALUES (@Dictionary, @Code, @Label, @LabelEn, @sort, @Enabled, @source)",
                    new { item.Dictionary, item.Code, item.Label, item.LabelEn, sort = 1000 + index, item.Enabled, source },
                    transaction,
                    cancellationToken: cancellationToken));
                itemsAdded++;
            }

            foreach (var field in document.Fields)
            {
                var updated = await connection.ExecuteAsync(new CommandDefinition(
                    "UPDATE device_fields SET label = @Label, label_en = @LabelEn, data_type = @DataType, dictionary = @Dictionary, source = @source WHERE key = @Key AND built_in = @builtIn",
                    new { field.Label, field.LabelEn, field.DataType, field.Dictionary, source, field.Key, builtIn = false },
                    transaction,
                    cancellationToken: cancellationToken));
                if (updated > 0)
                {
                    fieldsUpdated++;
                }
                else
                {
                    sort += 10;
                    await connection.ExecuteAsync(new CommandDefinition(
                        """
                        INSERT INTO device_fields (key, label, label_en, section, data_type, dictionary, built_in, sort, source, created_at)
                        VALUES (@Key, @Label, @LabelEn, @section, @DataType, @Dictionary, @builtIn, @sort, @source, @now)
                        """,
                        new { field.Key, field.Label, field.LabelEn, section = DeviceSections.Extended, field.DataType, field.Dictionary, builtIn = false, sort, source, now },
                        transaction,
                        cancellationToken: cancellationToken));
                    fieldsAdded++;
                }

                var rules = new List<FieldRule>
                {
                    new() { Id = field.Key + ".required", Field = field.Key, Kind = RuleKinds.Required, Category = RuleCategories.Completeness, Blocking = field.Required, Description = $"{field.Label}必填（市局字典 {document.Version}）" },
                };
                if (field.DataType == FieldDataTypes.Dictionary)
                {
                    rules.Add(new() { Id = field.Key + ".dictionary", Field = field.Key, Kind = RuleKinds.Dictionary, Category = RuleCategories.Compliance, Blocking = true, Description = $"{field.Label}取自字典", Parameters = $"{{\"dictionary\":\"{field.Dictionary}\"}}" });
                }
                else if (field.DataType == FieldDataTypes.Date)
                {
                    rules.Add(new() { Id = field.Key + ".date", Field = field.Key, Kind = RuleKinds.Date, Category = RuleCategories.Compliance, Blocking = true, Description = $"{field.Label}为日期" });
                }
                else if (field.DataType is FieldDataTypes.Number or FieldDataTypes.WholeNumber)
                {
                    rules.Add(new() { Id = field.Key + ".number", Field = field.Key, Kind = RuleKinds.Pattern, Category = RuleCategories.Compliance, Blocking = true, Description = $"{field.Label}为数字", Parameters = field.DataType == FieldDataTypes.Number ? """{"pattern":"^-?[0-9]+(\\.[0-9]+)?$"}""" : """{"pattern":"^-?[0-9]+$"}""" });
                }

                foreach (var rule in rules)
                {
                    rulesAdded += await connection.ExecuteAsync(new CommandDefinition(
                        """
                        INSERT INTO device_rules (id, field, kind, parameters, category, blocking, enabled, description, updated_at, updated_by)
                        VALUES (@Id, @Field, @Kind, @Parameters, @Category, @Blocking, @Enabled, @Description, @now, @actor)
                        ON CONFLICT (id) DO NOTHING
                        """,
                        new { rule.Id, rule.Field, rule.Kind, rule.Parameters, rule.Category, rule.Blocking, rule.Enabled, rule.Description, now, actor },
                        transaction,
                        cancellationToken: cancellationToken));
                }
            }

            return new CityDictionaryResult(itemsAdded, itemsUpdated, fieldsAdded, fieldsUpdated, rulesAdded);
        }, cancellationToken);
        Invalidate();
        return result;
    }

    /// <summary>Drops the cached rule set and fields (after an edit or an import).</summary>
    public void Invalidate()
    {
        _ruleSet = null;
        _fields = null;
    }
}
