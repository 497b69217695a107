using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace CityEye.Api.Spreadsheets;

/// <summary>Why a file could not be read as a spreadsheet.</summary>
internal sealed class XlsxFormatException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Thrown when a sheet has more data rows than allowed.</summary>
internal sealed class XlsxTooManyRowsException(int limit) : Exception($"More than {limit} rows.")
{
    public int Limit { get; } = limit;
}

/// <summary>
/// Reads the first worksheet of an xlsx file row by row (OpenXmlReader, one row in memory at a time): cell text from
/// shared strings, inline strings and numbers, the cached value of formula cells, and a leading apostrophe that
/// neutralised formula-like text removed.
/// </summary>
internal static class XlsxReader
{
    /// <summary>Rows as (1-based row number, cell texts by zero-based column); empty rows are skipped.</summary>
    public static IEnumerable<(int Row, string?[] Cells)> Read(string path, int maxRows)
    {
        CheckExpandedSize(path);
        SpreadsheetDocument document;
        try
        {
            document = SpreadsheetDocument.Open(path, false, new OpenSettings { MaxCharactersInPart = MaxCharactersInPart });
        }
        catch (Exception e) when (e is OpenXmlPackageException or InvalidDataException or FileFormatException or IOException or ArgumentException or InvalidOperationException)
        {
            throw new XlsxFormatException("The file is not an xlsx workbook.", e);
        }

        using (document)
        {
            var workbook = document.WorkbookPart ?? throw new XlsxFormatException("The file has no workbook.");
            var first = workbook.Workbook?.Sheets?.Elements<Sheet>().FirstOrDefault(s => s.State is null || s.State.Value == SheetStateValues.Visible)
                ?? throw new XlsxFormatException("The workbook has no sheet.");
            if (first.Id?.Value is not { } id || workbook.GetPartById(id) is not WorksheetPart sheet)
            {
                throw new XlsxFormatException("The first sheet is not a worksheet.");
            }

            var shared = workbook.SharedStringTablePart?.SharedStringTable?.Elements<SharedStringItem>().Select(i => i.InnerText).ToArray() ?? [];
            using var reader = OpenXmlReader.Create(sheet);
            var rows = 0;
            while (reader.Read())
            {
                if (reader.ElementType != typeof(Row) || !reader.IsStartElement)
                {
                    continue;
                }

                var row = (Row)reader.LoadCurrentElement()!;
                var cells = new List<string?>();
                foreach (var cell in row.Elements<Cell>())
                {
                    var column = cell.CellReference?.Value is { } reference ? ColumnIndex(reference) : cells.Count;
                    if (column < 0 || column > 1000)
                    {
                        continue;
                    }

                    while (cells.Count <= column)
                    {
                        cells.Add(null);
                    }

                    cells[column] = Text(cell, shared);
                }

                if (cells.All(string.IsNullOrWhiteSpace))
                {
                    continue;
                }

                if (++rows > maxRows)
                {
                    throw new XlsxTooManyRowsException(maxRows - 1);
                }

                yield return ((int)(row.RowIndex?.Value ?? (uint)rows), [.. cells]);
            }
        }
    }

    /// <summary>Largest expanded size of all parts together, and of one part in characters (zip bombs).</summary>
    public const long MaxExpandedBytes = 400L * 1024 * 1024;
    private const long MaxCharactersInPart = 300L * 1024 * 1024;

    private static void CheckExpandedSize(string path)
    {
        try
        {
            using var zip = System.IO.Compression.ZipFile.OpenRead(path);
            if (zip.Entries.Sum(e => e.Length) > MaxExpandedBytes)
            {
                throw new XlsxFormatException("The workbook expands to more than 400 MB.");
            }
        }
        catch (InvalidDataException e)
        {
            throw new XlsxFormatException("The file is not a zip archive.", e);
        }
    }

    private static string? Text(Cell cell, string[] shared)
    {
        string? text;
        if (cell.DataType?.Value == CellValues.SharedString)
        {
            text = int.TryParse(cell.CellValue?.Text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) && i >= 0 && i < shared.Length ? shared[i] : null;
        }
        else if (cell.DataType?.Value == CellValues.InlineString)
        {
            text = cell.InlineString?.InnerText;
        }
        else if (cell.DataType?.Value == CellValues.Boolean)
        {
            text = cell.CellValue?.Text == "1" ? "true" : "false";
        }
        else
        {
            text = cell.CellValue?.Text;
        }

        if (text is null)
        {
            return null;
        }

        text = text.Trim();
        // XlsxWriter.Neutralise puts an apostrophe before formula-like text and before text that starts with one.
        return text.Length > 1 && text[0] == '\'' && text[1] is '=' or '+' or '-' or '@' or '\t' or '\r' or '\'' ? text[1..] : text;
    }

    private static int ColumnIndex(string reference)
    {
        var index = 0;
        foreach (var c in reference)
        {
            if (!char.IsAsciiLetterUpper(c))
            {
                break;
            }

            index = (index * 26) + (c - 'A' + 1);
        }

        return index - 1;
    }
}
