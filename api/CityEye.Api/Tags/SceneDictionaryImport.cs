using CityEye.Api.Auth;
using CityEye.Api.Infrastructure;
using CityEye.Api.Spreadsheets;
using CityEye.Core.Tags;
using CityEye.Core.Validation;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CityEye.Api.Tags;

/// <summary>
/// Imports the city's scene dictionary (TG-1) so that scene tags stay consistent with the city system. The format is
/// an xlsx whose first sheet has a header row with the columns 场所类型编码, 场所类型, 场所部位编码, 场所部位,
/// 监控场所编码, 监控场所名称 (any order; codes optional; a row may stop after the type or the part). Names are
/// matched like labelling does (the same name key), so an existing tag keeps its id and labels and gains the city's
/// code; new names are created with origin "city". All or nothing: one bad row and nothing is written, and the
/// answer lists every problem by row.
/// </summary>
internal static class SceneDictionaryImport
{
    public const int MaxRows = 20_000;
    private const long MaxBytes = 10L * 1024 * 1024;

    private static readonly string[] Columns = ["场所类型编码", "场所类型", "场所部位编码", "场所部位", "监控场所编码", "监控场所名称"];

    public static async Task<Results<Ok<SceneImportResponse>, ValidationProblem>> ImportAsync(
        IFormFile? file, Caller caller, TagStore tags, TagCatalog catalog, CancellationToken cancellationToken)
    {
        if (file is null || file.Length == 0)
        {
            return Problems.Validation("file", ErrorCodes.Required);
        }

        if (file.Length > MaxBytes)
        {
            return Problems.Validation("file", ErrorCodes.ImportTooLarge, new Dictionary<string, object?> { ["max"] = MaxBytes / 1024 / 1024 });
        }

        var path = Path.Combine(Path.GetTempPath(), "cityeye-scene-" + Guid.NewGuid().ToString("N") + ".xlsx");
        try
        {
            await using (var target = File.Create(path))
            {
                await file.CopyToAsync(target, cancellationToken);
            }

            List<(int Row, string?[] Cells)> rows;
            try
            {
                rows = [.. XlsxReader.Read(path, MaxRows + 1)];
            }
            catch (Exception e) when (e is XlsxFormatException or System.Xml.XmlException or InvalidDataException or DocumentFormat.OpenXml.Packaging.OpenXmlPackageException or InvalidOperationException)
            {
                return Problems.Validation("file", ErrorCodes.ImportNotXlsx);
            }
            catch (XlsxTooManyRowsException)
            {
                return Problems.Validation("file", ErrorCodes.ImportTooManyRows, new Dictionary<string, object?> { ["max"] = MaxRows });
            }

            if (rows.Count == 0)
            {
                return Problems.Validation("file", ErrorCodes.ImportEmpty);
            }

            var header = rows[0].Cells.Select(c => c?.Trim() ?? string.Empty).ToList();
            var index = Columns.ToDictionary(c => c, header.IndexOf);
            if (index["场所类型"] < 0)
            {
                return Problems.Validation("file", ErrorCodes.ImportMissingColumns, new Dictionary<string, object?> { ["columns"] = "场所类型" });
            }

            string? Cell(string?[] cells, string column) => index[column] is var i and >= 0 && i < cells.Length && !string.IsNullOrWhiteSpace(cells[i]) ? cells[i]!.Trim() : null;

            var problems = new List<SceneImportProblem>();
            var created = 0;
            var existing = 0;
            try
            {
                await tags.Database.InTransactionAsync(async (connection, transaction) =>
                {
                    foreach (var (row, cells) in rows.Skip(1))
                    {
                        long? parent = null;
                        foreach (var (kind, nameColumn, codeColumn) in new[]
                        {
                    (TagKinds.PlaceType, "场所类型", "场所类型编码"),
                    (TagKinds.PlacePart, "场所部位", "场所部位编码"),
                    (TagKinds.PlaceName, "监控场所名称", "监控场所编码"),
                })
                        {
                            var name = Cell(cells, nameColumn);
                            if (name is null)
                            {
                                if (kind == TagKinds.PlaceType)
                                {
                                    problems.Add(new SceneImportProblem(row, nameColumn, ErrorCodes.Required, ErrorCodes.Describe(ErrorCodes.Required, null)));
                                }

                                break;
                            }

                            var (tag, found, problem) = await tags.CreateAsync(connection, transaction, TagCategories.Scene, kind, name, parent, null, Cell(cells, codeColumn), TagOrigins.City, caller.User.Username, cancellationToken);
                            if (problem is not null)
                            {
                                problems.Add(new SceneImportProblem(row, nameColumn, problem.Code, ErrorCodes.Describe(problem.Code, problem.Args)));
                                break;
                            }

                            if (found)
                            {
                                existing++;
                                if (Cell(cells, codeColumn) is { } code && tag!.CityCode != code)
                                {
                                    await connection.ExecuteAsync(new CommandDefinition(
                                        "UPDATE tags SET city_code = @code WHERE id = @Id", new { code, tag.Id }, transaction, cancellationToken: cancellationToken));
                                }
                            }
                            else
                            {
                                created++;
                            }

                            parent = tag!.Id;
                        }
                    }

                    // All or nothing: throwing rolls the transaction back.
                    return problems.Count == 0 ? 0 : throw new RolledBackException();
                }, cancellationToken);
            }
            catch (RolledBackException)
            {
                return TypedResults.Ok(new SceneImportResponse(rows.Count - 1, 0, 0, problems));
            }

            catalog.Invalidate();
            return TypedResults.Ok(new SceneImportResponse(rows.Count - 1, created, existing, []));
        }
        finally
        {
            File.Delete(path);
        }
    }
}

/// <summary>Thrown inside the import's transaction to roll it back when a row is bad.</summary>
internal sealed class RolledBackException : Exception
{
    public RolledBackException()
    {
    }

    public RolledBackException(string message)
        : base(message)
    {
    }

    public RolledBackException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
