using System.Globalization;
using System.Reflection;

namespace CityEye.Core.Validation;

/// <summary>
/// Every error code the API sends: the top-level <c>code</c> of a ProblemDetails and the <c>code</c> of each field
/// violation. The list is published in the OpenAPI document (schema <c>ErrorCode</c>), and the SPA's tests check
/// that each one has a zh-CN and an en-US translation.
/// </summary>
public static class ErrorCodes
{
    // Field rules (violations).
    public const string Required = "field.required";
    public const string Length = "field.length";
    public const string Range = "field.range";
    public const string Format = "field.format";
    public const string Unique = "field.unique";
    public const string UnknownValue = "field.unknownValue";
    public const string NotInFuture = "field.notInFuture";
    public const string PasswordTooShort = "password.tooShort";
    public const string PasswordClasses = "password.classes";
    public const string PasswordIsUsername = "password.isUsername";
    public const string PasswordReused = "password.reused";
    public const string PasswordWrong = "password.wrong";
    public const string UnknownField = "field.unknown";
    public const string OutsideDistrict = "device.outsideDistrict";
    public const string GbTypeMismatch = "device.gbTypeMismatch";
    public const string RuleParameters = "rule.parameters";
    public const string ScopeNotHeld = "token.scopeNotHeld";
    public const string TokenOutlivesParent = "token.outlivesParent";

    // Problems (top-level codes).
    public const string ValidationFailed = "request.invalid";
    public const string MalformedBody = "request.malformedBody";
    public const string BadParameter = "request.badParameter";
    public const string Unauthenticated = "auth.unauthenticated";
    public const string Forbidden = "auth.forbidden";
    public const string InvalidCredentials = "auth.invalidCredentials";
    public const string AccountDisabled = "auth.accountDisabled";
    public const string AccountIntegrity = "auth.integrityFailed";
    public const string CertificateRequired = "auth.certificateRequired";
    public const string ChallengeInvalid = "auth.challengeInvalid";
    public const string SignInCertificateInvalid = "auth.certificateInvalid";
    public const string SignInCertificateUnknown = "auth.certificateUnknown";
    public const string SignInPasswordRequired = "auth.passwordRequired";
    public const string PasswordEncryptionRequired = "auth.passwordEncryptionRequired";
    public const string AccountExpired = "auth.accountExpired";
    public const string PasswordChangeRequired = "auth.passwordChangeRequired";
    public const string SignInThrottled = "auth.throttled";
    public const string CrossSiteRequest = "auth.crossSiteRequest";
    public const string NotFound = "notFound";
    public const string MethodNotAllowed = "methodNotAllowed";
    public const string Conflict = "conflict";
    public const string JobFinished = "job.finished";
    public const string SelfAdministration = "user.self";
    public const string RateLimited = "rateLimited";
    public const string StoreUnavailable = "store.unavailable";
    public const string SearchUnavailable = "search.unavailable";
    public const string ImportNotXlsx = "import.notXlsx";
    public const string ImportTooLarge = "import.tooLarge";
    public const string ImportEmpty = "import.empty";
    public const string ImportMissingColumns = "import.missingColumns";
    public const string ImportTooManyRows = "import.tooManyRows";
    public const string ImportUnknownColumns = "import.unknownColumns";
    public const string ImportNoGbCodeColumn = "import.noGbCodeColumn";
    public const string ServerError = "server.error";
    public const string DeviceStale = "device.stale";
    public const string DeviceOutOfScope = "device.outOfScope";
    public const string QueryTooLong = "search.queryTooLong";
    public const string TooManyKeywords = "search.tooManyKeywords";
    public const string PageTooDeep = "search.pageTooDeep";
    public const string SyncFullOnly = "sync.fullOnly";
    public const string SyncDuplicateRecord = "sync.duplicateRecord";
    public const string SyncSequenceUsed = "sync.sequenceUsed";
    public const string SyncSequenceGap = "sync.sequenceGap";
    public const string SyncNotOwner = "sync.notOwner";
    public const string NetworkingAlreadyPoint = "networking.alreadyPoint";
    public const string NetworkingNotAPoint = "networking.notAPoint";
    public const string NetworkingWrongState = "networking.wrongState";
    public const string NetworkingRulesFailed = "networking.rulesFailed";
    public const string ServiceNotGranted = "auth.serviceNotGranted";
    public const string AccountNotYetValid = "auth.accountNotYetValid";
    public const string UserOutsideUnits = "user.outsideUnits";
    public const string NotHeld = "role.notHeld";
    public const string RoleInUse = "role.inUse";
    public const string RoleKindFixed = "role.kindFixed";
    public const string UserOutranks = "user.outranks";
    public const string RoleHeldOutsideUnits = "role.heldOutsideUnits";
    public const string CaptureUnknownDevice = "capture.unknownDevice";
    public const string CaptureImageInvalid = "capture.imageInvalid";
    public const string CaptureImageTooLarge = "capture.imageTooLarge";
    public const string CaptureImageTooManyPixels = "capture.imageTooManyPixels";
    public const string CaptureVectorDimension = "capture.vectorDimension";
    public const string CaptureVectorInvalid = "capture.vectorInvalid";
    public const string CaptureDuplicateInBatch = "capture.duplicateInBatch";
    public const string CaptureTimeInFuture = "capture.timeInFuture";
    public const string CaptureTooOld = "capture.tooOld";
    public const string CaptureAttributeNotApplicable = "capture.attributeNotApplicable";
    public const string CaptureImageRequired = "capture.imageRequired";
    public const string CaptureIngestBusy = "capture.ingestBusy";
    public const string CaptureTooManyInBatch = "capture.tooManyInBatch";
    public const string CaptureNoVector = "capture.noVector";
    public const string VectorsUnavailable = "vectors.unavailable";
    public const string RequestTooLarge = "request.tooLarge";
    public const string CaptureNoTarget = "capture.noTarget";
    public const string ModelsUnavailable = "models.unavailable";
    public const string CaptureNotFace = "capture.notFace";
    public const string CaptureNotVisible = "capture.notVisible";
    public const string FavouriteGroupFull = "favourites.groupFull";
    public const string FavouriteGroupLimit = "favourites.groupLimit";
    public const string ShelfFull = "shelf.full";
    public const string ShelfEmpty = "shelf.empty";
    public const string VideoOffline = "video.offline";
    public const string VideoBusy = "video.busy";
    public const string VideoUnavailable = "video.unavailable";
    public const string VideoStreamLimit = "video.streamLimit";
    public const string VideoUrlInvalid = "video.urlInvalid";
    public const string VideoStreamEnded = "video.streamEnded";
    public const string VideoRangeOrder = "video.rangeOrder";
    public const string VideoRangeTooLong = "video.rangeTooLong";
    public const string VideoRangeInFuture = "video.rangeInFuture";
    public const string VideoRangeTooOld = "video.rangeTooOld";
    public const string VideoPtzUnsupported = "video.ptzUnsupported";
    public const string VideoPtzCommand = "video.ptzCommand";
    public const string VideoPtzPreset = "video.ptzPreset";
    public const string VideoNoRecordings = "video.noRecordings";
    public const string VideoFrameRetake = "video.frameRetake";
    public const string StageFull = "stage.full";
    public const string FaultOpen = "faults.open";
    public const string FaultWrongState = "faults.wrongState";
    public const string FaultNotAssignee = "faults.notAssignee";
    public const string WallSplit = "wall.split";
    public const string WallLimit = "wall.limit";
    public const string WallTooManyStreams = "wall.tooManyStreams";
    public const string WallTooManyDevices = "wall.tooManyDevices";
    public const string WallNothingToPatrol = "wall.nothingToPatrol";
    public const string WatermarkTemplate = "watermark.template";
    public const string WatermarkPlaceholder = "watermark.placeholder";
    public const string WatermarkColour = "watermark.colour";
    public const string WatermarkImageInvalid = "watermark.imageInvalid";
    public const string WatermarkImageTooLarge = "watermark.imageTooLarge";
    public const string WatermarkNotFound = "watermark.notFound";

    public const string TagParent = "tags.parent";
    public const string TagGroup = "tags.group";
    public const string TagNotActive = "tags.notActive";
    public const string TagMergeSelf = "tags.mergeSelf";
    public const string TagMergeKind = "tags.mergeKind";
    public const string TagForbidden = "tags.forbidden";
    public const string TagDerived = "tags.derived";
    public const string TagNotOwner = "tags.notOwner";
    public const string TagGroupNotEmpty = "tags.groupNotEmpty";
    public const string TagDevicesOutOfScope = "tags.devicesOutOfScope";
    public const string TagRuleTarget = "tags.ruleTarget";
    public const string PlanDirectoryCycle = "plans.directoryCycle";
    public const string PlanDirectoryType = "plans.directoryType";
    public const string PlanDirectoryRoot = "plans.directoryRoot";
    public const string PlanDirectoryNotEmpty = "plans.directoryNotEmpty";
    public const string PlanTooManyDevices = "plans.tooManyDevices";
    public const string PlanForbidden = "plans.forbidden";
    public const string PlanStale = "plans.stale";
    public const string PlanUnknownDevice = "plans.unknownDevice";
    public const string CryptoMalformed = "crypto.malformed";
    public const string CryptoWrongCurve = "crypto.wrongCurve";
    public const string CryptoWrongAlgorithm = "crypto.wrongAlgorithm";
    public const string CryptoDecryptFailed = "crypto.decryptFailed";
    public const string CryptoKeyLength = "crypto.keyLength";
    public const string CryptoCertificateInvalid = "crypto.certificateInvalid";
    public const string CryptoNotAuthority = "crypto.notAuthority";
    public const string CryptoRequestNotSelfSigned = "crypto.requestNotSelfSigned";
    public const string CryptoRootNotRevocable = "crypto.rootNotRevocable";
    public const string CryptoAlreadyRevoked = "crypto.alreadyRevoked";
    public const string CryptoKeyNotRotatable = "crypto.keyNotRotatable";
    public const string CryptoCertificateInUse = "crypto.certificateInUse";

    private static readonly Dictionary<string, string> English = new(StringComparer.Ordinal)
    {
        [Required] = "Required.",
        [Length] = "Must be {min} to {max} characters.",
        [Range] = "Must be from {min} to {max}.",
        [Format] = "Not in the expected format.",
        [Unique] = "The value {value} is already in use.",
        [UnknownValue] = "Unknown value {value}.",
        [NotInFuture] = "Must be a time in the future.",
        [PasswordTooShort] = "At least {min} characters.",
        [PasswordClasses] = "Use at least {min} of: upper-case letters, lower-case letters, digits, symbols.",
        [PasswordIsUsername] = "Must not be the user name.",
        [PasswordReused] = "Must differ from the last {count} passwords.",
        [PasswordWrong] = "The current password is wrong.",
        [UnknownField] = "There is no field {value}.",
        [OutsideDistrict] = "The position lies outside the district.",
        [GbTypeMismatch] = "The type digits {value} of the GB/T 28181 code do not fit device type {type}.",
        [RuleParameters] = "The rule's parameters are not valid for a {value} rule.",
        [ScopeNotHeld] = "You do not hold the permission {value}.",
        [TokenOutlivesParent] = "A token cannot outlive the token that creates it ({value}).",
        [ValidationFailed] = "One or more fields are invalid.",
        [MalformedBody] = "The request body is not valid JSON for this operation.",
        [BadParameter] = "A parameter has a value of the wrong type.",
        [Unauthenticated] = "Sign in first; the session may have ended.",
        [Forbidden] = "The signed-in user lacks the permission this function needs.",
        [InvalidCredentials] = "Wrong user name or password.",
        [AccountDisabled] = "This account is disabled; contact an administrator.",
        [CertificateRequired] = "Your role requires signing in with your certificate (USB key) and password.",
        [ChallengeInvalid] = "The sign-in challenge has expired or was already used; try again.",
        [SignInCertificateInvalid] = "The certificate cannot sign in: {reason}",
        [SignInCertificateUnknown] = "The certificate is valid but not registered to any user of this system.",
        [SignInPasswordRequired] = "Your role requires the password as well as the certificate.",
        [PasswordEncryptionRequired] = "This system accepts only passwords encrypted with its SM2 key; use the sign-in page.",
        [AccountIntegrity] = "This account's access-control data failed its integrity check (it was changed outside CityEye); the security log names it. Contact an administrator.",
        [AccountExpired] = "This account's validity has ended; contact an administrator.",
        [PasswordChangeRequired] = "Change your password before using other functions.",
        [SignInThrottled] = "Too many sign-in attempts; wait {seconds} s.",
        [CrossSiteRequest] = "The request did not come from the CityEye web UI.",
        [NotFound] = "The requested resource does not exist.",
        [MethodNotAllowed] = "This path does not accept that method.",
        [Conflict] = "The request conflicts with the current state.",
        [JobFinished] = "The job has finished and cannot be cancelled.",
        [SelfAdministration] = "Administrators cannot lock, disable or delete their own account, nor change their own roles.",
        [RateLimited] = "Too many requests; try again later.",
        [ImportNotXlsx] = "The file is not an xlsx workbook (a renamed or damaged file?).",
        [ImportTooLarge] = "The file is larger than {max} MB.",
        [ImportEmpty] = "The sheet has no rows.",
        [ImportTooManyRows] = "The sheet has more than {max} data rows; split it.",
        [ImportUnknownColumns] = "Unknown columns: {value}. Use the template's headers.",
        [ImportNoGbCodeColumn] = "The sheet has no GB code column (国标编码).",
        [SearchUnavailable] = "The search engine cannot be reached; try again shortly.",
        [StoreUnavailable] = "The system-of-record database cannot be reached; try again shortly.",
        [ServerError] = "An unexpected error occurred. It has been logged.",
        [DeviceStale] = "Someone else changed this device (now version {version}); reload it and apply your change again.",
        [DeviceOutOfScope] = "You may not file devices under that unit.",
        [QueryTooLong] = "The search text is longer than {max} characters.",
        [TooManyKeywords] = "Use at most {max} keywords.",
        [PageTooDeep] = "Only the first {max} results can be paged through; narrow the search.",
        [SyncFullOnly] = "Only full batches carry fullRunId, final and removeMissing.",
        [SyncDuplicateRecord] = "GB code {value} appears more than once in the batch.",
        [SyncSequenceUsed] = "That sequence number belongs to another batch; the next one is {expected}.",
        [SyncSequenceGap] = "Batches are missing before this one; the next sequence number is {expected}.",
        [SyncNotOwner] = "This source belongs to another user; push under your own source name.",
        [NetworkingAlreadyPoint] = "The device is already a networking point.",
        [NetworkingNotAPoint] = "The device is not a networking point (or not one you may see).",
        [NetworkingWrongState] = "A point in state {state} cannot take the action {action}.",
        [NetworkingRulesFailed] = "The device breaks {count} ledger rules; correct its file first.",
        [ServiceNotGranted] = "No enabled service role of the token's user covers this API.",
        [AccountNotYetValid] = "The account is not valid yet.",
        [UserOutsideUnits] = "The user belongs to a unit outside the units you manage.",
        [NotHeld] = "You cannot grant what you do not hold yourself: {value}.",
        [RoleInUse] = "{count} users hold this role; revoke it from them first.",
        [RoleKindFixed] = "The kind of a role cannot change.",
        [UserOutranks] = "The user holds roles you could not grant; only an administrator who holds them may change this user.",
        [RoleHeldOutsideUnits] = "Users of units you do not manage hold this role; only an administrator of all units may change it.",
        [CaptureUnknownDevice] = "No device {value} that you may send captures for.",
        [CaptureImageInvalid] = "Not a JPEG or PNG image.",
        [CaptureImageTooLarge] = "The image is larger than {max} MB.",
        [CaptureImageTooManyPixels] = "The image has {value} million pixels; at most {max} million are accepted.",
        [CaptureVectorDimension] = "The vector has {value} dimensions; {type} vectors have {expected}.",
        [CaptureVectorInvalid] = "The vector contains NaN or infinity, or only zeros.",
        [CaptureDuplicateInBatch] = "Source id {value} appears more than once in the batch.",
        [CaptureTimeInFuture] = "The capture time lies in the future.",
        [CaptureTooOld] = "The capture is older than the {days} days captures are kept.",
        [CaptureAttributeNotApplicable] = "A {type} capture has no attribute {value}.",
        [CaptureImageRequired] = "Send the target image inline (image) or as a URL (imageUrl).",
        [CaptureIngestBusy] = "{count} captures are waiting to be stored; send again in {seconds} s.",
        [CaptureTooManyInBatch] = "A batch holds at most {max} captures.",
        [CaptureNoVector] = "The capture has no feature vector to search with.",
        [VectorsUnavailable] = "The vector index cannot be reached; try again shortly.",
        [RequestTooLarge] = "The request body is larger than {max} MB.",
        [CaptureNoTarget] = "No {type} was found in the image; draw a box around it.",
        [ModelsUnavailable] = "The detection models are not available right now; try again shortly.",
        [CaptureNotFace] = "Identity look-ups need a face capture.",
        [CaptureNotVisible] = "Capture {value} does not exist or is outside your devices.",
        [FavouriteGroupFull] = "A favourite group holds at most {max} captures.",
        [FavouriteGroupLimit] = "You can have at most {max} favourite groups.",
        [ShelfFull] = "The shelf holds at most {max} captures; archive it first.",
        [ShelfEmpty] = "The shelf is empty; nothing to archive.",
        [VideoOffline] = "Device {value} is {status}: it has no video now.",
        [VideoBusy] = "The node already plays {running} live streams, its limit of {limit}; try again shortly.",
        [VideoUnavailable] = "The video cannot be produced: {value}",
        [VideoStreamLimit] = "You already have {open} live streams open, your limit of {limit}; close one first.",
        [VideoUrlInvalid] = "This video address has expired or belongs to another session; open the video again.",
        [VideoStreamEnded] = "The live stream has ended; open the video again.",
        [VideoRangeOrder] = "The end must be after the start.",
        [VideoRangeTooLong] = "One request may cover at most {max} minutes.",
        [VideoRangeInFuture] = "Recorded video exists only up to now.",
        [VideoRangeTooOld] = "Recordings are kept for {days} days.",
        [VideoPtzUnsupported] = "Device {value} is a fixed camera: it cannot pan, tilt or zoom.",
        [VideoPtzCommand] = "Unknown PTZ command {value}.",
        [VideoPtzPreset] = "Preset {value} is not saved on this camera.",
        [VideoNoRecordings] = "Device {value} is relayed from its stream URL: the node keeps no recordings of it.",
        [VideoFrameRetake] = "This frame was taken before targets could be made from frames: take the frames again.",
        [StageFull] = "The staging rack holds at most {max} devices.",
        [FaultOpen] = "Device {value} already has an open fault ticket (No. {id}); add to that one.",
        [FaultWrongState] = "The ticket is {state}: this step is not possible now.",
        [FaultNotAssignee] = "Only the person the ticket is assigned to, or a dispatcher, records how it was handled.",
        [WallTooManyStreams] = "You follow too many video walls at once; close a wall page and try again in {seconds} s.",
        [WallLimit] = "There can be at most {max} video walls.",
        [WallSplit] = "A screen shows {allowed} cells, not {value}.",
        [WallTooManyDevices] = "A screen holds at most {max} devices.",
        [WallNothingToPatrol] = "The screen's devices fit on one page of {split}: there is nothing to patrol.",
        [WatermarkTemplate] = "The text template must have 1 to 200 characters.",
        [WatermarkPlaceholder] = "The template may use only the placeholders name, username, unit, address, time and node (in braces).",
        [WatermarkColour] = "A colour is written #RRGGBB.",
        [WatermarkImageInvalid] = "Not an image that can be read (JPEG, PNG, WebP, BMP or GIF).",
        [WatermarkImageTooLarge] = "The image is larger than {max} MB.",
        [ImportMissingColumns] = "The header row lacks the column(s) {columns}.",
        [TagParent] = "A place part belongs to a place type and a place name to a place part; only scene tags have parents.",
        [TagGroup] = "Business and construction tags belong to a group of their own category; scene and derived tags to none.",
        [TagNotActive] = "The tag was recycled or merged.",
        [TagMergeSelf] = "A tag cannot be merged into itself or into one of its own sub-tags.",
        [TagMergeKind] = "A tag merges only into a tag of the same category and level.",
        [TagForbidden] = "You may not see or label tags of this police line or construction level.",
        [TagDerived] = "Derived tags follow their rules and plans; they cannot be put on or taken off by hand.",
        [TagNotOwner] = "Only the user who labelled the device, or a tag administrator, can remove this label.",
        [TagGroupNotEmpty] = "The group still has tags: recycle or merge them first.",
        [TagDevicesOutOfScope] = "{count} of the devices do not exist or are outside your device scope: {ids}.",
        [TagRuleTarget] = "A rule makes a derived tag: choose a tag of the derived category.",
        [PlanDirectoryCycle] = "A directory cannot move into itself or into one of its sub-directories.",
        [PlanDirectoryType] = "Directories and plans stay in the tree of their own plan type.",
        [PlanDirectoryRoot] = "The three root directories cannot be renamed, moved or deleted.",
        [PlanDirectoryNotEmpty] = "The directory still holds plans or directories: move or delete them first.",
        [PlanTooManyDevices] = "A plan holds at most {max} devices.",
        [PlanForbidden] = "Your roles may not see plans of this directory.",
        [PlanUnknownDevice] = "No device with GB code {value} inside your device scope.",
        [PlanStale] = "The plan was changed by someone else meanwhile: reload it and try again.",
        [CryptoMalformed] = "Not valid DER, PEM, hex or base64 of the expected structure.",
        [CryptoWrongCurve] = "The key is not an SM2 key (curve sm2p256v1).",
        [CryptoWrongAlgorithm] = "Not signed with SM2 and SM3.",
        [CryptoDecryptFailed] = "The ciphertext is truncated, was altered or was made for another key.",
        [CryptoKeyLength] = "The key has the wrong length.",
        [CryptoCertificateInvalid] = "The certificate is not valid: {reason}",
        [CryptoNotAuthority] = "The certificate is not a certificate authority (basicConstraints CA:TRUE).",
        [CryptoRequestNotSelfSigned] = "The certificate request is not signed by the key it asks to certify.",
        [CryptoRootNotRevocable] = "The node's root certificate cannot be revoked.",
        [CryptoAlreadyRevoked] = "The certificate is already revoked.",
        [CryptoKeyNotRotatable] = "This key is not rotated: the values made with it would have to be recomputed.",
        [CryptoCertificateInUse] = "This certificate is already registered.",
        [WatermarkNotFound] = "No watermark of this system was found in the image. A crop must keep at least a quarter of the picture.",
    };

    /// <summary>Every code, in declaration order.</summary>
    public static IReadOnlyList<string> All { get; } = typeof(ErrorCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToList();

    /// <summary>The English text of a code with its arguments filled in.</summary>
    public static string Describe(string code, IReadOnlyDictionary<string, object?>? args)
    {
        var text = English.GetValueOrDefault(code, code);
        if (args is null)
        {
            return text;
        }

        foreach (var (name, value) in args)
        {
            text = text.Replace("{" + name + "}", Convert.ToString(value, CultureInfo.InvariantCulture), StringComparison.Ordinal);
        }

        return text;
    }
}
