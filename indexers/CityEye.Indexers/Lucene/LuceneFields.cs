namespace CityEye.Indexers.Lucene;

/// <summary>Field names of the Lucene device index.</summary>
internal static class LuceneFields
{
    public const string Id = "id";
    public const string GbCode = "gb";
    public const string KeyboardCode = "kb";
    public const string Name = "name";
    public const string Address = "address";
    public const string Text = "text";
    public const string Pinyin = "py";
    public const string Initials = "ini";
    public const string Type = "type";
    public const string Status = "status";
    public const string Manufacturer = "manufacturer";
    public const string Region = "region";
    public const string Owner = "owner";
    public const string OrganisationPath = "org";
    public const string BusinessGroup = "group";
    public const string BusinessGroupPath = "grp";
    public const string NetworkingLevel = "net";
    public const string Tag = "tag";
    public const string Attribute = "attr";
    public const string Longitude = "lon";
    public const string Latitude = "lat";
    public const string NameSort = "name_s";

    /// <summary>The fields a hit shows, in one binary doc value (faster to read than stored fields).</summary>
    public const string Hit = "hit";
    public const string UpdatedSort = "updated_s";

    /// <summary>Doc-values field of a facet.</summary>
    public static string Facet(string facet) => "f_" + facet;
}
