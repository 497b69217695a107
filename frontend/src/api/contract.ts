// Names for the generated API types (src/api/schema.ts, from the OpenAPI document): the SPA imports its API types
// from here and never declares them by hand.
import type { components } from './schema'

type Schemas = components['schemas']

export type Me = Schemas['MeResponse']
export type LoginRequest = Schemas['LoginRequest']
export type ChangePasswordRequest = Schemas['ChangePasswordRequest']
export type Permission = Schemas['Permission']
export type ErrorCode = Schemas['ErrorCode']
export type Violation = Schemas['Violation']

export type Job = Schemas['JobResponse']
export type JobStatus = Schemas['JobStatus']
export type JobPage = Schemas['JobPage']

export type DashboardSummary = Schemas['DashboardSummaryResponse']
export type DeviceType = Schemas['DeviceType']
export type DeviceStatus = Schemas['DeviceStatus']
export type DeviceTypeCount = Schemas['TypeCount']
export type DeviceStatusCount = Schemas['StatusCount']
export type StationCount = Schemas['StationCount']

export type Organisation = Schemas['OrganisationResponse']

export type DeviceSearchResponse = Schemas['DeviceSearchResponse']
export type DeviceSearchItem = Schemas['DeviceSearchItem']
export type FacetValue = Schemas['FacetValue']
export type DeviceFile = Schemas['DeviceFileResponse']
export type DeviceVersion = Schemas['DeviceVersionResponse']
export type FieldChange = Schemas['FieldChange']
export type DeviceField = Schemas['DeviceFieldResponse']
export type DictionaryItem = Schemas['DictionaryItemResponse']
export type DeviceRule = Schemas['DeviceRuleResponse']
export type TreeNode = Schemas['TreeNodeResponse']
export type DeviceAreaRequest = Schemas['DeviceAreaRequest']
export type DeviceAreaResponse = Schemas['DeviceAreaResponse']
export type DeviceMap = Schemas['DeviceMapResponse']
export type ImportReport = Schemas['ImportReport']
export type MapConfig = Schemas['MapConfigResponse']
export type ImportRowProblem = Schemas['ImportRowProblem']
export type Readiness = Schemas['ReadinessResponse']
export type DeviceRuleUpdate = Schemas['DeviceRuleUpdateRequest']

export type NetworkingPoint = Schemas['NetworkingPointResponse']
export type NetworkingPointPage = Schemas['NetworkingPointPage']
export type NetworkingPointCount = Schemas['NetworkingPointCount']
export type NetworkingPointOutcome = Schemas['NetworkingPointOutcome']
export type NetworkingPointProblem = Schemas['NetworkingPointProblem']
export type NetworkingPointEvent = Schemas['NetworkingPointEventResponse']

export type AuditRun = Schemas['AuditRunResponse']
export type AuditRunPage = Schemas['AuditRunPage']
export type AuditRunDetail = Schemas['AuditRunDetail']
export type AuditCategoryCount = Schemas['AuditCategoryCount']
export type AuditFinding = Schemas['AuditFindingResponse']
export type AuditFindingPage = Schemas['AuditFindingPage']

export type LedgerSyncSource = Schemas['LedgerSyncSourceResponse']
export type LedgerSyncBatch = Schemas['LedgerSyncBatchResponse']
export type LedgerSyncBatchPage = Schemas['LedgerSyncBatchPage']
export type LedgerSyncBatchDetail = Schemas['LedgerSyncBatchDetail']

export type LogEntry = Schemas['LogEntry']
export type LogEntryPage = Schemas['LogEntryPage']
export type LogChainState = Schemas['LogChainState']

export type Notification = Schemas['NotificationResponse']
export type NotificationPage = Schemas['NotificationPage']

/**
 * A problem as the SPA holds it: what the API sends (CityEyeProblem), or what the client makes up for a network
 * failure, hence every member optional.
 */
export type ProblemDetails = Partial<Schemas['CityEyeProblem']>

export {
  deviceStatusValues,
  deviceTypeValues,
  errorCodeValues,
  jobStatusValues,
  permissionValues,
} from './schema'

export type UserPage = Schemas['UserPage']
export type UserListItem = Schemas['UserListItemResponse']
export type UserCounts = Schemas['UserCountsResponse']
export type UserDetail = Schemas['UserDetailResponse']
export type UserFields = Schemas['UserFields']
export type CreateUserRequest = Schemas['CreateUserRequest']
export type CloneUserRequest = Schemas['CloneUserRequest']
export type BatchRolesRequest = Schemas['BatchRolesRequest']
export type BatchRolesResponse = Schemas['BatchRolesResponse']
export type EffectivePermissions = Schemas['EffectivePermissionsResponse']
export type UserImportReport = Schemas['UserImportReport']
export type RolePage = Schemas['RolePage']
export type RoleSummary = Schemas['RoleSummaryResponse']
export type RoleDetail = Schemas['RoleDetailResponse']
export type RoleRequest = Schemas['RoleRequest']
export type RoleCatalog = Schemas['RoleCatalogResponse']
export type DeviceGrant = Schemas['DeviceGrantDto']

export type AnomalyPage = Schemas['AnomalyPage']
export type Anomaly = Schemas['AnomalyResponse']
export type BehaviourRun = Schemas['BehaviourRunResponse']
export type OperationStats = Schemas['OperationStatsResponse']

export type CaptureType = NonNullable<Schemas['CaptureType']>
export type CaptureBox = Schemas['CaptureBox']
export type CaptureAttributes = Schemas['CaptureAttributes']
export type Capture = Schemas['CaptureResponse']
export type CapturePage = Schemas['CapturePageResponse']
export type DetectResponse = Schemas['DetectResponse']
export type DetectTarget = Schemas['DetectTarget']
export type ImageSearchResponse = Schemas['ImageSearchResponse']
export type ImageSearchHit = Schemas['ImageSearchHit']
export type DeviceHitGroup = Schemas['DeviceHitGroup']
export type IdentityResponse = Schemas['IdentityResponse']
export type VehicleOwner = Schemas['VehicleOwnerResponse']
export type FavouriteGroup = Schemas['FavouriteGroupResponse']
export type FavouritePage = Schemas['FavouritePageResponse']
export type SearchHistoryEntry = Schemas['SearchHistoryResponse']
export type ShelfResponse = Schemas['ShelfResponse']
export type ShelfItem = Schemas['ShelfItemResponse']
export type ShelfArchive = Schemas['ShelfArchiveResponse']
export type Trajectory = Schemas['TrajectoryResponse']
export type ChangedResponse = Schemas['ChangedResponse']
export type CoTravellers = Schemas['CoTravellersResponse']

export type LiveVideo = Schemas['LiveResponse']
export type VideoCapabilities = Schemas['VideoCapabilitiesResponse']
export type OpenStreams = Schemas['OpenStreamsResponse']
export type Playback = Schemas['PlaybackResponse']

export type PtzRequest = Schemas['PtzRequest']
export type PtzState = Schemas['PtzResponse']
export type VideoFavouriteGroup = Schemas['VideoFavouriteGroupResponse']
export type VideoDevice = Schemas['VideoDeviceResponse']
export type VideoHistory = Schemas['VideoHistoryResponse']
export type DeviceStage = Schemas['DeviceStageResponse']
export type VideoFrames = Schemas['VideoFramesResponse']
export type FrameCaptures = Schemas['FrameCapturesResponse']
export type VideoHistoryItem = Schemas['VideoHistoryItemResponse']
export type WallSummary = Schemas['WallSummaryResponse']
export type WallDevice = Schemas['WallDeviceResponse']
/** The generator drops the nullability of list items: an empty cell of a screen is null. */
export type WallScreen = Omit<Schemas['WallScreenResponse'], 'cells' | 'devices'> & {
  cells: (WallDevice | null)[]
  devices: (WallDevice | null)[]
}
export type Wall = Omit<Schemas['WallResponse'], 'screens'> & { screens: WallScreen[] }
export type WallRequest = Schemas['WallRequest']
export type FaultTicket = Schemas['FaultResponse']
export type FaultDetail = Schemas['FaultDetailResponse']
export type FaultPage = Schemas['FaultPageResponse']
export type FaultAssignee = Schemas['FaultAssigneeResponse']
export type FaultReportRequest = Schemas['FaultReportRequest']
export type WatermarkStyle = Required<Schemas['WatermarkStyle']>
export type WatermarkStyleResponse = Schemas['WatermarkStyleResponse']
export type WatermarkDecode = Schemas['WatermarkDecodeResponse']

export type Tag = Schemas['TagResponse']
export type TagCreateRequest = Schemas['TagCreateRequest']
export type TagCreateResponse = Schemas['TagCreateResponse']
export type TagLabelResponse = Schemas['TagLabelResponse']
export type DeviceLabel = Schemas['DeviceLabelResponse']
export type TagGroup = Schemas['TagGroupResponse']
export type TagGroupRequest = Schemas['TagGroupRequest']
export type PoliceLine = Schemas['PoliceLineResponse']
export type TagRule = Schemas['TagRuleResponse']
export type TagRuleRequest = Schemas['TagRuleRequest']
export type TagAccess = Schemas['TagAccessResponse']
export type TagUnitAccess = Schemas['TagUnitAccessResponse']
export type TagUserAccess = Schemas['TagUserAccessResponse']
export type TagAccessSettingRequest = Schemas['TagAccessSettingRequest']
export type TagStats = Schemas['TagStatsResponse']
export type UnitLabelling = Schemas['UnitLabelling']
export type SceneImport = Schemas['SceneImportResponse']

export type PlanDirectory = Schemas['PlanDirectoryResponse']
export type PlanListResponse = Schemas['PlanListResponse']
export type PlanSummary = Schemas['PlanSummary']
export type PlanResponse = Schemas['PlanResponse']
export type PlanDevice = Schemas['PlanDeviceResponse']
export type PlanRequest = Schemas['PlanRequest']
export type PlanExecuteResponse = Schemas['PlanExecuteResponse']
export type PlanStats = Schemas['PlanStatsResponse']
export type PlanDocument = Schemas['PlanDocument']
export type PlanImportResponse = Schemas['PlanImportResponse']
export type SignResult = Schemas['SignResponse']
export type VerifyResult = Schemas['VerifyResponse']
export type SiteIdentity = Schemas['SiteIdentityResponse']
export type CryptoKeys = Schemas['KeysResponse']
export type CryptoKey = Schemas['KeyResponse']
export type Certificate = Schemas['CertificateResponse']
export type CertificatePage = Schemas['CertificatePageResponse']
export type IssuedCertificate = Schemas['IssuedCertificateResponse']
export type IssueCertificateRequest = Schemas['IssueCertificateRequest']
export type ImportCertificateRequest = Schemas['ImportCertificateRequest']
export type IntegrityReport = Schemas['IntegrityReport']
export type LogCheckpoint = Schemas['LogCheckpoint']
export type SignInChallenge = Schemas['SignInChallengeResponse']
export type CertificateLoginRequest = Schemas['CertificateLoginRequest']
