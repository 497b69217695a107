using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace CityEye.Api.Spreadsheets;

/// <summary>A sheet to write: a header row, data rows (strings or numbers), and optional drop-down lists per column.</summary>
internal sealed record XlsxSheet(string Name, IReadOnlyList<string> Header, IEnumerable<IReadOnlyList<object?>> Rows)
{
    /// <summary>Drop-down values by zero-based column index (written to a hidden list sheet).</summary>
    public IReadOnlyDictionary<int, IReadOnlyList<string>> DropDowns { get; init; } = new Dictionary<int, IReadOnlyList<string>>();

    /// <summary>Rows of the sheet that the drop-downs cover (from row 2).</summary>
    public int DropDownRows { get; init; } = 5000;
}

/// <summary>
/// Writes xlsx files row by row (OpenXmlWriter), with inline strings, a bold frozen header, and list validation for
/// drop-downs. Text that a spreadsheet would run as a formula (starting with =, +, -, @, tab or carriage return) is
/// written with a leading apostrophe, which <see cref="XlsxReader"/> removes again, so exports re-import unchanged.
/// </summary>
internal static class XlsxWriter
{
    public static void Write(Stream output, IReadOnlyList<XlsxSheet> sheets)
    {
        using var document = SpreadsheetDocument.Create(output, SpreadsheetDocumentType.Workbook);
        var workbook = document.AddWorkbookPart();
        var styles = workbook.AddNewPart<WorkbookStylesPart>();
        styles.Stylesheet = Styles();
        var sheetList = new Sheets();
        uint sheetId = 1;
        var lists = sheets.SelectMany(s => s.DropDowns.Values).Distinct().ToList();
        foreach (var sheet in sheets)
        {
            var part = workbook.AddNewPart<WorksheetPart>();
            WriteSheet(part, sheet, lists);
            sheetList.Append(new Sheet { Id = workbook.GetIdOfPart(part), SheetId = sheetId++, Name = sheet.Name });
        }

        if (lists.Count > 0)
        {
            // One hidden sheet holds every drop-down list, a column each.
            var part = workbook.AddNewPart<WorksheetPart>();
            var columns = lists.Select(l => (IReadOnlyList<object?>)l.Cast<object?>().ToList()).ToList();
            var rows = Enumerable.Range(0, lists.Max(l => l.Count)).Select(r => (IReadOnlyList<object?>)[.. columns.Select(c => r < c.Count ? c[r] : null)]);
            WriteSheet(part, new XlsxSheet("lists", [], rows), []);
            sheetList.Append(new Sheet { Id = workbook.GetIdOfPart(part), SheetId = sheetId, Name = "lists", State = SheetStateValues.Hidden });
        }

        workbook.Workbook = new Workbook(sheetList);
        workbook.Workbook.Save();
    }

    /// <summary>The text a cell shows, neutralised against formula injection.</summary>
    public static string Neutralise(string text) =>
        text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r' or '\'' ? "'" + text : text;

    private static void WriteSheet(WorksheetPart part, XlsxSheet sheet, List<IReadOnlyList<string>> lists)
    {
        using var writer = OpenXmlWriter.Create(part);
        writer.WriteStartElement(new Worksheet());
        if (sheet.Header.Count > 0)
        {
            writer.WriteStartElement(new SheetViews());
            writer.WriteElement(new SheetView(new Pane { VerticalSplit = 1, TopLeftCell = "A2", ActivePane = PaneValues.BottomLeft, State = PaneStateValues.Frozen }) { WorkbookViewId = 0 });
            writer.WriteEndElement();
            writer.WriteStartElement(new Columns());
            for (var c = 0; c < sheet.Header.Count; c++)
            {
                writer.WriteElement(new Column { Min = (uint)(c + 1), Max = (uint)(c + 1), Width = Math.Clamp((sheet.Header[c].Length * 2.2) + 4, 10, 40), CustomWidth = true });
            }

            writer.WriteEndElement();
        }

        writer.WriteStartElement(new SheetData());
        uint rowIndex = 1;
        if (sheet.Header.Count > 0)
        {
            WriteRow(writer, rowIndex++, [.. sheet.Header], bold: true);
        }

        foreach (var row in sheet.Rows)
        {
            WriteRow(writer, rowIndex++, row, bold: false);
        }

        writer.WriteEndElement();
        if (sheet.DropDowns.Count > 0)
        {
            writer.WriteStartElement(new DataValidations { Count = (uint)sheet.DropDowns.Count });
            foreach (var (column, values) in sheet.DropDowns)
            {
                var listColumn = ColumnName(lists.IndexOf(values));
                var letter = ColumnName(column);
                writer.WriteElement(new DataValidation(new Formula1($"lists!${listColumn}$1:${listColumn}${Math.Max(1, values.Count)}"))
                {
                    Type = DataValidationValues.List,
                    AllowBlank = true,
                    ShowErrorMessage = false,
                    SequenceOfReferences = new ListValue<StringValue> { InnerText = $"{letter}2:{letter}{sheet.DropDownRows + 1}" },
                });
            }

            writer.WriteEndElement();
        }

        writer.WriteEndElement();
    }

    private static void WriteRow(OpenXmlWriter writer, uint index, IReadOnlyList<object?> values, bool bold)
    {
        writer.WriteStartElement(new Row { RowIndex = index });
        for (var c = 0; c < values.Count; c++)
        {
            var reference = ColumnName(c) + index.ToString(CultureInfo.InvariantCulture);
            switch (values[c])
            {
                case null:
                    continue;
                case double or int or long or decimal:
                    writer.WriteElement(new Cell
                    {
                        CellReference = reference,
                        DataType = CellValues.Number,
                        CellValue = new CellValue(Convert.ToString(values[c], CultureInfo.InvariantCulture)!),
                    });
                    break;
                default:
                    var text = Convert.ToString(values[c], CultureInfo.InvariantCulture) ?? string.Empty;
                    writer.WriteElement(new Cell(new InlineString(new Text(Neutralise(text)) { Space = SpaceProcessingModeValues.Preserve }))
                    {
                        CellReference = reference,
                        DataType = CellValues.InlineString,
                        StyleIndex = bold ? 1U : 0U,
                    });
                    break;
            }
        }

        writer.WriteEndElement();
    }

    /// <summary>A, B, …, Z, AA, … for a zero-based column.</summary>
    public static string ColumnName(int index)
    {
        var name = string.Empty;
        for (var n = index + 1; n > 0; n = (n - 1) / 26)
        {
            name = (char)('A' + ((n - 1) % 26)) + name;
        }

        return name;
    }

    private static Stylesheet Styles() => new(
        new Fonts(new Font(), new Font(new Bold())),
        new Fills(new Fill(new PatternFill { PatternType = PatternValues.None }), new Fill(new PatternFill { PatternType = PatternValues.Gray125 })),
        new Borders(new Border()),
        new CellFormats(new CellFormat(), new CellFormat { FontId = 1, ApplyFont = true }));
}
